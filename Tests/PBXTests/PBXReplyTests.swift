import XCTest
import JSON
import CallModel
@testable import PBX

/// The API reply envelope, the errno table and the endpoint decoders.
final class PBXReplyTests: XCTestCase {
    private func reply(_ s: String) -> Result<PBXReply, PBXWireError> { decodeReply(body: Array(s.utf8)) }

    func testEnvelope() {
        XCTAssertEqual(reply(#"{"status":"Success","token":"x"}"#), .success(.success(["status": "Success", "token": "x"])))
        XCTAssertEqual(reply(#"{"status":"Failed","errno":"20004"}"#), .success(.failed(errno: "20004")))
        XCTAssertEqual(reply(#"{"status":"Failed","errno":20006}"#), .success(.failed(errno: "20006")))
        XCTAssertEqual(reply(#"{"status":"Failed"}"#), .success(.failed(errno: "")))
        XCTAssertEqual(reply(#"{"status":"Failed"}"#).map { $0.errno?.message },
                       .success("PBX reported failure without an errno"))
        XCTAssertEqual(reply(#"{"status":"Success"}"#).map { $0.errno }, .success(nil))
    }

    func testWireErrors() {
        XCTAssertEqual(reply(""), .failure(.empty))
        XCTAssertEqual(reply("<!DOCTYPE html><html><head><title>404</title></head></html>"), .failure(.html))
        XCTAssertEqual(reply("<html>login</html>"), .failure(.html))
        XCTAssertEqual(reply("\n<?xml version=\"1.0\"?><xml><status>Success</status></xml>"), .failure(.xml))
        XCTAssertEqual(reply("<xml><status>Success</status></xml>"), .failure(.xml))
        XCTAssertEqual(reply(#"{"status":"Succ"#), .failure(.truncated(.unexpectedEnd(offset: 15))))
        XCTAssertEqual(reply(#"{"status":"Success","token":"#), .failure(.truncated(.unexpectedEnd(offset: 28))))
        XCTAssertEqual(reply(#"{"status":"Success",}"#), .failure(.notJSON(.unexpectedByte(UInt8(ascii: "}"), offset: 20))))
        XCTAssertEqual(reply("OK"), .failure(.notJSON(.unexpectedByte(UInt8(ascii: "O"), offset: 0))))
        XCTAssertEqual(reply("[]"), .failure(.notAnObject("array")))
        XCTAssertEqual(reply("{}"), .failure(.missingStatus))
        XCTAssertEqual(reply(#"{"status":1}"#), .failure(.wrongType(field: "status", expected: "string", found: "number")))
        XCTAssertEqual(reply(#"{"status":"success"}"#), .failure(.unknownStatus("success")))
        XCTAssertEqual(reply(#"{"status":"Failed","errno":[]}"#), .failure(.wrongType(field: "errno", expected: "string", found: "array")))
        let big = [UInt8](repeating: 0x20, count: (1 << 20) + 1)
        XCTAssertEqual(decodeReply(body: big), .failure(.tooLarge(bytes: 1_048_577, limit: 1_048_576)))
        XCTAssertEqual(PBXWireError.unknownStatus("OK").message, #"PBX reply has status "OK", expected "Success" or "Failed""#)
        XCTAssertEqual(PBXWireError.truncated(.unexpectedEnd(offset: 15)).message,
                       "PBX reply is cut short: invalid JSON: input ends too early at byte 15")
        XCTAssertEqual(PBXWireError.html.message, "PBX replied with an HTML page, not the API (check host and port 9011)")
    }

    func testErrnoTable() {
        let codes = ["10001", "10002", "10003", "10004", "10006", "10007", "10008", "10009", "10010", "10011",
                     "10012", "10013", "10014", "10015", "10016", "10017", "10018", "10019", "10020", "10021",
                     "10022", "10023", "10024", "10025", "10026", "10027", "10028", "10029", "10030", "10031",
                     "10032", "10033", "20000", "20001", "20002", "20003", "20004", "20005", "20006", "20007",
                     "20008", "20009", "30001", "30003"]
        var seen: [String] = []
        for code in codes {
            let e = PBXErrno(code: code)
            XCTAssertNotEqual(e, .other(code), code)
            XCTAssertEqual(e.code, code)
            XCTAssertEqual(e.description, code)
            XCTAssertTrue(e.message.hasSuffix("(errno " + code + ")"), e.message)
            seen.append(String(e.message.dropLast(("(errno " + code + ")").count)))
        }
        XCTAssertEqual(Set(seen).count, codes.count - 1, "only 20003/30003 share a meaning")
        XCTAssertEqual(PBXErrno(code: "10007"), .callNotFound)
        XCTAssertEqual(PBXErrno(code: "10006"), .extensionNotFound)
        XCTAssertEqual(PBXErrno(code: "20002"), .lockedOut)
        XCTAssertEqual(PBXErrno(code: "20003"), .wrongCredentials(code: "20003"))
        XCTAssertEqual(PBXErrno(code: "30003"), .wrongCredentials(code: "30003"))
        XCTAssertEqual(PBXErrno(code: "20004"), .noSuchToken)
        XCTAssertEqual(PBXErrno(code: "20005"), .tokenEmpty)
        XCTAssertEqual(PBXErrno(code: "20006"), .tokenExpired)
        XCTAssertEqual(PBXErrno(code: "99999"), .other("99999"))
        XCTAssertEqual(PBXErrno(code: " 20004"), .other(" 20004"))
        XCTAssertEqual(PBXErrno(code: "99999").message, "PBX error 99999 (not in the known table)")
        XCTAssertEqual(PBXErrno(code: "30003").message, "login refused: wrong API username or password (errno 30003)")
    }

    func testErrnoClassification() {
        for code in ["20004", "20005", "20006"] {
            XCTAssertTrue(PBXErrno(code: code).isTokenError, code)
            XCTAssertFalse(PBXErrno(code: code).isAuthFailure, code)
        }
        for code in ["20002", "20003", "30003"] {
            XCTAssertTrue(PBXErrno(code: code).isAuthFailure, code)
            XCTAssertFalse(PBXErrno(code: code).isTokenError, code)
        }
        for code in ["10007", "10006", "10032", "30001", "", "x"] {
            XCTAssertFalse(PBXErrno(code: code).isTokenError, code)
            XCTAssertFalse(PBXErrno(code: code).isAuthFailure, code)
        }
    }

    func testLoginToken() {
        func token(_ s: String) -> Result<String, PBXWireError> {
            decodeLoginToken(try! JSON.parse(s).object!)
        }
        XCTAssertEqual(token(#"{"status":"Success","token":"813b621cfe8eecf445a2ce1f4a079ffe"}"#), .success("813b621cfe8eecf445a2ce1f4a079ffe"))
        XCTAssertEqual(token(#"{"status":"Success","token":"A-b_c.~"}"#), .success("A-b_c.~"))
        XCTAssertEqual(token(#"{"status":"Success"}"#), .failure(.missingField("token")))
        XCTAssertEqual(token(#"{"token":123}"#), .failure(.wrongType(field: "token", expected: "string", found: "number")))
        XCTAssertEqual(token(#"{"token":""}"#), .failure(.invalidValue(field: "token", reason: "is empty")))
        XCTAssertEqual(token(#"{"token":"ab cd"}"#), .failure(.invalidValue(field: "token", reason: "is not printable ASCII")))
        XCTAssertEqual(token(#"{"token":"é"}"#), .failure(.invalidValue(field: "token", reason: "is not printable ASCII")))
        XCTAssertEqual(token(#"{"token":""# + String(repeating: "a", count: 128) + #""}"#), .success(String(repeating: "a", count: 128)))
        XCTAssertEqual(token(#"{"token":""# + String(repeating: "a", count: 129) + #""}"#),
                       .failure(.invalidValue(field: "token", reason: "is longer than 128 bytes")))
        XCTAssertEqual(PBXWireError.invalidValue(field: "token", reason: "is empty").message, #"PBX reply field "token" is empty"#)
    }

    func testDecodeAnswerCombinesEnvelopeAndDecoder() {
        XCTAssertEqual(decodeAnswer(body: Array(#"{"status":"Failed","errno":"20006"}"#.utf8), decodeDeviceInfo),
                       .success(.failed(.tokenExpired)))
        XCTAssertEqual(decodeAnswer(body: Array(#"{"status":"Success"}"#.utf8), decodeDeviceInfo),
                       .failure(.missingField("deviceinfo")))
        XCTAssertEqual(decodeAnswer(body: Array("<html/>".utf8), decodeLoginToken), .failure(.html))
    }

    func testInboundQueryShapes() {
        func inbound(_ s: String) -> Result<[QueriedTrunkCall], PBXWireError> { decodeInboundQuery(try! JSON.parse(s).object!) }
        // Yeastar's callee array, an IVR callee, a missing callee and each status value.
        let yeastar = inbound(#"{"status":"Success","inbound":[{"inboundid":"1.1","from":"1","to":"2","trunk":"t","callee":[{"extid":"1002"}],"status":"Progress"},{"inboundid":"1.2","from":"1","to":"2","trunk":"t","callee":{"ivrid":"6200"},"status":"Wait"},{"inboundid":"1.3","from":"","to":"2","trunk":"t","status":"Ringing"}]}"#)
        XCTAssertEqual(yeastar, .success([
            QueriedTrunkCall(direction: .inbound, id: PBXCallID("1.1"), from: "1", to: "2", trunk: "t",
                             calleeExtension: ExtensionNumber("1002"), status: .progress),
            QueriedTrunkCall(direction: .inbound, id: PBXCallID("1.2"), from: "1", to: "2", trunk: "t", status: .wait),
            QueriedTrunkCall(direction: .inbound, id: PBXCallID("1.3"), from: "", to: "2", trunk: "t", status: .other("Ringing")),
        ]))
        XCTAssertEqual(inbound(#"{"status":"Success"}"#), .success([]))
        XCTAssertEqual(inbound(#"{"status":"Success","inbound":[]}"#), .success([]))
        XCTAssertEqual(inbound(#"{"inbound":{"inboundid":"1"}}"#), .failure(.wrongType(field: "inbound", expected: "array", found: "object")))
        XCTAssertEqual(inbound(#"{"inbound":[{"from":"1","to":"2","trunk":"t"}]}"#), .failure(.missingField("inbound[0].inboundid")))
        XCTAssertEqual(inbound(#"{"inbound":[{"inboundid":"1","to":"2","trunk":"t"}]}"#), .failure(.missingField("inbound[0].from")))
        XCTAssertEqual(inbound(#"{"inbound":[{"inboundid":"1","from":"1","to":"2","trunk":"t","callee":"101"}]}"#),
                       .failure(.wrongType(field: "inbound[0].callee", expected: "object or array", found: "string")))
        XCTAssertEqual(inbound(#"{"inbound":[3]}"#), .failure(.wrongType(field: "inbound[0]", expected: "object", found: "number")))
        XCTAssertEqual(inbound(#"{"inbound":[{"inboundid":1589881290.963,"from":103,"to":"101","trunk":"t"}]}"#),
                       .success([QueriedTrunkCall(direction: .inbound, id: PBXCallID("1589881290.963"), from: "103", to: "101",
                                                  trunk: "t", status: .other(""))]))
    }

    func testOutboundQueryAndExtensionList() {
        XCTAssertEqual(decodeOutboundQuery(try! JSON.parse(#"{"status":"Success"}"#).object!), .success([]))
        let list = decodeExtensionList(try! JSON.parse(#"{"extlist":[{"extnumber":"1","status":"Idle","type":"fxs","port":"1"},{"extnumber":"2","status":"Hold"},{"extnumber":"3","status":"Busy"},{"extnumber":"4","status":"Ringing"},{"extnumber":"5","status":"Malfunction"},{"extnumber":"6","status":"Fxsnoport"},{"extnumber":"7","status":"InUse"}]}"#).object!)
        XCTAssertEqual(list.map { $0.map { $0.status } }, .success([.idle, .hold, .busy, .ringing, .other("Malfunction"), .other("Fxsnoport"), .busy]))
        XCTAssertEqual(list.map { $0.first?.type }, .success("fxs"))
        XCTAssertEqual(decodeExtensionList(try! JSON.parse(#"{"status":"Success"}"#).object!), .failure(.missingField("extlist")))
        XCTAssertEqual(decodeExtensionList(try! JSON.parse(#"{"extlist":[{"status":"Idle"}]}"#).object!),
                       .failure(.missingField("extlist[0].extnumber")))
        XCTAssertEqual(decodeExtensionList(try! JSON.parse(#"{"extlist":[{"extnumber":"","status":"Idle"}]}"#).object!),
                       .failure(.invalidValue(field: "extlist[0].extnumber", reason: "is empty")))
    }

    func testDeviceInfoNeedsSerial() {
        XCTAssertEqual(decodeDeviceInfo(try! JSON.parse(#"{"deviceinfo":{"devicename":"UC501"}}"#).object!),
                       .failure(.missingField("deviceinfo.sn")))
        XCTAssertEqual(decodeDeviceInfo(try! JSON.parse(#"{"deviceinfo":"UC501"}"#).object!),
                       .failure(.wrongType(field: "deviceinfo", expected: "object", found: "string")))
        XCTAssertEqual(decodeDeviceInfo(try! JSON.parse(#"{"deviceinfo":{"sn":"a"}}"#).object!), .success(DeviceInfo(serial: "a")))
    }
}
