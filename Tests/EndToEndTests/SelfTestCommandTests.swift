import Foundation
import XCTest

/// `ucagent selftest` through the same runner as the agent: under qemu for the armv7/armv5
/// builds this is where the 32-bit checks (times past 2038, ids and sizes past 2^32, a dead-letter
/// file past 4 GiB) run in the shipped binary.
final class SelfTestCommandTests: XCTestCase {
    func testSelfTestPassesInTheBinaryUnderTest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ucagent-selftest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Harness.startAgentProcess(["selftest", "--dir", dir.path], log: dir.appendingPathComponent("selftest.log"))
        let status = p.waitExit(timeout: 60 * Harness.timeoutScale)
        let output = p.output
        print(output)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains(" 0 failed"), output)
        XCTAssertFalse(output.contains("selftest: FAIL"), output)
        // The large-file checks need a file system with sparse files: say so when they could not run.
        if output.contains("selftest: SKIP") { print("note: some selftest checks were skipped (see above)") }
    }
}
