import Foundation
import XCTest

/// The real binary against the simulator over loopback. Run against the Embedded build with
/// `UCAGENT_BIN=dist/ucagent-x86_64 swift test --filter EndToEndTests`.
final class AgentAgainstSimulatorTests: XCTestCase {
    var h: Harness!

    override func setUpWithError() throws {
        h = try Harness()
    }

    override func tearDown() {
        h = nil
    }

    private func counter(_ name: String) -> Int {
        let counters = h.simState()["counters"] as? [String: Any] ?? [:]
        return (counters[name] as? Int) ?? -1
    }

    private func health() -> [String: Any] { h.api("GET", "/v1/health").json }

    private func session() -> String {
        (health()["pbx"] as? [String: Any])?["session"] as? String ?? ""
    }

    /// Places a call in the simulator and returns its simulator description.
    @discardableResult
    private func placeCall(_ body: String) -> [String: Any] {
        let r = h.control("POST", "/sim/calls", body: body)
        XCTAssertEqual(r.status, 200, r.text)
        return r.json
    }

    private func simCallID(_ call: [String: Any]) -> String {
        if let id = call["id"] as? Int { return String(id) }
        return call["id"] as? String ?? ""
    }

    private func agentCall(where predicate: ([String: Any]) -> Bool, state: String = "all") -> [String: Any]? {
        h.liveCalls(state: state).first(where: predicate)
    }

    private func involves(_ call: [String: Any], _ ext: String) -> Bool {
        (call["extensions"] as? [String] ?? []).contains(ext) || call["caller"] as? String == ext || call["callee"] as? String == ext
    }

    // MARK: session

    func testLogsInAndReportsHealth() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        XCTAssertEqual(counter("logins_ok"), 1)
        let hl = health()
        XCTAssertEqual(hl["status"] as? String, "ok")
        XCTAssertEqual((hl["table"] as? [String: Any])?["fresh"] as? Bool, true)
    }

    /// Heartbeats keep one token alive across many simulated token lifetimes.
    func testHeartbeatKeepsTokenAliveAcrossExpiry() throws {
        try h.startSimulator(timeScale: 120)      // token lifetime 30 min = 15 s
        try h.startAgent()                        // heartbeat every 5 s
        h.eventually("agent logged in") { session() == "logged_in" }
        Thread.sleep(forTimeInterval: 35)         // > 2 token lifetimes (70 simulated minutes)
        XCTAssertEqual(counter("logins_ok"), 1, "heartbeats should have kept the first token")
        XCTAssertGreaterThanOrEqual(counter("heartbeats_ok"), 5)
        XCTAssertEqual(session(), "logged_in")
    }

    /// A token that dies between heartbeats is noticed and replaced.
    func testLogsInAgainWhenTokenExpires() throws {
        try h.startSimulator(timeScale: 600)      // token lifetime 3 s < heartbeat 5 s
        // Queries keep a token alive too, so reconcile less often than the token lives.
        try h.startAgent(reconcileInterval: "60s")
        h.eventually("agent logged in") { session() == "logged_in" }
        h.eventually("a second login after the token expired", timeout: 25) { counter("logins_ok") >= 2 }
        h.eventually("agent logged in again") { session() == "logged_in" }
    }

    /// A wrong password over a scaled hour never reaches the PBX's 5-failure lockout.
    func testWrongPasswordNeverTripsLockout() throws {
        try h.startSimulator(timeScale: 120)      // lockout window 10 min = 5 s; an hour = 30 s
        try h.startAgent(password: "wrong", timeScale: 120)
        h.eventually("auth_failed reported") { session() == "auth_failed" }
        Thread.sleep(forTimeInterval: 30)
        XCTAssertEqual(counter("logins_blocked"), 0, "the simulator blocked the agent's address")
        let failed = counter("logins_failed")
        XCTAssertGreaterThanOrEqual(failed, 1)
        XCTAssertLessThanOrEqual(failed, 8, "at most one retry per 10 scaled minutes after auth_failed")
        XCTAssertEqual(session(), "auth_failed")
    }

    func testReloginAfterRebootWithBootUpReport() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        XCTAssertEqual(h.control("POST", "/sim/reboot", body: #"{"bootup_report":true}"#).status, 200)
        h.eventually("re-login after BootUp") { counter("logins_ok") >= 2 && session() == "logged_in" }
    }

    func testReloginAfterSilentRebootThroughHeartbeat() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        XCTAssertEqual(h.control("POST", "/sim/reboot", body: #"{"bootup_report":false}"#).status, 200)
        h.eventually("re-login noticed through the heartbeat", timeout: 20) { counter("logins_ok") >= 2 && session() == "logged_in" }
    }

    func testSigtermLogsOutBeforeExit() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        h.agent?.signal(SIGTERM)
        XCTAssertEqual(h.agent?.waitExit(timeout: 10 * Harness.timeoutScale), 0)
        XCTAssertEqual(counter("logouts"), 1)
    }

    // MARK: reports and the table

    func testCallsFromReportsAppearAndEnd() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        let c = placeCall(#"{"type":"inbound","from":"0551234","to":"101"}"#)
        h.eventually("inbound call ringing") { agentCall(where: { involves($0, "101") && $0["state"] as? String == "ringing" }) != nil }
        let call = try XCTUnwrap(agentCall(where: { involves($0, "101") }))
        XCTAssertEqual(call["direction"] as? String, "inbound")
        XCTAssertEqual(call["caller"] as? String, "0551234")
        XCTAssertEqual(h.control("POST", "/sim/calls/\(simCallID(c))/answer").status, 200)
        h.eventually("answered") { agentCall(where: { involves($0, "101") })?["state"] as? String == "answered" }
        // Lookup by agent id and by a PBX id.
        let id = call["id"] as? Int ?? -1
        XCTAssertEqual(h.api("GET", "/v1/calls/\(id)").status, 200)
        if let pbxID = (call["pbx_ids"] as? [String])?.first {
            XCTAssertEqual(h.api("GET", "/v1/calls/\(pbxID)").json["id"] as? Int, id)
        }
        XCTAssertEqual(h.control("POST", "/sim/calls/\(simCallID(c))/hangup").status, 200)
        h.eventually("ended") { h.api("GET", "/v1/calls/\(id)").json["state"] as? String == "ended" }
        XCTAssertTrue(h.liveCalls(state: "ended").contains { $0["id"] as? Int == id })
        XCTAssertFalse(h.liveCalls(state: "answered").contains { $0["id"] as? Int == id })
        XCTAssertEqual(h.api("GET", "/v1/calls/999999").status, 404)
    }

    /// A trunk call whose reports were all lost is learned from the PBX's own query.
    func testTrunkCallMissingFromReportsIsLearnedFromTheQuery() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        XCTAssertEqual(h.control("POST", "/sim/drop-reports", body: #"{"count":20}"#).status, 200)
        placeCall(#"{"type":"outbound","from":"108","to":"0304444","answer_after_ms":0}"#)
        h.eventually("learned from the outbound query") {
            agentCall(where: { $0["callee"] as? String == "0304444" })?["learned_from_query"] as? Bool == true
        }
        let call = try XCTUnwrap(agentCall(where: { $0["callee"] as? String == "0304444" }))
        XCTAssertEqual(call["direction"] as? String, "outbound")
        XCTAssertEqual(call["state"] as? String, "answered")
    }

    // MARK: hangup outcomes

    func testDeleteHangsUpAndConfirms() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        placeCall(#"{"type":"outbound","from":"102","to":"0209876","answer_after_ms":0}"#)
        h.eventually("outbound call answered") { agentCall(where: { involves($0, "102") && $0["state"] as? String == "answered" }) != nil }
        let id = try XCTUnwrap(agentCall(where: { involves($0, "102") })?["id"] as? Int)
        let r = h.api("DELETE", "/v1/calls/\(id)")
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(r.json["status"] as? String, "hung_up")
        XCTAssertEqual((r.json["call"] as? [String: Any])?["state"] as? String, "ended")
        // Dropping it again is answered from the table.
        let again = h.api("DELETE", "/v1/calls/\(id)")
        XCTAssertEqual(again.status, 200)
        XCTAssertEqual(again.json["status"] as? String, "already_hung_up")
        // Unknown id.
        let unknown = h.api("DELETE", "/v1/calls/424242")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json["status"] as? String, "not_found")
        XCTAssertTrue(unknown.json["call"] is NSNull)
        XCTAssertEqual((unknown.json["error"] as? [String: Any])?["code"] as? String, "not_found")
    }

    func testDeleteInternalCallHangsUpByExtension() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        placeCall(#"{"type":"internal","from":"103","to":"104","answer_after_ms":0}"#)
        h.eventually("internal call answered") { agentCall(where: { involves($0, "104") && $0["state"] as? String == "answered" }) != nil }
        let id = try XCTUnwrap(agentCall(where: { involves($0, "104") })?["id"] as? Int)
        let r = h.api("DELETE", "/v1/calls/\(id)")
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(r.json["status"] as? String, "hung_up")
    }

    /// The PBX accepts the hangup but its BYE reports are lost: 504, the call stays live, then
    /// reconciliation ends it.
    func testUnconfirmedHangupThenReconciliationEndsTheCall() throws {
        try h.startSimulator()
        // Reconciliation (two polls) must not end the call before the confirmation times out.
        try h.startAgent(reconcileInterval: "4s", hangupConfirmTimeout: "1s")
        h.eventually("agent logged in") { session() == "logged_in" }
        placeCall(#"{"type":"inbound","from":"0557777","to":"105","answer_after_ms":0}"#)
        h.eventually("answered") { agentCall(where: { involves($0, "105") && $0["state"] as? String == "answered" }) != nil }
        let id = try XCTUnwrap(agentCall(where: { involves($0, "105") })?["id"] as? Int)
        XCTAssertEqual(h.control("POST", "/sim/drop-reports", body: #"{"count":10}"#).status, 200)
        let r = h.api("DELETE", "/v1/calls/\(id)")
        XCTAssertEqual(r.status, 504, r.text)
        XCTAssertEqual(r.json["status"] as? String, "unconfirmed")
        XCTAssertNotNil((r.json["error"] as? [String: Any])?["code"])
        XCTAssertNotEqual(h.api("GET", "/v1/calls/\(id)").json["state"] as? String, "ended")
        h.eventually("reconciliation ended the call", timeout: 20) {
            let c = h.api("GET", "/v1/calls/\(id)").json
            return c["state"] as? String == "ended" && c["end_reason"] as? String == "reconciled"
        }
    }

    /// The PBX refuses the hangup (its call is already gone, but the BYEs were lost): 502 with errno.
    func testRefusedHangupIs502WithErrno() throws {
        try h.startSimulator()
        try h.startAgent(extraConfig: "")
        h.eventually("agent logged in") { session() == "logged_in" }
        let c = placeCall(#"{"type":"outbound","from":"106","to":"0301111","answer_after_ms":0}"#)
        h.eventually("answered") { agentCall(where: { involves($0, "106") && $0["state"] as? String == "answered" }) != nil }
        let id = try XCTUnwrap(agentCall(where: { involves($0, "106") })?["id"] as? Int)
        XCTAssertEqual(h.control("POST", "/sim/drop-reports", body: #"{"count":10}"#).status, 200)
        XCTAssertEqual(h.control("POST", "/sim/calls/\(simCallID(c))/hangup").status, 200)
        let r = h.api("DELETE", "/v1/calls/\(id)")
        if r.json["status"] as? String == "already_hung_up" { return }  // reconciliation was faster: also correct
        XCTAssertEqual(r.status, 502, r.text)
        let err = r.json["error"] as? [String: Any]
        XCTAssertEqual(err?["errno"] as? String, "10007")
    }

    func testUnreachablePBXEndsNothingAndHangupIs503() throws {
        try h.startSimulator()
        try h.startAgent()
        h.eventually("agent logged in") { session() == "logged_in" }
        placeCall(#"{"type":"inbound","from":"0558888","to":"107","answer_after_ms":0}"#)
        h.eventually("answered") { agentCall(where: { involves($0, "107") && $0["state"] as? String == "answered" }) != nil }
        let id = try XCTUnwrap(agentCall(where: { involves($0, "107") })?["id"] as? Int)
        XCTAssertEqual(h.control("POST", "/sim/silent", body: #"{"on":true}"#).status, 200)
        h.eventually("table marked stale", timeout: 20) {
            (health()["table"] as? [String: Any])?["fresh"] as? Bool == false
        }
        Thread.sleep(forTimeInterval: 4)          // several reconcile intervals while unreachable
        XCTAssertEqual(h.api("GET", "/v1/calls/\(id)").json["state"] as? String, "answered")
        XCTAssertNotEqual(health()["status"] as? String, "ok")
        let r = h.api("DELETE", "/v1/calls/\(id)")
        XCTAssertEqual(r.status, 503, r.text)
        XCTAssertEqual(h.api("GET", "/v1/calls/\(id)").json["state"] as? String, "answered")
        XCTAssertEqual(h.control("POST", "/sim/silent", body: #"{"on":false}"#).status, 200)
        h.eventually("fresh again after the PBX came back", timeout: 30) {
            (health()["table"] as? [String: Any])?["fresh"] as? Bool == true
        }
    }
}
