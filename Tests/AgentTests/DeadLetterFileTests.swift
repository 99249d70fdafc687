import Foundation
import XCTest
@testable import Agent

final class DeadLetterFileTests: XCTestCase {
    func testRecordsAreJSONLinesAndTheFileIsBounded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dead.jsonl").path
        var file = DeadLetterFile(path: path, maxBytes: 4096, maxBodyBytes: 100)
        XCTAssertTrue(file.append(atISO: "2026-11-26T00:00:00.000Z", peer: "127.0.0.1", reason: "unknown action \"Hold\"",
                                  body: Array(#"{"action":"Hold"}"#.utf8)))
        let first = try String(contentsOfFile: path, encoding: .utf8)
        let record = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        XCTAssertEqual(record?["body"] as? String, #"{"action":"Hold"}"#)
        XCTAssertEqual(record?["reason"] as? String, "unknown action \"Hold\"")
        // Not UTF-8: kept as hex, nothing lost.
        XCTAssertTrue(file.append(atISO: "t", peer: "p", reason: "r", body: [0xff, 0x00, 0x41]))
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains(#""body_hex":"ff0041""#))
        // A large body is cut and marked.
        XCTAssertTrue(file.append(atISO: "t", peer: "p", reason: "r", body: [UInt8](repeating: 0x61, count: 500)))
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains(#""length":500,"truncated":true"#))
        // Past maxBytes the file rotates to .1: never more than two generations.
        for _ in 0..<100 { file.append(atISO: "t", peer: "p", reason: "r", body: [UInt8](repeating: 0x62, count: 90)) }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let rotated = (try FileManager.default.attributesOfItem(atPath: path + ".1")[.size] as? Int) ?? 0
        XCTAssertLessThanOrEqual(size, 4096)
        XCTAssertLessThanOrEqual(rotated, 4096)
        XCTAssertGreaterThan(rotated, 0)
        XCTAssertEqual(file.written, 103)
    }

    func testAnUnwritableDirectoryIsReportedNotFatal() {
        var file = DeadLetterFile(path: "/nonexistent-dir/dead.jsonl", maxBytes: 4096)
        XCTAssertFalse(file.append(atISO: "t", peer: "p", reason: "r", body: [1]))
        XCTAssertEqual(file.failures, 1)
        XCTAssertTrue(file.lastError?.contains("/nonexistent-dir/dead.jsonl") == true)
    }
}
