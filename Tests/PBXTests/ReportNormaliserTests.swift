import XCTest
import JSON
import CallModel
@testable import PBX

/// Per-action reading: kinds, reasons, CDR fields, participant order, digests.
final class ReportNormaliserTests: XCTestCase {
    let normaliser = ReportNormaliser()

    private func outcome(_ text: String) -> ReportOutcome { normaliser.normalise(body: Array(text.utf8)) }

    private func report(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Report? {
        switch outcome(text) {
        case .report(let r): return r
        case .rejected(let why):
            XCTFail("rejected: " + why.message, file: file, line: line)
            return nil
        }
    }

    func testActionNamesToKinds() {
        let cases: [(String, ReportKind)] = [
            ("ALERT", .alert), ("RING", .ring), ("ANSWER", .answer), ("ANSWERED", .answered), ("RI", .answer),
            ("BYE", .bye), ("Tranfer", .transfer), ("Transfer", .transfer), ("CallFailed", .callFailed(nil)),
            ("NewCdr", .newCdr(CDR())), ("Invite", .invite), ("Incoming", .incoming), ("DTMF", .dtmf),
            ("PlayPromptEnd", .playPromptEnd),
        ]
        for (action, kind) in cases {
            XCTAssertEqual(report(#"{"action":""# + action + #"","callid":"1.2","sn":"a"}"#)?.kind, kind, action)
        }
        XCTAssertEqual(report(#"{"action":"BootUp","sn":"a09805021987"}"#),
                       Report(kind: .bootUp, serial: "a09805021987", digest: fnv1a64(Array(#"{"action":"BootUp","sn":"a09805021987"}"#.utf8))))
        let config = report(#"{"action":"ConfigChange","type":"extension","extid":"1005","operation":"update","sn":"a"}"#)
        XCTAssertEqual(config?.kind, .configChange)
        XCTAssertEqual(config?.extensions, [])
    }

    func testExtensionStatusNames() {
        let cases: [(String, ExtensionStatus)] = [
            ("Idle", .idle), ("Ringing", .ringing), ("Busy", .busy), ("InUse", .busy), ("Hold", .hold),
            ("Registered", .registered), ("Unregistered", .unregistered), ("Unavailable", .unavailable),
            ("Malfunction", .other("Malfunction")),
        ]
        for (wire, status) in cases {
            let r = report(#"{"action":"ExtensionStatus","extension":"101","status":""# + wire + #"","sn":"a"}"#)
            XCTAssertEqual(r?.kind, .extensionStatus(ExtensionNumber("101"), status), wire)
            XCTAssertNil(r?.callID)
        }
    }

    func testFailureReasons() {
        func reason(_ json: String) -> ReportKind? {
            report(#"{"action":"CallFailed","reason":"# + json + #","callid":"1.2","sn":"a"}"#)?.kind
        }
        XCTAssertEqual(reason(#""486 Busy Here""#), .callFailed(.sip(code: 486, text: "Busy Here")))
        XCTAssertEqual(reason(#""480 Temporarily unavailable""#), .callFailed(.sip(code: 480, text: "Temporarily unavailable")))
        XCTAssertEqual(reason(#""404 NOT found""#), .callFailed(.sip(code: 404, text: "NOT found")))
        XCTAssertEqual(reason(#""480""#), .callFailed(.sip(code: 480, text: "")))
        XCTAssertEqual(reason("480"), .callFailed(.sip(code: 480, text: "")))
        XCTAssertEqual(reason(#""DND""#), .callFailed(.text("DND")))
        XCTAssertEqual(reason(#""User busy""#), .callFailed(.text("User busy")))
        XCTAssertEqual(reason(#""4860 x""#), .callFailed(.text("4860 x")))
        XCTAssertEqual(reason(#""""#), .callFailed(nil))
        XCTAssertEqual(reason("0"), .callFailed(.text("0")))
        XCTAssertEqual(reason("1e3"), .callFailed(.text("1e3")))
        XCTAssertEqual(report(#"{"action":"CallFailed","callid":"1.2","sn":"a"}"#)?.kind, .callFailed(nil))
        XCTAssertEqual(FailureReason.sip(code: 486, text: "Busy Here").description, "486 Busy Here")
    }

    func testMixedShapeCallFailedFromYeastarDocs() {
        // Yeastar's 1.0.2 CallFailed uses top-level objects, not `call`.
        let r = report(#"{"action":"CallFailed","reason":"486 Busy Here","callid":"1.5","outbound":{"from":"1005","to":"123","trunk":"SPS","outboundid":"1.6"},"ext":{"extid":"1005"},"sn":"3"}"#)
        XCTAssertEqual(r?.kind, .callFailed(.sip(code: 486, text: "Busy Here")))
        XCTAssertEqual(r?.outbound, leg("1005", "123", "SPS", "1.6"))
        XCTAssertEqual(r?.extensions, [ExtensionNumber("1005")])
        XCTAssertEqual(r?.trunkListedFirst, true)
        XCTAssertEqual(r?.quirks, [])
    }

    func testCDRFields() {
        let r = report(#"{"action":"NewCdr","callid":"1.2","timestart":"2020-05-20 10:18:59","callfrom":"101","callto":"102","callduraction":"10","talkduraction":"0","status":"NO ANSWER","type":"Outbound","recording":"x.wav","desttrunkname":"sip-142","sn":"a"}"#)
        XCTAssertEqual(r?.kind, .newCdr(CDR(timeStart: "2020-05-20 10:18:59", callFrom: "101", callTo: "102",
                                            callDurationSeconds: 10, talkDurationSeconds: 0, status: "NO ANSWER",
                                            type: "Outbound", recording: "x.wav", trunk: "sip-142")))
        // Empty trunk names are no trunk; srctrunkname wins when both are set.
        XCTAssertEqual(report(#"{"action":"NewCdr","callid":"1.2","srctrunkname":"","desttrunkname":"","sn":"a"}"#)?.kind,
                       .newCdr(CDR()))
        XCTAssertEqual(report(#"{"action":"NewCdr","callid":"1.2","srctrunkname":"in","desttrunkname":"out","sn":"a"}"#)?.kind,
                       .newCdr(CDR(trunk: "in")))
        XCTAssertEqual(report(#"{"action":"NewCdr","callid":"1.2","callduraction":"","sn":"a"}"#)?.kind, .newCdr(CDR()))
    }

    func testParticipantOrderAndTrunkFirst() {
        let ringIn = report(#"{"action":"RING","callid":"1","ext":{"extid":"101"},"inbound":{"from":"103","to":"101","trunk":"t","inboundid":"0"},"sn":"a"}"#)
        XCTAssertEqual(ringIn?.trunkListedFirst, false)
        XCTAssertEqual(ringIn?.inbound, leg("103", "101", "t", "0"))
        let byeOut = report(#"{"action":"BYE","callid":"1","outbound":{"from":"106","to":"103","trunk":"t","outboundid":"1"},"ext":{"extid":"106"},"sn":"a"}"#)
        XCTAssertEqual(byeOut?.trunkListedFirst, true)
        // Both shapes in one body, in payload order.
        let mixed = report(#"{"action":"RING","callid":"1","ext":{"extid":"1"},"call":[{"ext":{"extid":"2"}},{"ext":{"extid":["3","4"]}}]}"#)
        XCTAssertEqual(mixed?.extensions.map { $0.value }, ["1", "2", "3", "4"])
        XCTAssertEqual(mixed?.quirks, [.callArray, .extidArray, .missingSerial])
        let callFirst = report(#"{"action":"RING","callid":"1","call":[{"outbound":{"from":"1","to":"2","trunk":"t"}}],"ext":{"extid":"1"},"sn":"a"}"#)
        XCTAssertEqual(callFirst?.trunkListedFirst, true)
        XCTAssertEqual(callFirst?.quirks, [.callArray])
        // The same leg listed twice is one leg; trunk id is optional.
        let twice = report(#"{"action":"BYE","callid":"1","inbound":{"from":"1","to":"2","trunk":"t"},"call":[{"inbound":{"from":"1","to":"2","trunk":"t"}}],"sn":"a"}"#)
        XCTAssertEqual(twice?.inbound, leg("1", "2", "t", nil))
        // Unknown participant-level members are ignored (DTMF info, prompt, ...).
        XCTAssertEqual(report(##"{"action":"DTMF","callid":"1","ext":{"extid":"1","foo":1},"info":"#","infos":"12#","flag":"0"}"##)?.extensions,
                       [ExtensionNumber("1")])
        // An empty extid array is no extension.
        XCTAssertEqual(report(#"{"action":"BYE","callid":"1","ext":{"extid":[]},"sn":"a"}"#)?.extensions, [])
    }

    func testDigestIsFNVOfTheExactBody() {
        let a = Array(#"{"action":"BYE","callid":"1.2","ext":{"extid":"101"},"sn":"a"}"#.utf8)
        let b = Array(#"{"action":"BYE", "callid":"1.2","ext":{"extid":"101"},"sn":"a"}"#.utf8)
        guard case .report(let ra) = normaliser.normalise(body: a), case .report(let rb) = normaliser.normalise(body: b)
        else { return XCTFail("rejected") }
        XCTAssertEqual(ra.digest, fnv1a64(a))
        XCTAssertEqual(normaliser.normalise(body: a), .report(ra), "a resend has the same digest")
        XCTAssertNotEqual(ra.digest, rb.digest)
    }
}
