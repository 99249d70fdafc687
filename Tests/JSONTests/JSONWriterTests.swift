import XCTest
import JSON

final class JSONWriterTests: XCTestCase {
    func testEscapesOnlyWhatRFC8259Requires() {
        var s = ""
        for c in 0..<0x20 { s.unicodeScalars.append(Unicode.Scalar(UInt8(c))) }
        s += "\"\\/é😀\u{7F}"
        let expected = "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
            + "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
            + "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\\"\\\\/é😀\u{7F}\""
        XCTAssertEqual(JSON.serializeString(.string(s)), expected)
        XCTAssertEqual(try JSON.parse(expected), .string(s))
    }

    func testCompactOutputKeepsMemberOrderAndDuplicates() {
        let v: JSONValue = ["b": 1, "a": [true, .null, "x"], "b": ["c": []], "e": .object(JSONObject())]
        XCTAssertEqual(JSON.serializeString(v), "{\"b\":1,\"a\":[true,null,\"x\"],\"b\":{\"c\":[]},\"e\":{}}")
        XCTAssertEqual(JSON.serialize(v), Array("{\"b\":1,\"a\":[true,null,\"x\"],\"b\":{\"c\":[]},\"e\":{}}".utf8))
        XCTAssertEqual(v.description, JSON.serializeString(v))
    }

    func testScalars() {
        XCTAssertEqual(JSON.serializeString(.null), "null")
        XCTAssertEqual(JSON.serializeString(true), "true")
        XCTAssertEqual(JSON.serializeString(false), "false")
        XCTAssertEqual(JSON.serializeString(.int(-7)), "-7")
        XCTAssertEqual(JSON.serializeString(""), "\"\"")
        XCTAssertEqual(JSON.serializeString([]), "[]")
    }

    func testCompactsPrettyPrintedCaptureToItsContentLength() throws {
        // The BYE capture says Content-Length:93 for its body: compact output must match it.
        let pretty = "{\n    \"action\":\"BYE\",\n    \"callid\":\"1589953914.1775\",\n    \"ext\":{\n        \"extid\":[\n"
            + "            \"106\",\n            \"101\"\n        ]\n    },\n    \"sn\":\"a09805021987\"\n}"
        XCTAssertEqual(JSON.serialize(try JSON.parse(pretty)).count, 93)
    }

    /// The writer does not recurse. (Swift's own release of a nested enum does, so values
    /// built in code cannot go arbitrarily deep anyway; parsed values are capped by maxDepth.)
    func testDeepValueBuiltInCodeSerialisesIteratively() throws {
        var v: JSONValue = .null
        for _ in 0..<2_000 { v = .array([v]) }
        let out = JSON.serialize(v)
        XCTAssertEqual(out.count, 4_004)
        XCTAssertEqual(try JSON.parse(out, limits: JSONLimits(maxDepth: 2_000)), v)
    }
}
