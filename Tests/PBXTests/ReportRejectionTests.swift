import XCTest
import JSON
import CallModel
@testable import PBX

/// Bodies the normaliser refuses, each with its precise reason and message.
final class ReportRejectionTests: XCTestCase {
    let normaliser = ReportNormaliser()

    private func assertRejected(_ text: String, _ expected: ReportRejection, message: String? = nil,
                                file: StaticString = #filePath, line: UInt = #line) {
        let outcome = normaliser.normalise(body: Array(text.utf8))
        XCTAssertEqual(outcome, .rejected(expected), text, file: file, line: line)
        if let message { XCTAssertEqual(expected.message, message, file: file, line: line) }
    }

    func testNotAReport() {
        assertRejected("", .empty, message: "report body is empty")
        assertRejected(" \r\n", .empty)
        assertRejected("<?xml version=\"1.0\"?><xml><action>BYE</action></xml>", .xml,
                       message: "report body is XML; ucagent expects JSON reports")
        assertRejected("<!DOCTYPE html><html><body>502</body></html>", .html)
        assertRejected("action=BYE&callid=1", .notJSON(.unexpectedByte(UInt8(ascii: "a"), offset: 0)),
                       message: "report body is not JSON: invalid JSON: unexpected 'a' (0x61) at byte 0")
        assertRejected(#"{"action":"BYE""#, .notJSON(.unexpectedEnd(offset: 15)))
        assertRejected("[]", .notAnObject("array"), message: "report body is a JSON array, not an object")
        assertRejected(#""BYE""#, .notAnObject("string"))
    }

    func testTooLarge() {
        let big = #"{"action":"BYE","pad":""# + String(repeating: "x", count: 70_000) + #""}"#
        assertRejected(big, .tooLarge(bytes: big.utf8.count, limit: 65_536),
                       message: "report body is " + String(big.utf8.count) + " bytes, limit 65536")
        let deep = #"{"action":"BYE","x":"# + String(repeating: "[", count: 20) + String(repeating: "]", count: 20) + "}"
        assertRejected(deep, .notJSON(.tooDeep(offset: 35)))
    }

    func testActionProblems() {
        assertRejected(#"{"callid":"1.2"}"#, .missingAction, message: #"report has no "action" member"#)
        assertRejected(#"{"action":5}"#, .wrongType(field: "action", expected: "string", found: "number"),
                       message: #"field "action" has wrong type: expected string, found number"#)
        assertRejected(#"{"action":"Hold","callid":"1"}"#, .unknownAction("Hold"), message: #"unknown action "Hold""#)
        assertRejected(#"{"action":"bye","callid":"1"}"#, .unknownAction("bye"))
        assertRejected(#"{"action":"BYE","action":"RING","callid":"1"}"#, .conflictingDuplicates("action"),
                       message: #"field "action" appears more than once with different values"#)
        assertRejected(#"{"action":"B\u0000YE"}"#, .invalidValue(field: "action", reason: "is not a readable action name"))
        assertRejected(#"{"event":"CallStatus","members":[]}"#, .yeastarV2Event("CallStatus"),
                       message: #"report is a Yeastar API v2 event ("event": "CallStatus"); the PBX must use the v1 API (OpenVox /api/v0.0.1)"#)
        assertRejected(#"{"event":30011}"#, .yeastarV2Event("number"))
    }

    func testFieldProblems() {
        assertRejected(#"{"action":"BYE","callid":{"id":"1"},"ext":{"extid":"101"}}"#,
                       .wrongType(field: "callid", expected: "string", found: "object"),
                       message: #"field "callid" has wrong type: expected string, found object"#)
        assertRejected(#"{"action":"BYE","ext":{"extid":"101"},"sn":"a"}"#, .missingField("callid"),
                       message: #"report has no field "callid""#)
        assertRejected(#"{"action":"BYE","callid":"","sn":"a"}"#, .invalidValue(field: "callid", reason: "is empty"),
                       message: #"field "callid" is empty"#)
        assertRejected(#"{"action":"BYE","callid":"1\n2"}"#, .invalidValue(field: "callid", reason: "contains control characters"))
        assertRejected(#"{"action":"BYE","callid":"1","sn":true}"#, .wrongType(field: "sn", expected: "string", found: "boolean"))
        assertRejected(#"{"action":"BYE","callid":"1","ext":"101"}"#, .wrongType(field: "ext", expected: "object", found: "string"))
        assertRejected(#"{"action":"BYE","callid":"1","ext":{}}"#, .missingField("ext.extid"))
        assertRejected(#"{"action":"BYE","callid":"1","ext":{"extid":null}}"#,
                       .wrongType(field: "ext.extid", expected: "string", found: "null"))
        assertRejected(#"{"action":"BYE","callid":"1","ext":{"extid":["101",{}]}}"#,
                       .wrongType(field: "ext.extid[1]", expected: "string", found: "object"))
        assertRejected(#"{"action":"BYE","callid":"1","ext":{"extid":""}}"#, .invalidValue(field: "ext.extid", reason: "is empty"))
        assertRejected(#"{"action":"BYE","callid":"1","call":{"ext":{"extid":"1"}}}"#,
                       .wrongType(field: "call", expected: "array", found: "object"))
        assertRejected(#"{"action":"BYE","callid":"1","call":[{"ext":{"extid":"1"}},"2"]}"#,
                       .wrongType(field: "call[1]", expected: "object", found: "string"))
        assertRejected(#"{"action":"BYE","callid":"1","call":[{"ext":{"extid":1.5e}}]}"#,
                       .notJSON(.invalidNumber(offset: 57)))
        assertRejected(#"{"action":"BYE","callid":"1","call":[{"inbound":{"from":"1","to":"2"}}]}"#,
                       .missingField("call[0].inbound.trunk"))
        assertRejected(#"{"action":"BYE","callid":"1","inbound":{"from":"1","to":"2","trunk":"a"},"inbound":{"from":"1","to":"2","trunk":"b"}}"#,
                       .conflictingDuplicates("inbound"))
        assertRejected(#"{"action":"BYE","callid":"1","ext":{"extid":"1","extid":"2"}}"#, .conflictingDuplicates("ext.extid"))
        assertRejected(#"{"action":"ExtensionStatus","status":"Idle"}"#, .missingField("extension"))
        assertRejected(#"{"action":"ExtensionStatus","extension":"101"}"#, .missingField("status"))
        assertRejected(#"{"action":"CallFailed","callid":"1","reason":["486"]}"#,
                       .wrongType(field: "reason", expected: "string or number", found: "array"))
        assertRejected(#"{"action":"NewCdr","callid":"1","callduraction":"1:30"}"#,
                       .invalidValue(field: "callduraction", reason: "is not a whole number of seconds"))
        assertRejected(#"{"action":"NewCdr","callid":"1","talkduraction":-4}"#,
                       .invalidValue(field: "talkduraction", reason: "is not a whole number of seconds"))
        assertRejected(#"{"action":"NewCdr","callid":"1","callduraction":"99999999999999999999"}"#,
                       .invalidValue(field: "callduraction", reason: "is not a whole number of seconds"))
        let long = String(repeating: "9", count: 513)
        assertRejected(#"{"action":"BYE","callid":""# + long + #""}"#,
                       .invalidValue(field: "callid", reason: "is longer than 512 bytes"))
    }

    func testTooManyExtensions() {
        let ids = (0..<33).map { "\"" + String($0) + "\"" }.joined(separator: ",")
        assertRejected(#"{"action":"BYE","callid":"1","ext":{"extid":["# + ids + "]}}", .tooManyExtensions(limit: 32),
                       message: "report lists more than 32 extensions")
    }

    func testEveryRejectionHasACodeAndMessage() {
        let all: [ReportRejection] = [
            .empty, .tooLarge(bytes: 2, limit: 1), .xml, .html, .notJSON(.unexpectedEnd(offset: 0)), .notAnObject("array"),
            .missingAction, .yeastarV2Event("x"), .unknownAction("x"), .missingField("x"),
            .wrongType(field: "x", expected: "y", found: "z"), .invalidValue(field: "x", reason: "y"),
            .conflictingDuplicates("x"), .tooManyExtensions(limit: 1),
        ]
        XCTAssertEqual(Set(all.map { $0.code }).count, all.count)
        for r in all {
            XCTAssertFalse(r.message.isEmpty)
            XCTAssertEqual(r.description, r.message)
        }
    }
}
