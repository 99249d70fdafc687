import XCTest
@testable import CallModel

/// The order of reports within "together" and "as a pair" is not documented (reference §10.3),
/// and resends can reorder anything. Nothing out of order crashes or leaves a ghost call.
final class OutOfOrderTests: XCTestCase {
    func testAnswerBeforeRingMakesOneCallWhoseRolesTheRingFixes() throws {
        var t = CallTable()
        // The EN capture's order: 101 first. The answer alone cannot tell who called.
        var e = t.apply(Wire.answer("1589953310.1724", ext: ["101", "106"]), now: 1)
        XCTAssertEqual(kinds(e), ["started", "answered"])
        e = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 2)
        XCTAssertEqual(kinds(e), ["updated"])
        e = t.apply(Wire.alert("1589947952.1671", ext: ["101"]), now: 3)
        XCTAssertEqual(t.calls.count, 1)
        let c = t.calls[0]
        XCTAssertEqual(c.state, .answered)
        XCTAssertEqual(c.caller, "101")
        XCTAssertEqual(c.callee, "106")
        XCTAssertEqual(t.counters.anomalies, 0)
    }

    func testAnswerOfAnUnseenCallStartsItAnswered() throws {
        var t = CallTable()
        let e = t.apply(Wire.answer("1589953723.1760", ext: ["106"], outbound: Wire.leg("106", "103", "1589953722.1758")), now: 1)
        XCTAssertEqual(kinds(e), ["started", "answered"])
        let c = try XCTUnwrap(calls(in: e).last)
        XCTAssertEqual(c.direction, .outbound)
        XCTAssertEqual(c.answeredAt, 1)
    }

    func testByeBeforeAnswerEndsTheCallAndTheLateAnswerIsAnAnomalyNotAGhost() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 1)
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589953914.1775", ext: ["106", "101"]), now: 2)), ["ended"])
        XCTAssertEqual(kinds(t.apply(Wire.answer("1589953310.1724", ext: ["106", "101"]), now: 3)), ["anomaly"])
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589953914.1777", ext: ["101", "106"]), now: 4)), [])
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.liveCount, 0)
        XCTAssertEqual(t.calls[0].state, .ended)
        XCTAssertEqual(t.counters.anomalies, 1)
    }

    func testLateRingAfterTheCallEndedIsAnAnomalyNotAGhost() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589947952.1670", ext: ["101"]), now: 1)
        _ = t.apply(Wire.answer("1589953310.1724", ext: ["106", "101"]), now: 2)
        _ = t.apply(Wire.bye("1589953914.1775", ext: ["106", "101"]), now: 3)
        _ = t.apply(Wire.bye("1589953914.1777", ext: ["101", "106"]), now: 4)
        let e = t.apply(Wire.ring("1589947952.1672", ext: ["106", "101"]), now: 5)
        XCTAssertEqual(kinds(e), ["anomaly"])
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.liveCount, 0)
    }

    func testRedialAfterACompleteCallIsANewCall() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589947952.1670", ext: ["101"]), now: 1)
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 2)
        _ = t.apply(Wire.bye("1589947953.1675", ext: ["101", "106"]), now: 3)
        _ = t.apply(Wire.bye("1589947953.1677", ext: ["106", "101"]), now: 4)
        XCTAssertEqual(kinds(t.apply(Wire.alert("1589947955.1680", ext: ["101"]), now: 2_000)), ["started"])
        XCTAssertEqual(kinds(t.apply(Wire.ring("1589947955.1680", ext: ["106", "101"]), now: 2_001)), ["updated"])
        XCTAssertEqual(t.calls.count, 2)
        XCTAssertEqual(t.liveCount, 1)
    }

    func testReportsWithAnEndedCallsIdAreAnomaliesAndTheCallStaysEnded() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 1)
        _ = t.apply(Wire.answer("1589953310.1724", ext: ["106", "101"]), now: 2)
        _ = t.apply(Wire.bye("1589953914.1775", ext: ["106", "101"]), now: 3)
        let late: Int64 = 3 + 5 * 60_000
        XCTAssertEqual(kinds(t.apply(Wire.answer("1589953310.1724", ext: ["106"]), now: late)), ["anomaly"])
        XCTAssertEqual(kinds(t.apply(Wire.transfer("1589953914.1775", ext: ["106", "101"]), now: late)), ["anomaly"])
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589953914.1775", ext: ["101"]), now: late)), ["anomaly"])
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.calls[0].state, .ended)
        XCTAssertEqual(t.counters.anomalies, 3)
    }

    func testByeForAnUnknownCallIsAnAnomalyAndCreatesNothing() {
        var t = CallTable()
        let e = t.apply(Wire.bye("1589953914.1775", ext: ["106", "101"]), now: 1)
        XCTAssertEqual(kinds(e), ["anomaly"])
        if case .anomaly(let m)? = e.first {
            XCTAssertTrue(m.contains("1589953914.1775"), m)
        }
        XCTAssertEqual(t.calls.count, 0)
        XCTAssertEqual(t.counters.anomalies, 1)
    }

    func testIgnoredReportKindsChangeNothing() {
        var t = CallTable()
        for kind in [ReportKind.invite, .incoming, .dtmf, .configChange, .playPromptEnd] {
            XCTAssertEqual(t.apply(Wire.report(kind, "1589947952.1670", ext: ["101"]), now: 1), [])
        }
        XCTAssertEqual(t.counters.ignoredReports, 5)
        XCTAssertEqual(t.calls.count, 0)
    }
}

final class LostReportTests: XCTestCase {
    func testCallerDiallingAgainAfterALostByeStartsANewCall() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589950000.100", ext: ["101"]), now: 1)
        _ = t.apply(Wire.ring("1589950000.100", ext: ["106", "101"]), now: 2)
        // 101 gives up; both BYEs are lost. 101 dials 107.
        XCTAssertEqual(kinds(t.apply(Wire.alert("1589950020.110", ext: ["101"]), now: 20_000)), ["started"])
        XCTAssertEqual(kinds(t.apply(Wire.ring("1589950020.110", ext: ["107", "101"]), now: 20_001)), ["updated"])
        XCTAssertEqual(t.calls.map { $0.callee }, ["106", "107"])
        // Even when the RING's callid is not the ALERT's, it fills the call that lacks a RING.
        _ = t.apply(Wire.alert("1589950040.120", ext: ["101"]), now: 40_000)
        _ = t.apply(Wire.ring("1589950040.122", ext: ["108", "101"]), now: 40_001)
        XCTAssertEqual(t.calls.map { $0.callee }, ["106", "107", "108"])
        // The stale ringing calls end when the PBX stops showing 106/107 ringing.
        let snap = PBXSnapshot(trunkCalls: [], extensions: [
            ExtensionListEntry(number: ExtensionNumber("101"), status: .idle), ExtensionListEntry(number: ExtensionNumber("106"), status: .idle),
            ExtensionListEntry(number: ExtensionNumber("107"), status: .idle), ExtensionListEntry(number: ExtensionNumber("108"), status: .ringing),
        ])
        _ = t.reconcile(snap, now: 50_000)
        _ = t.reconcile(snap, now: 60_000)
        XCTAssertEqual(t.calls.map { $0.state }, [.ended, .ended, .ringing])
    }
}
