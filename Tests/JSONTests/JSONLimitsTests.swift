import XCTest
import JSON

/// Each limit, exactly at and one past its value, produces its own precise error.
final class JSONLimitsTests: XCTestCase {
    private func assertError(_ text: String, _ limits: JSONLimits, _ expected: JSONError,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try JSON.parse(text, limits: limits), text, file: file, line: line) { error in
            XCTAssertEqual(error as? JSONError, expected, text, file: file, line: line)
        }
    }

    func testDefaults() {
        let d = JSONLimits.default
        XCTAssertEqual(d.maxBytes, 1_048_576)
        XCTAssertEqual(d.maxDepth, 64)
        XCTAssertEqual(d.maxStringBytes, 65_536)
        XCTAssertEqual(d.maxContainerElements, 10_000)
        XCTAssertEqual(d.maxTotalValues, 100_000)
    }

    func testMaxBytes() {
        let l = JSONLimits(maxBytes: 10)
        XCTAssertNoThrow(try JSON.parse("[1,2,3,45]", limits: l))
        assertError("[1,2,3,456]", l, .tooLarge(bytes: 11, limit: 10))
        let big = [UInt8](repeating: 0x20, count: (1 << 20) + 1)
        XCTAssertThrowsError(try JSON.parse(big)) { XCTAssertEqual($0 as? JSONError, .tooLarge(bytes: 1_048_577, limit: 1_048_576)) }
    }

    func testMaxDepth() {
        let l = JSONLimits(maxDepth: 3)
        XCTAssertNoThrow(try JSON.parse("[[[1]]]", limits: l))
        assertError("[[[[1]]]]", l, .tooDeep(offset: 3))
        assertError("{\"a\":{\"b\":{\"c\":{}}}}", l, .tooDeep(offset: 15))
        XCTAssertNoThrow(try JSON.parse("1", limits: JSONLimits(maxDepth: 0)))
        assertError("[]", JSONLimits(maxDepth: 0), .tooDeep(offset: 0))
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try JSON.parse(ok))
        assertError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65), .default, .tooDeep(offset: 64))
    }

    func testMaxStringBytes() {
        let l = JSONLimits(maxStringBytes: 4)
        XCTAssertNoThrow(try JSON.parse("\"abcd\"", limits: l))
        XCTAssertNoThrow(try JSON.parse("\"éé\"", limits: l))
        XCTAssertNoThrow(try JSON.parse("\"a\\nbc\"", limits: l))
        assertError("\"abcde\"", l, .stringTooLong(offset: 0))
        assertError("[1,\"ééa\"]", l, .stringTooLong(offset: 3))
        assertError("\"ab\\ncde\"", l, .stringTooLong(offset: 0))
        assertError("{\"abcde\":1}", l, .stringTooLong(offset: 1))
        // An unterminated long string fails on length before reaching the end.
        assertError("\"é" + String(repeating: "x", count: 100), l, .stringTooLong(offset: 0))
    }

    func testMaxContainerElements() {
        let l = JSONLimits(maxContainerElements: 3)
        XCTAssertNoThrow(try JSON.parse("[1,2,3]", limits: l))
        assertError("[1,2,3,4]", l, .tooManyElements(offset: 7))
        assertError("[1,2,3, 4]", l, .tooManyElements(offset: 8))
        XCTAssertNoThrow(try JSON.parse("{\"a\":1,\"b\":2,\"c\":3}", limits: l))
        assertError("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", l, .tooManyElements(offset: 19))
    }

    func testMaxTotalValues() {
        let l = JSONLimits(maxTotalValues: 4)
        XCTAssertNoThrow(try JSON.parse("[1,2,3]", limits: l))
        assertError("[1,2,3,4]", l, .tooManyValues(offset: 7))
        assertError("[[],[],[[]]]", l, .tooManyValues(offset: 8))
        // 500 000 values in under 1 MiB stop at the default 100 000.
        let many = "[" + Array(repeating: "0", count: 500_000).joined(separator: ",") + "]"
        XCTAssertThrowsError(try JSON.parse(many, limits: JSONLimits(maxContainerElements: 1_000_000))) { error in
            XCTAssertEqual(error as? JSONError, .tooManyValues(offset: 199_999))
        }
    }
}
