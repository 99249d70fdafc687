import JSON
import XCTest
@testable import Simulator

/// Call scripts, report sets and their switches, queries, API hangups, reboot and traffic.
final class SimulatedPBXCallTests: XCTestCase {
    func loggedIn(_ configure: (inout SimulatorSettings) -> Void = { _ in }) -> (SimulatedPBX, String) {
        let pbx = makePBX(configure)
        return (pbx, login(pbx))
    }

    /// Runs every scheduled event up to `until` and returns what was sent.
    func run(_ pbx: SimulatedPBX, until: Int64) -> [SimDelivery] {
        var out: [SimDelivery] = []
        while let d = pbx.nextDeadline(), d <= until { out += pbx.advance(now: d) }
        return out
    }

    // MARK: scripts and report sets

    func testScriptedInternalCallSendsTheDocumentedReportSet() {
        let (pbx, _) = loggedIn()
        let (call, start) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "106", answerAfterMs: 3_000,
                                                  durationMs: 20_000, hangupBy: .callee))
        XCTAssertEqual(start.actions, ["ALERT", "RING", "ExtensionStatus", "ExtensionStatus"])
        XCTAssertEqual(pbx.call(call.id)?.state, .ringing)
        let answer = run(pbx, until: 3_000)
        XCTAssertEqual(answer.actions, ["ANSWER", "ExtensionStatus"])
        XCTAssertEqual(pbx.call(call.id)?.state, .talking)
        XCTAssertTrue(run(pbx, until: 22_999).isEmpty)
        let end = run(pbx, until: 23_000)
        XCTAssertEqual(end.actions, ["BYE", "BYE", "NewCdr", "ExtensionStatus", "ExtensionStatus"])
        XCTAssertEqual(end.all("BYE")[0]["ext"]?["extid"], ["106", "101"])
        XCTAssertEqual(end.first("NewCdr")?["callduraction"], "23")
        XCTAssertEqual(end.first("NewCdr")?["talkduraction"], "20")
        XCTAssertEqual(end.all("ExtensionStatus").map { $0["status"]?.string ?? "" }, ["Idle", "Idle"])
        XCTAssertNil(pbx.call(call.id))
        XCTAssertEqual(pbx.anyCall(call.id)?.outcome, "hangup by callee")
        XCTAssertNil(pbx.nextDeadline())
    }

    func testTimeScaleShortensCallScriptsButCDRsKeepSimulatedSeconds() {
        let (pbx, _) = loggedIn { $0.timeScale = 600 }
        _ = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "106", answerAfterMs: 6_000, durationMs: 60_000))
        XCTAssertEqual(pbx.nextDeadline(), 10)  // 6 s / 600
        _ = pbx.advance(now: 10)
        XCTAssertEqual(pbx.nextDeadline(), 110)
        XCTAssertEqual(pbx.advance(now: 110).first("NewCdr")?["talkduraction"], "60")
    }

    func testFailedCallSwitches() throws {
        var (pbx, _) = loggedIn { $0.byeAfterCallFailed = true; $0.cdrAfterCallFailed = false }
        let (call, _) = pbx.start(SimCallSpec(kind: .outbound, from: "101", to: "5550", answerAfterMs: 4_000, fail: true))
        let out = run(pbx, until: 4_000)
        XCTAssertEqual(out.actions, ["CallFailed", "BYE", "BYE", "ExtensionStatus"])
        XCTAssertEqual(out.first("CallFailed")?.object?.keys, ["action", "reason", "callid", "outbound", "ext", "sn"])
        XCTAssertEqual(out.first("CallFailed")?["reason"], .int(480))
        XCTAssertEqual(pbx.anyCall(call.id)?.outcome, "failed 480")

        (pbx, _) = loggedIn()
        let (c2, _) = pbx.start(SimCallSpec(kind: .inbound, from: "5550", to: "101", fail: true, failReason: 486))
        XCTAssertEqual(pbx.nextDeadline(), 60_000)  // ring timeout
        let out2 = run(pbx, until: 60_000)
        XCTAssertEqual(out2.actions, ["CallFailed", "NewCdr", "ExtensionStatus"])
        XCTAssertEqual(out2.first("NewCdr")?["status"], "FAILED")
        XCTAssertNil(pbx.call(c2.id))
    }

    func testAHangupWhileRingingEndsAsCallFailed() throws {
        let (pbx, _) = loggedIn()
        let (call, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102"))
        XCTAssertEqual(try pbx.hangup(callID: call.id, now: 0).actions.first, "CallFailed")
        XCTAssertThrowsError(try pbx.hangup(callID: call.id, now: 0)) { e in
            XCTAssertEqual((e as? SimControlError)?.httpStatus, 404)
        }
    }

    func testAnswerPairBusyWordAndOrderSwitches() throws {
        let (pbx, _) = loggedIn {
            $0.answerPair = true
            $0.busyStatus = "Busy"
            $0.alertRingOrder = .ringFirst
            $0.statusPlacement = .beforeCallReports
        }
        let (call, start) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "106"))
        XCTAssertEqual(start.actions, ["ExtensionStatus", "ExtensionStatus", "RING", "ALERT"])
        XCTAssertEqual(start.first("ExtensionStatus")?["status"], "Busy")
        let answer = try pbx.answer(callID: call.id, now: 0)
        XCTAssertEqual(answer.actions, ["ExtensionStatus", "ANSWER", "ANSWERED"])
        XCTAssertEqual(answer.first("ANSWERED")?["ext"]?["extid"], ["101", "106"])
    }

    func testRandomOrdersAreReproducibleFromTheSeed() {
        func actions(seed: UInt64) -> [String] {
            let (pbx, _) = loggedIn { $0.alertRingOrder = .random; $0.statusPlacement = .random; $0.seed = seed }
            var all: [String] = []
            for i in 0..<8 {
                let (c, out) = pbx.start(SimCallSpec(kind: .internal, from: String(101 + 2 * i), to: String(102 + 2 * i)))
                all += out.actions
                all += (try? pbx.answer(callID: c.id, now: 0))?.actions ?? []
            }
            return all
        }
        XCTAssertEqual(actions(seed: 7), actions(seed: 7))
        XCTAssertTrue(actions(seed: 7).starts(with: ["ALERT"]) || actions(seed: 7).starts(with: ["RING"]) || actions(seed: 7).starts(with: ["ExtensionStatus"]))
        let orders = Set((1...20).map { actions(seed: UInt64($0)) })
        XCTAssertGreaterThan(orders.count, 1)
    }

    func testControlValidation() {
        let (pbx, _) = loggedIn { $0.unavailableExtensions = ["120"] }
        func error(_ spec: SimCallSpec) -> SimControlError? {
            do { _ = try pbx.startCall(spec, now: 0); return nil } catch { return error }
        }
        XCTAssertEqual(error(SimCallSpec(kind: .internal, from: "101", to: "999")), .unknownExtension("999"))
        XCTAssertEqual(error(SimCallSpec(kind: .internal, from: "101", to: "101"))?.httpStatus, 400)
        XCTAssertEqual(error(SimCallSpec(kind: .inbound, from: "555", to: "120")), .extensionUnavailable("120"))
        XCTAssertEqual(error(SimCallSpec(kind: .outbound, from: "", to: "555"))?.httpStatus, 400)
        XCTAssertNil(error(SimCallSpec(kind: .outbound, from: "101", to: "555")))
    }

    // MARK: queries

    func testQueriesListTrunkCallsOnly() {
        let (pbx, token) = loggedIn()
        let (internalCall, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102"))
        let (inbound, _) = pbx.start(SimCallSpec(kind: .inbound, from: "103", to: "104", answerAfterMs: 0))
        _ = pbx.advance(now: 0)
        let (outbound, _) = pbx.start(SimCallSpec(kind: .outbound, from: "105", to: "5550"))
        let (inbound2, _) = pbx.start(SimCallSpec(kind: .inbound, from: "777", to: "106"))
        XCTAssertNotNil(internalCall)

        let all = api(pbx, "inbound/query", token: token, body: "")
        let list = all.json["inbound"]?.array ?? []
        XCTAssertEqual(list.map { $0["inboundid"]?.string ?? "" }, [inbound.legA, inbound2.legA])
        XCTAssertEqual(signature(list[0]), "{inboundid:s,from:s,to:s,trunk:s,callee:{extid:s},status:s}")
        XCTAssertEqual(signature(list[0]), signature(try Payloads.value("openvox-inbound-query-response-1.json")["inbound"]?.array?[0] ?? .null))
        XCTAssertEqual(list[0]["status"], "Talking")
        XCTAssertEqual(list[1]["status"], "Progress")
        XCTAssertEqual(list[0]["callee"]?["extid"], "104")

        XCTAssertEqual(api(pbx, "inbound/query", token: token, body: "{}").json["inbound"]?.array?.count, 2)
        let one = api(pbx, "inbound/query", token: token, body: #"{"inboundid":"\#(inbound2.legA)"}"#)
        XCTAssertEqual(one.json["inbound"]?.array?.count, 1)
        let two = api(pbx, "inbound/query", token: token, body: #"{"inboundid":"\#(inbound.legA),\#(inbound2.legA)"}"#)
        XCTAssertEqual(two.json["inbound"]?.array?.count, 2)
        let legB = api(pbx, "inbound/query", token: token, body: #"{"inboundid":"\#(inbound.legB)"}"#)
        XCTAssertEqual(legB.json["inbound"]?.array?.count, 0)

        let out = api(pbx, "outbound/query", token: token, body: "{}")
        XCTAssertEqual(out.json["outbound"]?.array?.map { $0["outboundid"]?.string ?? "" }, [outbound.legA])
        XCTAssertEqual(signature(out.json), signature(try Payloads.value("openvox-outbound-query-response-1.json")))
    }

    func testEmptyQueryCanBeRefused() {
        let (pbx, token) = loggedIn { $0.emptyQueryListsAll = false }
        XCTAssertEqual(api(pbx, "outbound/query", token: token, body: "{}").errno, "10004")
        XCTAssertEqual(api(pbx, "outbound/query", token: token, body: #"{"outboundid":"1.1"}"#).status, "Success")
    }

    func testExtensionListReflectsStates() throws {
        let (pbx, token) = loggedIn { $0.unavailableExtensions = ["120"] }
        let (a, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102"))
        let (b, _) = pbx.start(SimCallSpec(kind: .inbound, from: "555", to: "103"))
        _ = try pbx.answer(callID: b.id, now: 0)
        XCTAssertEqual(api(pbx, "extension/hold", token: token, body: #"{"extid":"103"}"#).status, "Success")
        let r = api(pbx, "extensionlist/query", token: token)
        var states: [String: String] = [:]
        for e in r.json["extlist"]?.array ?? [] { states[e["extnumber"]?.string ?? ""] = e["status"]?.string }
        XCTAssertEqual(states["101"], "Busy")
        XCTAssertEqual(states["102"], "Ringing")
        XCTAssertEqual(states["103"], "Hold")
        XCTAssertEqual(states["104"], "Registered")
        XCTAssertEqual(states["120"], "Unavailable")
        XCTAssertEqual(states.count, 20)
        XCTAssertEqual(signature(r.json["extlist"]?.array?[0] ?? .null),
                       signature(try Payloads.value("openvox-extensionlist-response-1.json")["extlist"]?.array?[0] ?? .null))
        let q = api(pbx, "inbound/query", token: token, body: "{}")
        XCTAssertEqual(q.json["inbound"]?.array?.first?["status"], "Wait")
        XCTAssertEqual(api(pbx, "extension/unhold", token: token, body: #"{"extid":"103"}"#).status, "Success")
        XCTAssertEqual(api(pbx, "extension/hold", token: token, body: #"{"extid":"104"}"#).errno, "10007")
        XCTAssertEqual(api(pbx, "extension/hold", token: token, body: #"{"extid":"999"}"#).errno, "10006")
        XCTAssertNotNil(a)
    }

    func testDeviceInfo() throws {
        let pbx = makePBX(wallSeconds: 1_584_952_402)  // 2020-03-23 08:33:22 UTC
        let later: Int64 = 57 * 86_400_000 + 1000
        let token = login(pbx, now: later)
        let r = api(pbx, "deviceinfo/query", token: token, now: later)
        XCTAssertEqual(signature(r.json), signature(try Payloads.value("openvox-deviceinfo-response-1.json")))
        let info = r.json["deviceinfo"]
        XCTAssertEqual(info?["sn"], "a09805021987")
        XCTAssertEqual(info?["uptime"], "2020-Mar-23-08:33:22")
        XCTAssertEqual(info?["systemtime"], "2020-05-19 08:33:23")
        XCTAssertEqual(info?["extensionstatus"], "20/300")
        XCTAssertEqual(info?["devicename"], "UC501")
    }

    // MARK: API hangups

    func testExtensionHangupEndsTheCallLikeAPhone() throws {
        let (pbx, token) = loggedIn()
        let (call, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "106"))
        _ = try pbx.answer(callID: call.id, now: 0)
        let r = api(pbx, "extension/hangup", token: token, body: text(try Payloads.bytes("openvox-extension-hangup-request-1.json")))
        XCTAssertEqual(r.status, "Success")
        XCTAssertEqual(r.deliveries.actions, ["BYE", "BYE", "NewCdr", "ExtensionStatus", "ExtensionStatus"])
        let byes = r.deliveries.all("BYE")
        XCTAssertEqual(byes[0]["ext"]?["extid"], ["101", "106"])
        XCTAssertNotEqual(byes[0]["callid"], byes[1]["callid"])
        XCTAssertEqual(api(pbx, "extension/hangup", token: token, body: #"{"extid":"101"}"#).errno, "10007")
        XCTAssertEqual(api(pbx, "extension/hangup", token: token, body: #"{"extid":"999"}"#).errno, "10006")
        XCTAssertEqual(api(pbx, "extension/hangup", token: token, body: #"{"extid":101}"#).errno, "10007")
        XCTAssertEqual(api(pbx, "extension/hangup", token: token, body: "{}").errno, "10004")
        XCTAssertEqual(pbx.counters.apiHangups, 1)
    }

    func testTrunkHangupsUseTheQueryIds() throws {
        let (pbx, token) = loggedIn()
        let (inbound, _) = pbx.start(SimCallSpec(kind: .inbound, from: "103", to: "101"))
        _ = try pbx.answer(callID: inbound.id, now: 0)
        let (outbound, _) = pbx.start(SimCallSpec(kind: .outbound, from: "102", to: "5550"))
        _ = try pbx.answer(callID: outbound.id, now: 0)

        XCTAssertEqual(api(pbx, "inbound/hangup", token: token, body: #"{"inboundid":"\#(inbound.legB)"}"#).errno, "10007")
        XCTAssertEqual(api(pbx, "inbound/hangup", token: token, body: #"{"inboundid":"\#(outbound.legA)"}"#).errno, "10007")
        let r = api(pbx, "inbound/hangup", token: token, body: #"{"inboundid":"\#(inbound.legA)"}"#)
        XCTAssertEqual(r.status, "Success")
        XCTAssertEqual(r.deliveries.actions, ["BYE", "BYE", "NewCdr", "ExtensionStatus"])
        XCTAssertEqual(r.deliveries.all("BYE")[0].object?.keys, ["action", "callid", "inbound", "ext", "sn"])

        let o = api(pbx, "outbound/hangup", token: token, body: #"{"outboundid":"\#(outbound.legA)"}"#)
        XCTAssertEqual(o.deliveries.actions, ["BYE", "BYE", "NewCdr", "ExtensionStatus"])
        XCTAssertEqual(o.deliveries.all("BYE")[0].object?.keys, ["action", "callid", "outbound", "ext", "sn"])
        XCTAssertEqual(api(pbx, "outbound/hangup", token: token, body: #"{"outboundid":"\#(outbound.legA)"}"#).errno, "10007")
        XCTAssertTrue(pbx.calls.isEmpty)
    }

    func testTrunkHangupCanAcceptTheOtherLeg() throws {
        let (pbx, token) = loggedIn { $0.hangupAcceptsAnyLegID = true }
        let (inbound, _) = pbx.start(SimCallSpec(kind: .inbound, from: "103", to: "101"))
        XCTAssertEqual(api(pbx, "inbound/hangup", token: token, body: #"{"inboundid":"\#(inbound.legB)"}"#).deliveries.actions.first, "CallFailed")
    }

    // MARK: reboot

    func testRebootDropsTokensCallsAndTheSequence() throws {
        let (pbx, token) = loggedIn()
        let (call, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102", answerAfterMs: 1_000, durationMs: 5_000))
        let out = pbx.reboot(now: 500)
        XCTAssertEqual(out.actions, ["BootUp"])
        XCTAssertEqual(out[0].destination.host, "127.0.0.1")
        XCTAssertEqual(api(pbx, "heartbeat", token: token, body: #"{"ipaddr":"127.0.0.1","port":"8260"}"#, now: 600).errno, "20004")
        XCTAssertNil(pbx.call(call.id))
        XCTAssertEqual(pbx.anyCall(call.id)?.outcome, "reboot")
        XCTAssertNil(pbx.nextDeadline())
        XCTAssertEqual(pbx.legSequence, 0)
        XCTAssertEqual(pbx.counters.reboots, 1)
        login(pbx, now: 700)
        let (after, _) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102"), now: 700)
        XCTAssertTrue(after.legA.hasSuffix(".1"))
    }

    func testBootUpCanBeSwitchedOff() {
        let (pbx, _) = loggedIn { $0.bootUpReport = false }
        XCTAssertTrue(pbx.reboot(now: 0).isEmpty)
        let (pbx2, _) = loggedIn()
        XCTAssertTrue(pbx2.reboot(bootUpReport: false, now: 0).isEmpty)
    }

    func testRebootWithDurationIsSilentThenSendsBootUp() {
        let (pbx, _) = loggedIn { $0.rebootDurationMs = 30_000 }
        XCTAssertTrue(pbx.reboot(now: 0).isEmpty)
        XCTAssertTrue(pbx.isRebooting)
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "127.0.0.1", now: 10).reply, .noAnswer(.close))
        XCTAssertEqual(pbx.nextDeadline(), 30_000)
        let out = pbx.advance(now: 30_000)
        XCTAssertEqual(out.actions, ["BootUp"])
        XCTAssertFalse(pbx.isRebooting)
        login(pbx, now: 30_001)
    }

    func testSilentPBXSendsNothing() {
        let (pbx, _) = loggedIn()
        pbx.setSilent(.hang)
        XCTAssertTrue(pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102")).1.isEmpty)
        XCTAssertEqual(pbx.counters.reportsSuppressed, 4)
    }

    // MARK: traffic

    func testTrafficIsSeededAndFollowsTheRate() {
        func runTraffic(seed: UInt64) -> (SimulatedPBX, [SimDelivery]) {
            let pbx = makePBX {
                $0.seed = seed
                $0.traffic.ratePerMinute = 6
                $0.traffic.meanDurationMs = 30_000
            }
            login(pbx)
            var out: [SimDelivery] = []
            var t: Int64 = 0
            while let d = pbx.nextDeadline(), d <= 3_600_000 {
                t = d
                out += pbx.advance(now: t)
                // Keep the token alive the way a client would.
                if let s = pbx.sessions.first { pbx.reportPushed(token: s.token, now: t) }
            }
            return (pbx, out)
        }
        let (a, outA) = runTraffic(seed: 42)
        let (_, outB) = runTraffic(seed: 42)
        let (_, outC) = runTraffic(seed: 43)
        XCTAssertEqual(outA.bodies, outB.bodies)
        XCTAssertNotEqual(outA.bodies, outC.bodies)
        // About 360 calls in an hour at 6/min.
        XCTAssertGreaterThan(a.counters.callsStarted, 280)
        XCTAssertLessThan(a.counters.callsStarted, 440)
        XCTAssertGreaterThan(a.counters.callsFailed, 0)
        XCTAssertGreaterThan(a.counters.callsCompleted, a.counters.callsFailed)
        let kinds = Set(outA.all("NewCdr").map { $0["type"]?.string ?? "" })
        XCTAssertEqual(kinds, ["Internal", "Inbound", "Outbound"])
        // Every started call ends with one NewCdr (failed calls included by default).
        XCTAssertEqual(Int64(outA.all("NewCdr").count), a.counters.callsCompleted + a.counters.callsFailed)
        XCTAssertEqual(Int64(outA.all("ALERT").count), a.counters.callsStarted)
    }

    func testSetTrafficStartsAndStopsTheGenerator() {
        let (pbx, _) = loggedIn()
        XCTAssertNil(pbx.nextDeadline())
        pbx.setTraffic(ratePerMinute: 60, meanDurationMs: 5_000, now: 0)
        XCTAssertNotNil(pbx.nextDeadline())
        XCTAssertEqual(pbx.settings.traffic.meanDurationMs, 5_000)
        pbx.setTraffic(ratePerMinute: 0, meanDurationMs: nil, now: 0)
        XCTAssertTrue(run(pbx, until: 600_000).isEmpty)
    }

    func testNaturalLogIsAccurate() {
        for (x, ln) in [(1.0, 0.0), (2.718281828459045, 1.0), (0.5, -0.6931471805599453), (1e-9, -20.72326583694641), (123456.0, 11.72364)] {
            XCTAssertEqual(SimRandom.naturalLog(x), ln, accuracy: 1e-5)
        }
    }
}
