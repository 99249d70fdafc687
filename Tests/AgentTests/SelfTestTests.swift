import Foundation
import XCTest
@testable import Agent

/// The hidden `ucagent selftest` passes on the host too; on 32-bit ARM it runs under qemu
/// (Tests/EndToEndTests/SelfTestCommandTests.swift through cross/e2e-qemu.sh).
final class SelfTestTests: XCTestCase {
    func testEveryCheckPassesOnTheHost() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("selftest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let checks = SelfTest.run(dir: dir.path)
        XCTAssertGreaterThanOrEqual(checks.count, 25)
        for c in checks { XCTAssertEqual(c.verdict, .pass, "\(c.name): \(c.detail)") }
        // Nothing left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testAMissingDirectorySkipsTheLargeFileChecksAndSaysWhy() {
        let checks = SelfTest.run(dir: "/nonexistent-ucagent-dir")
        let skipped = checks.filter { $0.verdict == .skip }
        XCTAssertEqual(skipped.map(\.name), ["deadletter-past-4GiB"])
        XCTAssertTrue(skipped.first?.detail.contains("No such file or directory") ?? false)
        XCTAssertFalse(checks.contains { $0.verdict == .fail })
    }
}
