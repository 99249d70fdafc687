import CSystem
import EventLoop
import Foundation
import XCTest

/// `[log] file`: bounded on disk, rotated to `.1`, shared by every copy of a Logger, and never
/// fatal when the disk refuses.
final class RotatingFileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("logfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func size(_ path: String) -> Int64 { csys_file_size(path) }
    private func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func testRotatesAtTheBoundAndKeepsOneGeneration() {
        let path = dir.appendingPathComponent("a.log").path
        let max: Int64 = 64 * 1024
        let file = RotatingFile(path: path, maxBytes: max)
        XCTAssertNil(file.open())
        let line = String(repeating: "x", count: 99)          // 100 bytes with the newline
        for i in 0..<2000 { file.write(line: String(format: "%05d", i) + line.dropFirst(5)) }
        XCTAssertEqual(file.failures, 0)
        XCTAssertLessThanOrEqual(size(path), max)
        XCTAssertLessThanOrEqual(size(path + ".1"), max)
        XCTAssertGreaterThanOrEqual(file.rotations, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".2"))
        // Whole lines only, newest last, continuous across the two files.
        let all = lines(path + ".1") + lines(path)
        XCTAssertTrue(all.allSatisfy { $0.count == 99 })
        XCTAssertEqual(all.last?.prefix(5), "01999")
        let numbers = all.compactMap { Int($0.prefix(5)) }
        XCTAssertEqual(numbers, Array((numbers.first ?? 0)...1999))
    }

    func testAppendsToAnExistingFileAndCountsItsSize() throws {
        let path = dir.appendingPathComponent("b.log").path
        try Data(repeating: 65, count: 1000).write(to: URL(fileURLWithPath: path))
        let file = RotatingFile(path: path, maxBytes: 64 * 1024)
        file.write(line: "after")
        XCTAssertEqual(file.size, 1006)
        XCTAssertEqual(size(path), 1006)
        // An existing file near the bound is rotated by the first line that would cross it.
        let near = RotatingFile(path: path, maxBytes: 1010)
        near.write(line: "crosses")
        XCTAssertEqual(near.rotations, 1)
        XCTAssertEqual(size(path + ".1"), 1006)
        XCTAssertEqual(lines(path), ["crosses"])
    }

    func testALineLongerThanTheBoundIsCut() {
        let path = dir.appendingPathComponent("c.log").path
        let file = RotatingFile(path: path, maxBytes: 100)
        file.write(line: String(repeating: "y", count: 500))
        XCTAssertEqual(size(path), 100)
        XCTAssertEqual(lines(path).first?.count, 99)
    }

    func testAnUnwritablePathIsCountedNotFatalAndRetried() throws {
        let path = dir.appendingPathComponent("missing/d.log").path
        let file = RotatingFile(path: path, maxBytes: 64 * 1024)
        XCTAssertNotNil(file.open())
        file.write(line: "lost")
        XCTAssertEqual(file.failures, 2)
        XCTAssertTrue(file.lastError?.contains("No such file or directory") ?? false, file.lastError ?? "")
        // The directory appears (an admin fixed it): the next line gets through.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("missing"), withIntermediateDirectories: true)
        file.write(line: "found")
        XCTAssertEqual(lines(path), ["found"])
    }

    func testLoggerCopiesShareTheFileAndWriteTheStderrLine() {
        let path = dir.appendingPathComponent("e.log").path
        var log = Logger(level: .info, writesToStderr: false)
        log.clock = { 4_294_967_296_000 }                     // 2106: no 32-bit time anywhere
        var seen: [String] = []
        log.hook = { seen.append($0.line) }
        log.file = RotatingFile(path: path, maxBytes: 64 * 1024)
        let copy = log
        log.info("agent", "one")
        copy.warn("pbx", "two\r\nforged")
        log.debug("agent", "not at info")
        XCTAssertEqual(lines(path), seen)
        XCTAssertEqual(lines(path), ["2106-02-07T06:28:16.000Z info agent: one", "2106-02-07T06:28:16.000Z warn pbx: two\\r\\nforged"])
    }
}
