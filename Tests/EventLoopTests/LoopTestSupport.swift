import XCTest
import CSystem
@testable import EventLoop

/// Runs `loop` until a handler calls `stop()`, failing the test if that takes longer than
/// `seconds` (a watchdog timer stops the loop).
func runLoop(_ loop: EventLoop, seconds: Int64 = 10, file: StaticString = #filePath, line: UInt = #line) {
    var timedOut = false
    let t = loop.schedule(afterMs: seconds * 1000) {
        timedOut = true
        loop.stop()
    }
    loop.run()
    loop.cancel(t)
    if timedOut { XCTFail("event loop watchdog: nothing stopped the loop within \(seconds) s", file: file, line: line) }
}

let loopback = SocketAddress(ip: "127.0.0.1", port: 0)!

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
