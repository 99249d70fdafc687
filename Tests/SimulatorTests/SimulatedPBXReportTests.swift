import JSON
import XCTest
@testable import Simulator

/// The reports the simulator sends are byte-identical to the published captures (compact JSON,
/// same key order) once the clock and the channel sequence are set to the capture's values.
final class SimulatedPBXReportTests: XCTestCase {
    /// A PBX at the capture's epoch whose next leg id is `firstLeg`, with one logged-in client.
    func capturePBX(wall: Int64, firstLeg: Int64, _ configure: (inout SimulatorSettings) -> Void = { _ in }) -> SimulatedPBX {
        let pbx = makePBX(configure, wallSeconds: wall)
        pbx.legSequence = firstLeg - 1
        login(pbx, ip: "172.16.6.150")
        return pbx
    }

    func body(_ out: [SimDelivery], _ action: String, _ n: Int = 0) -> String {
        let matching = out.filter { $0.action == action }
        return n < matching.count ? text(matching[n].body) : "<no " + action + ">"
    }

    // MARK: OpenVox shape, internal call 101 → 106

    func testInternalAlertAndRingMatchTheCaptures() throws {
        let pbx = capturePBX(wall: 1_589_947_952, firstLeg: 1670)
        let out = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "106")).1
        XCTAssertEqual(out.actions, ["ALERT", "RING", "ExtensionStatus", "ExtensionStatus"])
        XCTAssertEqual(body(out, "ALERT"), try Payloads.compact("openvox-alert-internal-1.json"))
        XCTAssertEqual(body(out, "RING"), try Payloads.compact("openvox-ring-internal-1.json"))
        XCTAssertEqual(body(out, "ExtensionStatus"), try Payloads.compact("openvox-extensionstatus-1.json"))
        XCTAssertEqual(body(out, "ExtensionStatus", 1), #"{"action":"ExtensionStatus","extension":"106","status":"Ringing","sn":"a09805021987"}"#)
    }

    func testInternalAnswerMatchesTheCapture() throws {
        let pbx = capturePBX(wall: 1_589_953_310, firstLeg: 1724)
        let (call, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "106"))
        let out = try pbx.answer(callID: call.id, now: 0)
        XCTAssertEqual(out.actions, ["ANSWER", "ExtensionStatus"])
        XCTAssertEqual(body(out, "ANSWER"), try Payloads.compact("openvox-answer-internal-1.json"))
        XCTAssertEqual(body(out, "ExtensionStatus"), #"{"action":"ExtensionStatus","extension":"106","status":"InUse","sn":"a09805021987"}"#)
    }

    func testInternalByePairMatchesTheCaptures() throws {
        let pbx = capturePBX(wall: 1_589_953_914, firstLeg: 1775)
        let (call, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "106"))
        _ = try pbx.answer(callID: call.id, now: 0)
        let out = try pbx.hangup(callID: call.id, by: .callee, now: 0)  // 106 hangs up
        XCTAssertEqual(out.actions, ["BYE", "BYE", "NewCdr", "ExtensionStatus", "ExtensionStatus"])
        XCTAssertEqual(body(out, "BYE", 0), try Payloads.compact("openvox-bye-internal-1.json"))
        XCTAssertEqual(body(out, "BYE", 1), try Payloads.compact("openvox-bye-internal-2.json"))
        XCTAssertEqual(body(out, "BYE", 0).utf8.count, 93)  // Content-Length:93 in the HTTP capture
    }

    func testInternalTransferMatchesTheCapture() throws {
        let pbx = capturePBX(wall: 1_589_957_670, firstLeg: 2001)
        let (call, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "106"))
        _ = try pbx.answer(callID: call.id, now: 0)
        let out = try pbx.transfer(callID: call.id, by: .caller, to: "102", now: 0)
        XCTAssertEqual(body(out, "Tranfer"), try Payloads.compact("openvox-transfer-internal-1.json"))
        XCTAssertEqual(out.all("ExtensionStatus").map { $0["extension"]?.string ?? "" }, ["101", "102"])
        XCTAssertEqual(pbx.call(call.id)?.callerExt, "102")
        // The call goes on between 102 and 106.
        let bye = try pbx.hangup(callID: call.id, by: .caller, now: 0)
        XCTAssertEqual(bye.first("BYE")?["ext"]?["extid"], ["102", "106"])
    }

    func testInternalCDRMatchesTheCapture() throws {
        let pbx = capturePBX(wall: 1_589_958_682, firstLeg: 2101) { $0.utcOffsetMinutes = 180 }
        _ = pbx.start(SimCallSpec(kind: .internal, from: "106", to: "102", answerAfterMs: 5_000, durationMs: 5_000))
        XCTAssertEqual(pbx.nextDeadline(), 5_000)
        XCTAssertEqual(pbx.advance(now: 5_000).actions, ["ANSWER", "ExtensionStatus"])
        let out = pbx.advance(now: 10_000)
        XCTAssertEqual(body(out, "NewCdr"), try Payloads.compact("openvox-newcdr-internal-1.json"))
    }

    func testInternalCallFailedHasANumericReasonBeforeTheCallid() throws {
        let pbx = capturePBX(wall: 1_589_953_000, firstLeg: 1800)
        let (call, _) = pbx.start(SimCallSpec(kind: .internal, from: "102", to: "106"))
        let out = try pbx.fail(callID: call.id, now: 3_000)
        XCTAssertEqual(out.actions, ["CallFailed", "NewCdr", "ExtensionStatus", "ExtensionStatus"])
        XCTAssertEqual(body(out, "CallFailed"),
                       #"{"action":"CallFailed","reason":480,"callid":"1589953000.1800","ext":{"extid":["102","106"]},"sn":"a09805021987"}"#)
        XCTAssertEqual(out.first("NewCdr")?["status"], "NO ANSWER")
        XCTAssertEqual(out.first("NewCdr")?["talkduraction"], "0")
        XCTAssertEqual(out.first("NewCdr")?["callduraction"], "3")
    }

    // MARK: OpenVox shape, inbound call 103 → 101

    func testInboundAlertAndRingMatchTheCaptures() throws {
        let pbx = capturePBX(wall: 1_589_948_512, firstLeg: 1707)
        let out = pbx.start(SimCallSpec(kind: .inbound, from: "103", to: "101")).1
        XCTAssertEqual(out.actions, ["ALERT", "RING", "ExtensionStatus"])
        XCTAssertEqual(body(out, "ALERT"), try Payloads.compact("openvox-alert-inbound-1.json"))
        XCTAssertEqual(body(out, "RING"), try Payloads.compact("openvox-ring-inbound-1.json"))
    }

    func testInboundAnswerMatchesTheCapture() throws {
        let pbx = capturePBX(wall: 1_589_953_417, firstLeg: 1743)
        let (call, _) = pbx.start(SimCallSpec(kind: .inbound, from: "103", to: "101"))
        XCTAssertEqual(body(try pbx.answer(callID: call.id, now: 0), "ANSWER"), try Payloads.compact("openvox-answer-inbound-1.json"))
    }

    func testInboundCDRMatchesTheCapture() throws {
        let pbx = capturePBX(wall: 1_589_959_139, firstLeg: 2135) { $0.utcOffsetMinutes = 180 }
        _ = pbx.start(SimCallSpec(kind: .inbound, from: "101", to: "102", answerAfterMs: 6_000, durationMs: 4_000))
        _ = pbx.advance(now: 6_000)
        XCTAssertEqual(body(pbx.advance(now: 10_000), "NewCdr"), try Payloads.compact("openvox-newcdr-inbound-1.json"))
    }

    func testInboundByesMirrorTheOutboundPair() throws {
        let pbx = capturePBX(wall: 1_589_960_000, firstLeg: 3001)
        let (call, _) = pbx.start(SimCallSpec(kind: .inbound, from: "103", to: "101"))
        _ = try pbx.answer(callID: call.id, now: 0)
        let out = try pbx.hangup(callID: call.id, by: .callee, now: 0)
        XCTAssertEqual(body(out, "BYE", 0),
                       #"{"action":"BYE","callid":"1589960000.3001","ext":{"extid":"101"},"inbound":{"from":"103","to":"101","trunk":"to-18-16-2","inboundid":"1589960000.3001"},"sn":"a09805021987"}"#)
        XCTAssertEqual(body(out, "BYE", 1),
                       #"{"action":"BYE","callid":"1589960000.3003","inbound":{"from":"103","to":"101","trunk":"to-18-16-2","inboundid":"1589960000.3003"},"ext":{"extid":"101"},"sn":"a09805021987"}"#)
    }

    func testInboundTransferListsTheTargetAndTheInboundObject() throws {
        let pbx = capturePBX(wall: 1_589_960_000, firstLeg: 4001)
        let (call, _) = pbx.start(SimCallSpec(kind: .inbound, from: "103", to: "101"))
        _ = try pbx.answer(callID: call.id, now: 0)
        let out = try pbx.transfer(callID: call.id, by: .callee, to: "102", now: 0)
        XCTAssertEqual(body(out, "Tranfer"),
                       #"{"action":"Tranfer","callid":"1589960000.4001","ext":{"extid":"102"},"inbound":{"from":"103","to":"101","trunk":"to-18-16-2","inboundid":"1589960000.4001"},"sn":"a09805021987"}"#)
        XCTAssertThrowsError(try pbx.transfer(callID: call.id, by: .caller, to: "103", now: 0))
    }

    // MARK: OpenVox shape, outbound call 106 → 103

    func testOutboundAlertRingAnswerFollowTheCapturedIdPattern() throws {
        let pbx = capturePBX(wall: 1_589_948_178, firstLeg: 1690)
        let (call, out) = pbx.start(SimCallSpec(kind: .outbound, from: "106", to: "103"))
        XCTAssertEqual(body(out, "RING"), try Payloads.compact("openvox-ring-outbound-1.json"))
        // The capture's ALERT leg was created one second later; otherwise identical.
        XCTAssertEqual(body(out, "ALERT").replacingOccurrences(of: "1589948178.1692", with: "1589948179.1692"),
                       try Payloads.compact("openvox-alert-outbound-1.json"))
        let answer = try pbx.answer(callID: call.id, now: 0)
        let a = answer.first("ANSWER")
        XCTAssertEqual(signature(a ?? .null), signature(try Payloads.value("openvox-callanswered-outbound-1.json")))
        XCTAssertEqual(a?["callid"], "1589948178.1692")
        XCTAssertEqual(a?["outbound"]?["outboundid"], "1589948178.1690")
    }

    func testOutboundFirstByeMatchesTheCapture() throws {
        let pbx = capturePBX(wall: 1_589_956_488, firstLeg: 1962)
        let (call, _) = pbx.start(SimCallSpec(kind: .outbound, from: "106", to: "103"))
        _ = try pbx.answer(callID: call.id, now: 0)
        let out = try pbx.hangup(callID: call.id, by: .callee, now: 0)  // the external party hangs up
        XCTAssertEqual(body(out, "BYE", 0), try Payloads.compact("openvox-bye-outbound-1.json"))
        let second = out.all("BYE")[1]
        XCTAssertEqual(second["callid"], "1589956488.1964")
        XCTAssertEqual(second["outbound"]?["outboundid"], "1589956488.1964")
        XCTAssertEqual(second.object?.keys, ["action", "callid", "ext", "outbound", "sn"])
        XCTAssertEqual(out.first("NewCdr")?["type"], "Outbound")
    }

    func testOutboundCDRCarriesTheDialPrefix() throws {
        let pbx = capturePBX(wall: 1_589_956_488, firstLeg: 1) { $0.dialPrefix = "16" }
        let (call, _) = pbx.start(SimCallSpec(kind: .outbound, from: "106", to: "101"))
        _ = try pbx.answer(callID: call.id, now: 0)
        let out = try pbx.hangup(callID: call.id, now: 0)
        XCTAssertEqual(out.first("NewCdr")?["callto"], "16101")
        XCTAssertEqual(out.first("BYE")?["outbound"]?["to"], "101")
    }

    // MARK: per-leg ids (§11)

    func testCallIdsArePerLegFromOneIncreasingSequence() throws {
        let pbx = capturePBX(wall: 1_589_953_914, firstLeg: 1)
        let (c1, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102"))
        let (c2, _) = pbx.start(SimCallSpec(kind: .outbound, from: "103", to: "5550"))
        let (c3, _) = pbx.start(SimCallSpec(kind: .inbound, from: "5551", to: "104"))
        XCTAssertEqual([c1.legA, c1.legB, c2.legA, c2.legB, c3.legA, c3.legB].map { $0.split(separator: ".")[1] },
                       ["1", "3", "4", "6", "7", "9"])
        for c in [c1, c2, c3] {
            _ = try pbx.answer(callID: c.id, now: 0)
            let byes = try pbx.hangup(callID: c.id, now: 0).all("BYE")
            XCTAssertEqual(byes.count, 2)
            XCTAssertNotEqual(byes[0]["callid"], byes[1]["callid"])
        }
    }

    // MARK: other shapes

    func testYeastarShapeMatchesTheYeastarCaptures() throws {
        let pbx = capturePBX(wall: 1_550_710_849, firstLeg: 199) {
            $0.shape = .yeastar102
            $0.sn = "369351034049"
            $0.extensions = ["1001", "1002", "1005", "1006"]
            $0.answerPair = true
        }
        let (call, out) = pbx.start(SimCallSpec(kind: .internal, from: "1001", to: "1002"))
        XCTAssertEqual(body(out, "ALERT"), try Payloads.compact("yeastar-alert-internal-1.json"))
        XCTAssertEqual(body(out, "RING"), try Payloads.compact("yeastar-ring-internal-1.json"))
        let answered = try pbx.answer(callID: call.id, now: 0)
        XCTAssertEqual(answered.actions, ["ANSWER", "ANSWERED", "ExtensionStatus"])
        XCTAssertEqual(signature(answered.first("ANSWERED") ?? .null), signature(try Payloads.value("yeastar-answered-internal-1.json")))
        let bye = try pbx.hangup(callID: call.id, by: .callee, now: 0)
        XCTAssertEqual(signature(bye.first("BYE") ?? .null), signature(try Payloads.value("yeastar-bye-internal-1.json")))
        XCTAssertEqual(signature(bye.first("ExtensionStatus") ?? .null), signature(try Payloads.value("yeastar-extensionstatus-1.json")))

        let (outbound, out2) = pbx.start(SimCallSpec(kind: .outbound, from: "1001", to: "9282883883"))
        XCTAssertEqual(signature(out2.first("RING") ?? .null), signature(try Payloads.value("yeastar-ring-outbound-1.json")))
        // CallFailed keeps Yeastar's top-level objects and a string reason…
        let failed = try pbx.fail(callID: outbound.id, reason: 486, now: 0).first("CallFailed")
        XCTAssertEqual(failed?.object?.keys, ["action", "reason", "callid", "outbound", "ext", "sn"])
        XCTAssertEqual(failed?["reason"], "486 Busy Here")
        // …except with two extensions, which only the `call` array can hold without a repeated key.
        let internalCall = pbx.start(SimCallSpec(kind: .internal, from: "1005", to: "1006")).0
        let failed2 = try pbx.fail(callID: internalCall.id, now: 0).first("CallFailed")
        XCTAssertEqual(failed2?.object?.keys, ["action", "reason", "callid", "call", "sn"])
    }

    func testLoginVersion102SelectsTheYeastarShapeWhenHonoured() {
        let pbx = makePBX { $0.honourLoginVersion = true }
        login(pbx, ip: "10.0.0.1", body: loginBody(version: "1.0.2"))
        login(pbx, ip: "10.0.0.2", body: loginBody(version: "0.0.1"))
        let out = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102")).1
        let ring1 = out.filter { $0.action == "RING" && $0.destination.host == "10.0.0.1" }.map { text($0.body) }
        let ring2 = out.filter { $0.action == "RING" && $0.destination.host == "10.0.0.2" }.map { text($0.body) }
        XCTAssertEqual(ring1.first?.contains(#""call":["#), true)
        XCTAssertEqual(ring2.first?.contains(#""ext":{"extid":["102","101"]}"#), true)
    }

    func testLegacyShapeRepeatsExtAndOmitsSN() throws {
        let pbx = capturePBX(wall: 1_495_706_238, firstLeg: 328) {
            $0.shape = .legacy
            $0.extensions = ["1000", "1002"]
            $0.answerPair = true
        }
        let (call, out) = pbx.start(SimCallSpec(kind: .internal, from: "1002", to: "1000"))
        XCTAssertEqual(body(out, "ALERT"), try Payloads.compact("yeastar-legacy-alert-internal-1.json"))
        let answered = try pbx.answer(callID: call.id, now: 0)
        // The duplicate `ext` members survive: the JSON module keeps them, like the firmware.
        XCTAssertEqual(body(answered, "ANSWERED"), try Payloads.compact("yeastar-legacy-answered-internal-1.txt"))
        let failed = try pbx.fail(callID: pbx.start(SimCallSpec(kind: .internal, from: "1000", to: "1002")).0.id, now: 0)
        XCTAssertEqual(failed.first("CallFailed")?["reason"], "480 Temporarily unavailable")
    }

    func testLegacyCDRsMatchTheCaptures() throws {
        for (file, spec, wall, leg) in [
            ("yeastar-legacy-newcdr-internal-1.json", SimCallSpec(kind: .internal, from: "1002", to: "1000", answerAfterMs: 1_000, durationMs: 2_000), Int64(1_495_779_310), Int64(371)),
            ("yeastar-legacy-newcdr-outbound-1.json", SimCallSpec(kind: .outbound, from: "1002", to: "41004", answerAfterMs: 0, durationMs: 4_000), 1_495_779_454, 374),
            ("yeastar-legacy-newcdr-inbound-1.json", SimCallSpec(kind: .inbound, from: "1000", to: "1002", answerAfterMs: 9_000, durationMs: 9_000), 1_495_779_821, 377),
        ] {
            let pbx = capturePBX(wall: wall, firstLeg: leg) {
                $0.shape = .legacy
                $0.extensions = ["1000", "1002"]
                $0.trunk = "sip-142"
                $0.utcOffsetMinutes = -480
            }
            _ = pbx.start(spec)
            var out: [SimDelivery] = []
            var t: Int64 = 0
            while let d = pbx.nextDeadline() {
                t = d
                out += pbx.advance(now: t)
            }
            XCTAssertEqual(body(out, "NewCdr"), try Payloads.compact(file), file)
        }
    }

    func testBootUpReport() {
        let pbx = makePBX()
        login(pbx)
        let out = pbx.reboot(now: 0)
        XCTAssertEqual(out.bodies, [#"{"action":"BootUp","sn":"a09805021987"}"#])
        XCTAssertNil(out[0].token)
    }
}
