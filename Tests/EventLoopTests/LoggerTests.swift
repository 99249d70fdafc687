import XCTest
@testable import EventLoop

final class LoggerTests: XCTestCase {
    func testWritesOneLineWithTimestampLevelAndCategory() {
        var records: [LogRecord] = []
        var log = Logger(level: .info, writesToStderr: false) { records.append($0) }
        log.clock = { 1_795_708_960_123 }
        log.info("pbx", "logged in, token expires in 1800 s")
        log.debug("pbx", "not shown")
        log.error("http", "bad request")
        XCTAssertEqual(records.map(\.line), [
            "2026-11-26T16:02:40.123Z info pbx: logged in, token expires in 1800 s",
            "2026-11-26T16:02:40.123Z error http: bad request",
        ])
        XCTAssertEqual(records.first?.level, .info)
        XCTAssertEqual(records.first?.message, "logged in, token expires in 1800 s")
    }

    func testDebugMessageIsNotBuiltWhenDisabled() {
        var built = false
        let log = Logger(level: .warn, writesToStderr: false)
        func expensive() -> String { built = true; return "x" }
        log.debug("x", expensive())
        log.info("x", expensive())
        XCTAssertFalse(built)
        XCTAssertTrue(log.enabled(.warn))
        XCTAssertFalse(log.enabled(.info))
    }

    func testControlCharactersCannotForgeLines() {
        var lines: [String] = []
        var log = Logger(level: .debug, writesToStderr: false) { lines.append($0.line) }
        log.clock = { 0 }
        log.warn("report", "ext=6200\r\n1970-01-01T00:00:00.000Z error pbx: fake\t\u{1b}[31m\u{7f} ok é")
        XCTAssertEqual(lines, ["1970-01-01T00:00:00.000Z warn report: ext=6200\\r\\n1970-01-01T00:00:00.000Z error pbx: fake\\t\\x1b[31m\\x7f ok é"])
    }

    func testLevelNames() {
        XCTAssertEqual(LogLevel(name: "warning"), .warn)
        XCTAssertEqual(LogLevel(name: "debug"), .debug)
        XCTAssertNil(LogLevel(name: "verbose"))
        XCTAssertEqual(LogLevel.error.description, "error")
    }

    func testWritesToStderrWithoutCrashing() {
        var log = Logger(level: .info)
        log.clock = { 0 }
        log.info("test", "a line on stderr from LoggerTests")
    }
}
