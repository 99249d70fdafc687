import XCTest
import CSystem
@testable import EventLoop

final class SignalTests: XCTestCase {
    func testSignalArrivesThroughSignalfdAsLoopCallback() throws {
        let loop = try EventLoop()
        var got: [Int32] = []
        try loop.onSignals([SIGUSR1, SIGUSR2]) { signo in
            got.append(signo)
            if got.count == 2 { loop.stop() }
        }
        loop.schedule(afterMs: 1) {
            // Blocked by onSignals, so neither kills the process: both wait in the signalfd.
            raise(SIGUSR1)
            raise(SIGUSR2)
        }
        runLoop(loop, seconds: 5)
        XCTAssertEqual(Set(got), [SIGUSR1, SIGUSR2])
        loop.close()
    }
}
