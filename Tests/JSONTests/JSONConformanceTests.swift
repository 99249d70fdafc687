import XCTest
import JSON

/// RFC 8259 accept/reject table: every rejection names its exact error and byte offset.
final class JSONConformanceTests: XCTestCase {
    private func b(_ c: Character) -> UInt8 { c.asciiValue! }

    func testAcceptsValidDocuments() throws {
        let cases: [(String, JSONValue)] = [
            ("null", .null),
            ("true", true),
            ("false", false),
            ("0", 0),
            ("-0", .number(JSONNumber(text: "-0")!)),
            ("1.5e10", .number(JSONNumber(text: "1.5e10")!)),
            ("1E+2", .number(JSONNumber(text: "1E+2")!)),
            ("1e-2", .number(JSONNumber(text: "1e-2")!)),
            ("\"x\"", "x"),
            ("[]", []),
            ("{}", .object(JSONObject())),
            (" \t\r\n[1 , 2]\n", [1, 2]),
            ("[[[]]]", [[[]]]),
            ("{\"\":0}", ["": 0]),
            ("{\"a\":1,\"a\":2}", ["a": 1, "a": 2]),
            ("\"\\u00e9\"", "é"),
            ("\"\\u00E9\"", "é"),
            ("\"é\"", "é"),
            ("\"\\ud83d\\ude00\"", "😀"),
            ("\"😀\"", "😀"),
            ("\"\\u0000\"", "\u{0}"),
            ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\u{8}\u{c}\n\r\t"),
            ("{\"a\":[true,false,null,{\"b\":\"c\"}]}", ["a": [true, false, .null, ["b": "c"]]]),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try JSON.parse(text), expected, text)
        }
    }

    func testRejectsInvalidDocumentsWithPreciseErrors() {
        let cases: [([UInt8], JSONError)] = [
            (bytes(""), .unexpectedEnd(offset: 0)),
            (bytes("   "), .unexpectedEnd(offset: 3)),
            (bytes("["), .unexpectedEnd(offset: 1)),
            (bytes("{\"a\":"), .unexpectedEnd(offset: 5)),
            (bytes("\"abc"), .unexpectedEnd(offset: 4)),
            (bytes("tru"), .unexpectedEnd(offset: 3)),
            (bytes("trUe"), .unexpectedByte(b("U"), offset: 2)),
            (bytes("nul l"), .unexpectedByte(b(" "), offset: 3)),
            // Trailing commas and missing values.
            (bytes("[1,]"), .unexpectedByte(b("]"), offset: 3)),
            (bytes("{\"a\":1,}"), .unexpectedByte(b("}"), offset: 7)),
            (bytes("[1,,2]"), .unexpectedByte(b(","), offset: 3)),
            (bytes("{,}"), .unexpectedByte(b(","), offset: 1)),
            (bytes("[1 2]"), .unexpectedByte(b("2"), offset: 3)),
            (bytes("{\"a\"}"), .unexpectedByte(b("}"), offset: 4)),
            (bytes("{\"a\" 1}"), .unexpectedByte(b("1"), offset: 5)),
            // Numbers.
            (bytes("01"), .invalidNumber(offset: 1)),
            (bytes("00"), .invalidNumber(offset: 1)),
            (bytes("-01"), .invalidNumber(offset: 2)),
            (bytes("-"), .invalidNumber(offset: 1)),
            (bytes("1."), .invalidNumber(offset: 2)),
            (bytes("1.e3"), .invalidNumber(offset: 2)),
            (bytes("1e"), .invalidNumber(offset: 2)),
            (bytes("1.0e+"), .invalidNumber(offset: 5)),
            (bytes("[1.]"), .invalidNumber(offset: 3)),
            (bytes(".5"), .unexpectedByte(b("."), offset: 0)),
            (bytes("+1"), .unexpectedByte(b("+"), offset: 0)),
            (bytes("NaN"), .unexpectedByte(b("N"), offset: 0)),
            (bytes("Infinity"), .unexpectedByte(b("I"), offset: 0)),
            (bytes("-Infinity"), .invalidNumber(offset: 1)),
            (bytes("0x10"), .trailingData(offset: 1)),
            // Comments, quotes, names.
            (bytes("// c\n1"), .unexpectedByte(b("/"), offset: 0)),
            (bytes("[1]/*c*/"), .trailingData(offset: 3)),
            (bytes("{'a':1}"), .unexpectedByte(b("'"), offset: 1)),
            (bytes("{a:1}"), .unexpectedByte(b("a"), offset: 1)),
            (bytes("1 1"), .trailingData(offset: 2)),
            // Whitespace other than space, tab, CR, LF; byte order mark.
            ([0x0B, 0x31], .unexpectedByte(0x0B, offset: 0)),
            ([0x0C, 0x31], .unexpectedByte(0x0C, offset: 0)),
            ([0xC2, 0xA0, 0x31], .unexpectedByte(0xC2, offset: 0)),
            ([0xEF, 0xBB, 0xBF, 0x31], .unexpectedByte(0xEF, offset: 0)),
            // Escapes and surrogates.
            (bytes("\"\\x\""), .invalidEscape(offset: 1)),
            (bytes("\"ab\\u12\""), .invalidEscape(offset: 3)),
            (bytes("\"\\u12"), .unexpectedEnd(offset: 5)),
            (bytes("\"\\ud800\""), .loneSurrogate(offset: 1)),
            (bytes("\"\\udc00\""), .loneSurrogate(offset: 1)),
            (bytes("\"\\ud800\\u0041\""), .loneSurrogate(offset: 1)),
            (bytes("\"\\ud800\\ud800\""), .loneSurrogate(offset: 1)),
            (bytes("\"\\ud800\\n\""), .loneSurrogate(offset: 1)),
            // Raw control characters inside strings.
            ([0x22, 0x01, 0x22], .controlCharacterInString(offset: 1)),
            (bytes("\"a\tb\""), .controlCharacterInString(offset: 2)),
            (bytes("\"a\nb\""), .controlCharacterInString(offset: 2)),
            // Invalid UTF-8: overlong, encoded surrogate, above U+10FFFF, truncated, stray bytes.
            ([0x22, 0xC0, 0xAF, 0x22], .invalidUTF8(offset: 1)),
            ([0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8(offset: 2)),
            ([0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8(offset: 2)),
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8(offset: 2)),
            ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8(offset: 1)),
            ([0x22, 0xE2, 0x82, 0x22], .invalidUTF8(offset: 3)),
            ([0x22, 0x80, 0x22], .invalidUTF8(offset: 1)),
            ([0x22, 0xFF, 0x22], .invalidUTF8(offset: 1)),
            ([0x22, 0xE2, 0x82], .unexpectedEnd(offset: 3)),
        ]
        for (input, expected) in cases {
            XCTAssertThrowsError(try JSON.parse(input), String(decoding: input, as: UTF8.self)) { error in
                XCTAssertEqual(error as? JSONError, expected, String(decoding: input, as: UTF8.self))
            }
        }
    }

    func testDuplicateMembersAreKeptInOrder() throws {
        let v = try JSON.parse("{\"action\":\"ANSWERED\",\"ext\":{\"extid\":\"1002\"},\"ext\":{\"extid\":\"1000\"}}")
        let o = try XCTUnwrap(v.object)
        XCTAssertEqual(o.keys, ["action", "ext", "ext"])
        XCTAssertEqual(o["ext"], ["extid": "1002"])
        XCTAssertEqual(o.all("ext"), [["extid": "1002"], ["extid": "1000"]])
        XCTAssertEqual(JSON.serializeString(v),
                       "{\"action\":\"ANSWERED\",\"ext\":{\"extid\":\"1002\"},\"ext\":{\"extid\":\"1000\"}}")
    }

    func testMemberOrderMattersForEquality() throws {
        XCTAssertNotEqual(try JSON.parse("{\"a\":1,\"b\":2}"), try JSON.parse("{\"b\":2,\"a\":1}"))
    }

    func testAccessors() throws {
        let v = try JSON.parse("{\"s\":\"x\",\"n\":-12,\"f\":1.5,\"b\":true,\"a\":[1],\"o\":{},\"z\":null}")
        XCTAssertEqual(v["s"]?.string, "x")
        XCTAssertEqual(v["n"]?.int64, -12)
        XCTAssertNil(v["f"]?.int64)
        XCTAssertEqual(v["f"]?.number?.double, 1.5)
        XCTAssertEqual(v["b"]?.bool, true)
        XCTAssertEqual(v["a"]?.array, [1])
        XCTAssertEqual(v["o"]?.object, JSONObject())
        XCTAssertEqual(v["z"]?.isNull, true)
        XCTAssertNil(v["missing"])
        XCTAssertNil(v["s"]?["inner"])
        XCTAssertNil(v["s"]?.int64, "strings are not numbers")
        XCTAssertEqual(v["a"]?.typeName, "array")
        var o = JSONObject()
        o.append("k", .int(1))
        o.append("k", .int(2))
        XCTAssertEqual(o.count, 2)
        XCTAssertEqual(o["k"], .int(1))
    }

    func testStringOverloadMatchesBytes() throws {
        XCTAssertEqual(try JSON.parse("[\"é\"]"), try JSON.parse(Array("[\"é\"]".utf8)))
    }

    func testDeepNestingIsRejectedWithoutRecursion() {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 200_000)
        XCTAssertThrowsError(try JSON.parse(deep, limits: JSONLimits(maxBytes: 1 << 20))) { error in
            XCTAssertEqual(error as? JSONError, .tooDeep(offset: 64))
        }
    }

    func testErrorMessagesSayWhatAndWhere() {
        let errors: [JSONError] = [
            .unexpectedEnd(offset: 7), .unexpectedByte(UInt8(ascii: "/"), offset: 7), .invalidNumber(offset: 7),
            .invalidEscape(offset: 7), .loneSurrogate(offset: 7), .invalidUTF8(offset: 7),
            .controlCharacterInString(offset: 7), .tooDeep(offset: 7), .stringTooLong(offset: 7),
            .tooManyElements(offset: 7), .tooManyValues(offset: 7), .trailingData(offset: 7),
        ]
        for e in errors {
            XCTAssertTrue(e.message.hasSuffix(" 7") || e.message.contains(" 7 "), e.message)
            XCTAssertEqual(e.offset, 7)
            XCTAssertEqual(e.description, e.message)
        }
        XCTAssertEqual(JSONError.unexpectedByte(UInt8(ascii: "/"), offset: 3).message,
                       "invalid JSON: unexpected '/' (0x2F) at byte 3 (comments are not JSON)")
        XCTAssertEqual(JSONError.unexpectedByte(0x0B, offset: 0).message,
                       "invalid JSON: unexpected byte 0x0B at byte 0")
        XCTAssertEqual(JSONError.tooLarge(bytes: 2_000_000, limit: 1_048_576).message,
                       "JSON rejected: document is 2000000 bytes, limit 1048576")
    }

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
}
