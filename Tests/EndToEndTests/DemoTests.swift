import Foundation
import XCTest

/// `ucagent demo` as a newcomer runs it: calls appear, one is dropped with curl, Ctrl-C exits.
final class DemoTests: XCTestCase {
    func testDemoShowsCallsAndDropsOne() throws {
        guard Harness.binaryHasSimulator else { throw XCTSkip("an ARM appliance build: no simulator, no demo") }
        let h = try Harness()
        let demo = try Harness.startAgentProcess(["demo"], log: h.dir.appendingPathComponent("demo.log"))
        defer { demo.kill() }
        let line = try demo.waitForLine(containing: "/v1/calls  ", timeout: 20 * Harness.timeoutScale)
        let base = try XCTUnwrap(line.split(separator: " ").first { $0.hasPrefix("http://") }.map { String($0.dropLast("/v1/calls".count)) })
        var callID: Int?
        h.eventually("a generated call", timeout: 90) {
            let calls = h.curl("GET", base + "/v1/calls?state=answered").json["calls"] as? [[String: Any]] ?? []
            callID = calls.first?["id"] as? Int
            return callID != nil
        }
        let id = try XCTUnwrap(callID)
        let r = h.curl("DELETE", base + "/v1/calls/\(id)")
        XCTAssertEqual(r.json["status"] as? String, "hung_up", r.text)
        XCTAssertTrue(demo.output.contains("call \(id)  ended"), demo.output)
        demo.signal(SIGINT)
        XCTAssertEqual(demo.waitExit(timeout: 10 * Harness.timeoutScale), 0)
    }
}
