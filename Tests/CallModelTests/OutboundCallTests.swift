import XCTest
@testable import CallModel

/// Outbound call 106 → external 103 on trunk to-18-16-2 (reference §10.2, §11).
final class OutboundCallTests: XCTestCase {
    func leg(_ id: String) -> TrunkLeg { Wire.leg("106", "103", id) }

    func testOutboundAlertAndRingWithDifferentCallidsMergeIntoOneOutboundCall() throws {
        var t = CallTable()
        var clock = Clock()
        // ALERT: only `ext` (the caller), no outbound object, no sn.
        var e = t.apply(Wire.alert("1589948179.1692", ext: ["106"], sn: nil), now: clock.now)
        XCTAssertEqual(kinds(e), ["started"])
        let id = try XCTUnwrap(calls(in: e).first?.id)
        XCTAssertEqual(t.call(id: id)?.direction, .internal)

        e = t.apply(Wire.ring("1589948178.1690", ext: ["106"], outbound: leg("1589948178.1690"), sn: nil), now: clock.advance(4))
        XCTAssertEqual(kinds(e), ["updated"])
        var c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(c.direction, .outbound)
        XCTAssertEqual(c.caller, "106")
        XCTAssertEqual(c.callee, "103")
        XCTAssertEqual(c.trunk, "to-18-16-2")
        XCTAssertEqual(c.state, .ringing)

        e = t.apply(Wire.answer("1589953723.1760", ext: ["106"], outbound: leg("1589953722.1758")), now: clock.advance(5_000))
        XCTAssertEqual(kinds(e), ["answered"])
        XCTAssertEqual(t.hangupPlan(for: id), .outbound(PBXCallID("1589953722.1758")))

        // First BYE: callid = outboundid = .1962, `outbound` listed first: the external side hung up.
        e = t.apply(Wire.bye("1589956488.1962", ext: ["106"], outbound: leg("1589956488.1962"), trunkFirst: true),
                    now: clock.advance(120_000))
        XCTAssertEqual(kinds(e), ["ended"])
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.endReason, .hangup(by: "103"))

        // Second BYE: callid and outboundid both new (.1964), `ext` first.
        e = t.apply(Wire.bye("1589956489.1964", ext: ["106"], outbound: leg("1589956489.1964")), now: clock.advance(3))
        XCTAssertEqual(kinds(e), [])
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.counters.anomalies, 0)
        XCTAssertEqual(t.counters.absorbedByes, 1)

        // NewCdr Outbound: `callto` carries the route prefix ("16103" for to "103").
        e = t.apply(Wire.cdr("1589956490.1970", start: "2020-05-20 07:21:28", from: "106", to: "16103",
                             duration: 130, talk: 120, status: "ANSWERED", type: "Outbound"), now: clock.advance(40))
        XCTAssertEqual(kinds(e), ["cdr"])
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.cdr?.callTo, "16103")
        XCTAssertEqual(c.pbxIDs, ids("1589948179.1692", "1589948178.1690", "1589953723.1760", "1589953722.1758",
                                     "1589956488.1962", "1589956489.1964", "1589956490.1970"))
        assertConsistent(t)
    }

    func testOutboundRingBeforeAlertStillMakesOneCall() throws {
        var t = CallTable()
        var e = t.apply(Wire.ring("1589948178.1690", ext: ["106"], outbound: leg("1589948178.1690"), sn: nil), now: 1)
        XCTAssertEqual(kinds(e), ["started"])
        // The ALERT adds only its leg id: bookkeeping, no event.
        e = t.apply(Wire.alert("1589948179.1692", ext: ["106"], sn: nil), now: 2)
        XCTAssertEqual(kinds(e), [])
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.calls[0].direction, .outbound)
        XCTAssertEqual(t.calls[0].pbxIDs, ids("1589948178.1690", "1589948179.1692"))
    }

    func testCallerSideAlertIsNotMergedIntoAnInboundCallRingingTheSameExtension() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589948179.1692", ext: ["106"], sn: nil), now: 1)
        let e = t.apply(Wire.ring("1589948190.1700", ext: ["106"], inbound: Wire.leg("0755", "106", "1589948190.1699")), now: 2)
        XCTAssertEqual(kinds(e), ["started"])
        XCTAssertEqual(t.calls.map { $0.direction }, [.internal, .inbound])
    }
}

final class AnsweredActionTests: XCTestCase {
    /// Yeastar's `ANSWERED` (the caller's side) is treated like OpenVox's `ANSWER`.
    func testYeastarAnsweredAnswersTheCallLikeAnswer() throws {
        var t = CallTable()
        _ = t.apply(Wire.report(.ring, "1547375707.75", ext: ["1005"], outbound: Wire.leg("1005", "172838344", "1547375707.76", trunk: "SPS-6-36"),
                                trunkFirst: true, sn: "369362089179"), now: 1)
        let e = t.apply(Wire.report(.answered, "1547375707.75", ext: ["1005"],
                                    outbound: Wire.leg("1005", "172838344", "1547375707.76", trunk: "SPS-6-36"), sn: "369362089179"), now: 2)
        XCTAssertEqual(kinds(e), ["answered"])
        XCTAssertEqual(t.calls.count, 1)
        // ANSWER after ANSWERED: the pair, nothing new.
        XCTAssertEqual(t.apply(Wire.report(.answer, "1547375707.77", ext: ["1005"],
                                           outbound: Wire.leg("1005", "172838344", "1547375707.76", trunk: "SPS-6-36")), now: 3), [])
    }
}
