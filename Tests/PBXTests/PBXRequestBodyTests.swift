import XCTest
import JSON
import CallModel
@testable import PBX

final class PBXRequestBodyTests: XCTestCase {
    private func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    func testLoginVariants() {
        XCTAssertEqual(text(PBXRequestBody.login(username: "api", passwordMD5: "e10adc3949ba59abbe56e057f20f883e",
                                                 port: 8260, url: nil, urltag: nil)),
                       #"{"username":"api","password":"e10adc3949ba59abbe56e057f20f883e","port":"8260"}"#)
        XCTAssertEqual(text(PBXRequestBody.login(username: "api", passwordMD5: "x", port: 1, url: "report",
                                                 urltag: .relative, version: "0.0.1")),
                       #"{"username":"api","password":"x","port":"1","version":"0.0.1","url":"report","urltag":0}"#)
        // urltag without url is meaningless and left out.
        XCTAssertEqual(text(PBXRequestBody.login(username: "a\"b\\", passwordMD5: "x", port: 65535, url: nil, urltag: .absolute)),
                       #"{"username":"a\"b\\","password":"x","port":"65535"}"#)
    }

    func testHeartbeatVariants() {
        XCTAssertEqual(text(PBXRequestBody.heartbeat(ipaddr: "10.0.0.2", port: 8260, url: nil, urltag: nil)),
                       #"{"ipaddr":"10.0.0.2","port":"8260"}"#)
        XCTAssertEqual(text(PBXRequestBody.heartbeat(ipaddr: "10.0.0.2", port: 8260, url: "r", urltag: .relative)),
                       #"{"ipaddr":"10.0.0.2","port":"8260","url":"r","urltag":"0"}"#)
    }

    func testQueriesAndHangups() {
        XCTAssertEqual(text(PBXRequestBody.inboundQuery()), "{}")
        XCTAssertEqual(text(PBXRequestBody.outboundQuery(ids: [])), "{}")
        XCTAssertEqual(text(PBXRequestBody.inboundQuery(ids: [PBXCallID("1.1"), PBXCallID("1.2")])), #"{"inboundid":"1.1,1.2"}"#)
        XCTAssertEqual(text(PBXRequestBody.outboundQuery(ids: [PBXCallID("9.9")])), #"{"outboundid":"9.9"}"#)
        XCTAssertEqual(text(PBXRequestBody.extensionListQuery()), "{}")
        XCTAssertEqual(text(PBXRequestBody.deviceInfoQuery()), "{}")
        XCTAssertEqual(PBXRequestBody.logout(), [])
        XCTAssertEqual(text(PBXRequestBody.extensionHangup(ExtensionNumber("0101"))), #"{"extid":"0101"}"#)
        XCTAssertEqual(text(PBXRequestBody.inboundHangup(PBXCallID("1.2"))), #"{"inboundid":"1.2"}"#)
        XCTAssertEqual(text(PBXRequestBody.outboundHangup(PBXCallID("1.3"))), #"{"outboundid":"1.3"}"#)
        XCTAssertEqual(text(PBXRequestBody.dialExtension(caller: ExtensionNumber("1"), callee: ExtensionNumber("2"), autoAnswer: true)),
                       #"{"caller":"1","callee":"2","autoanswer":"yes"}"#)
    }

    func testEveryBodyIsValidJSON() {
        let bodies = [
            PBXRequestBody.login(username: "u\u{1}", passwordMD5: "p", port: 1, url: "u", urltag: .absolute, version: "v"),
            PBXRequestBody.heartbeat(ipaddr: "i", port: 2, url: "u", urltag: .absolute),
            PBXRequestBody.inboundQuery(ids: [PBXCallID("a\"b")]),
        ]
        for b in bodies { XCTAssertNoThrow(try JSON.parse(b)) }
    }
}
