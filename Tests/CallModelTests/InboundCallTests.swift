import XCTest
@testable import CallModel

/// Inbound call external 103 → 101 on trunk to-18-16-2 (reference §10.2). No OpenVox BYE
/// capture exists for inbound calls; by symmetry they carry `ext` and `inbound`.
final class InboundCallTests: XCTestCase {
    let alertLeg = Wire.leg("103", "101", "1589948512.1707")

    func ringing(_ t: inout CallTable, now: Int64) -> CallID? {
        let e = t.apply(Wire.alert("1589948512.1709", inbound: alertLeg), now: now)
        _ = t.apply(Wire.ring("1589948512.1709", ext: ["101"], inbound: alertLeg), now: now + 10)
        return calls(in: e).first?.id
    }

    func testInboundCallCorrelatesAcrossDifferingCallidsAndInboundids() throws {
        var t = CallTable()
        var clock = Clock()
        var e = t.apply(Wire.alert("1589948512.1709", inbound: alertLeg), now: clock.now)
        XCTAssertEqual(kinds(e), ["started"])
        let id = try XCTUnwrap(calls(in: e).first?.id)
        var c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.direction, .inbound)
        XCTAssertEqual(c.caller, "103")
        XCTAssertEqual(c.callee, "101")
        XCTAssertEqual(c.trunk, "to-18-16-2")
        XCTAssertEqual(c.trunkID, PBXCallID("1589948512.1707"))
        XCTAssertEqual(c.parties, [])

        e = t.apply(Wire.ring("1589948512.1709", ext: ["101"], inbound: alertLeg), now: clock.advance(5))
        XCTAssertEqual(kinds(e), ["updated"])
        XCTAssertEqual(t.call(id: id)?.parties, exts("101"))

        // ANSWER: callid = inboundid = .1743, neither seen before: matched by from/to/trunk.
        e = t.apply(Wire.answer("1589953417.1743", ext: ["101"], inbound: Wire.leg("103", "101", "1589953417.1743")),
                    now: clock.advance(3_000))
        XCTAssertEqual(kinds(e), ["answered"])
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.trunkID, PBXCallID("1589953417.1743"))
        XCTAssertEqual(t.hangupPlan(for: id), .inbound(PBXCallID("1589953417.1743")))

        e = t.apply(Wire.bye("1589953500.1745", ext: ["101"], inbound: Wire.leg("103", "101", "1589953417.1743")),
                    now: clock.advance(80_000))
        XCTAssertEqual(kinds(e), ["ended"])
        XCTAssertEqual(calls(in: e).first?.hungUpBy, "101")
        // Second BYE with ids never seen: matched by from/to/trunk to the ended call.
        e = t.apply(Wire.bye("1589953500.1747", ext: ["101"], inbound: Wire.leg("103", "101", "1589953500.1747"), trunkFirst: true),
                    now: clock.advance(1))
        XCTAssertEqual(kinds(e), [])

        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.counters.anomalies, 0)
        XCTAssertEqual(t.call(id: id)?.pbxIDs,
                       ids("1589948512.1709", "1589948512.1707", "1589953417.1743", "1589953500.1745", "1589953500.1747"))
        assertConsistent(t)
    }

    func testExternalPartyHangingUpIsNamedWhenTheTrunkObjectIsListedFirst() throws {
        var t = CallTable()
        _ = ringing(&t, now: 1)
        _ = t.apply(Wire.answer("1589948512.1709", ext: ["101"], inbound: alertLeg), now: 100)
        let e = t.apply(Wire.bye("1589948600.1750", ext: ["101"], inbound: alertLeg, trunkFirst: true), now: 200)
        XCTAssertEqual(calls(in: e).first?.endReason, .hangup(by: "103"))
    }

    func testInboundCallFromQueryIsJoinedByItsLaterReports() throws {
        var t = CallTable()
        let e = t.reconcile(PBXSnapshot(trunkCalls: [
            QueriedTrunkCall(direction: .inbound, id: PBXCallID("1589881290.963"), from: "103", to: "101", trunk: Wire.trunk,
                             calleeExtension: ExtensionNumber("101"), status: .talking),
        ], extensions: []), now: 1)
        XCTAssertEqual(kinds(e), ["started", "answered"])
        let bye = t.apply(Wire.bye("1589881400.970", ext: ["101"], inbound: Wire.leg("103", "101", "1589881290.963")), now: 2)
        XCTAssertEqual(kinds(bye), ["ended"])
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertTrue(t.calls[0].learnedFromQuery)
    }
}
