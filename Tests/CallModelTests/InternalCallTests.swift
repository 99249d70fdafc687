import XCTest
@testable import CallModel

/// Internal call 101 → 106 with the OpenVox captures' ids (reference §10.2).
final class InternalCallTests: XCTestCase {
    func testInternalCallFromAlertToCDRIsOneCallEndedByTheFirstListedParty() throws {
        var t = CallTable()
        var clock = Clock()

        var e = t.apply(Wire.alert("1589947952.1670", ext: ["101"]), now: clock.now)
        XCTAssertEqual(kinds(e), ["started"])
        let id = try XCTUnwrap(calls(in: e).first?.id)
        var c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.direction, .internal)
        XCTAssertEqual(c.state, .ringing)
        XCTAssertEqual(c.caller, "101")
        XCTAssertEqual(c.callee, "")

        e = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: clock.advance(20))
        XCTAssertEqual(kinds(e), ["updated"])
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.caller, "101")
        XCTAssertEqual(c.callee, "106")
        XCTAssertEqual(c.parties, exts("101", "106"))

        e = t.apply(Wire.answer("1589953310.1724", ext: ["106", "101"]), now: clock.advance(4_000))
        XCTAssertEqual(kinds(e), ["answered"])
        XCTAssertEqual(t.call(id: id)?.answeredAt, clock.now)
        // The EN page's capture of the same callid lists the parties the other way round: the
        // pair of the ANSWER, not a duplicate and not a new call.
        e = t.apply(Wire.answer("1589953310.1724", ext: ["101", "106"]), now: clock.advance(3))
        XCTAssertEqual(kinds(e), [])

        e = t.apply(Wire.bye("1589953914.1775", ext: ["106", "101"]), now: clock.advance(60_000))
        XCTAssertEqual(kinds(e), ["ended"])
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.state, .ended)
        XCTAssertEqual(c.endReason, .hangup(by: "106"))
        XCTAssertEqual(c.hungUpBy, "106")
        XCTAssertEqual(c.endReason?.description, "hangup")
        XCTAssertEqual(c.endedAt, clock.now)

        // Second BYE: other callid, parties reversed. Absorbed: no event, no anomaly, no call.
        e = t.apply(Wire.bye("1589953914.1777", ext: ["101", "106"]), now: clock.advance(2))
        XCTAssertEqual(kinds(e), [])

        e = t.apply(Wire.cdr("1589958682.2101", start: "2020-05-20 10:11:22", from: "101", to: "106",
                             duration: 10, talk: 5, status: "ANSWERED", type: "Internal"), now: clock.advance(50))
        XCTAssertEqual(kinds(e), ["cdr"])
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.cdr?.talkDurationSeconds, 5)
        XCTAssertEqual(c.cdr?.callDurationSeconds, 10)
        XCTAssertEqual(c.cdr?.status, "ANSWERED")

        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.liveCount, 0)
        XCTAssertEqual(c.pbxIDs, ids("1589947952.1670", "1589953310.1724", "1589953914.1775", "1589953914.1777", "1589958682.2101"))
        XCTAssertEqual(t.counters.callsStarted, 1)
        XCTAssertEqual(t.counters.callsEnded, 1)
        XCTAssertEqual(t.counters.absorbedByes, 1)
        XCTAssertEqual(t.counters.anomalies, 0)
        XCTAssertEqual(t.counters.reportsApplied, 7)
        assertConsistent(t)
    }

    func testCallerWhoHangsUpIsListedFirst() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589947952.1670", ext: ["101"]), now: 1)
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 2)
        _ = t.apply(Wire.answer("1589953310.1724", ext: ["106", "101"]), now: 3)
        let e = t.apply(Wire.bye("1589953914.1775", ext: ["101", "106"]), now: 4)
        XCTAssertEqual(calls(in: e).first?.hungUpBy, "101")
    }

    func testCallerCancellingBeforeAnswerEndsUnansweredCall() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589947952.1670", ext: ["101"]), now: 1)
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 2)
        let e = t.apply(Wire.bye("1589947955.1675", ext: ["101", "106"]), now: 3)
        XCTAssertEqual(kinds(e), ["ended"])
        let c = try XCTUnwrap(calls(in: e).first)
        XCTAssertNil(c.answeredAt)
        XCTAssertEqual(c.hungUpBy, "101")
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589947955.1677", ext: ["106", "101"]), now: 4)), [])
        XCTAssertEqual(t.counters.anomalies, 0)
    }

    func testRingGroupMembersJoinOneCallAndTheAnsweringMemberBecomesCallee() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589950000.100", ext: ["101"]), now: 1)
        _ = t.apply(Wire.ring("1589950000.100", ext: ["102", "101"]), now: 2)
        let e = t.apply(Wire.ring("1589950000.102", ext: ["103", "101"]), now: 3)
        XCTAssertEqual(kinds(e), ["updated"])
        XCTAssertEqual(t.calls.count, 1)
        _ = t.apply(Wire.answer("1589950000.104", ext: ["103", "101"]), now: 4)
        let c = try XCTUnwrap(t.calls.first)
        XCTAssertEqual(c.callee, "103")
        XCTAssertEqual(c.parties, exts("101", "103"))
        XCTAssertEqual(c.extensions, exts("101", "102", "103"))
    }
}
