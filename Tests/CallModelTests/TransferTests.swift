import XCTest
@testable import CallModel

/// Tranfer (sic). The OpenVox page: "In the internal call between Extension 101 and Extension
/// 102, Extension 101 transfers the call" → extid ["102","101"]; "In the inbound call between
/// external number 101 and Extension 102, Extension 102 transfers" → ext "102" + inbound.
/// The initiator is listed last; the target is not in the report.
final class TransferTests: XCTestCase {
    func testInternalTransferDropsTheInitiatorAndTheTargetJoinsTheSameCall() throws {
        var t = CallTable()
        var clock = Clock(now: 1_589_957_600_000)
        _ = t.apply(Wire.alert("1589957600.1990", ext: ["101"]), now: clock.now)
        _ = t.apply(Wire.ring("1589957600.1990", ext: ["102", "101"]), now: clock.advance(5))
        _ = t.apply(Wire.answer("1589957605.1994", ext: ["102", "101"]), now: clock.advance(5_000))
        let id = try XCTUnwrap(t.calls.first?.id)

        var e = t.apply(Wire.transfer("1589957670.2001", ext: ["102", "101"]), now: clock.advance(60_000))
        XCTAssertEqual(kinds(e), ["updated"])
        var c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.transferCount, 1)
        XCTAssertEqual(c.transfers, [CallTransfer(at: clock.now, listed: exts("102", "101"), by: ExtensionNumber("101"))])
        XCTAssertEqual(c.parties, exts("102"))
        XCTAssertTrue(c.flags.contains("transferring"))
        XCTAssertEqual(c.state, .answered)
        XCTAssertEqual(t.hangupPlan(for: id), .extension(ExtensionNumber("102")))

        // The target rings for the party that stayed: same call, not a new one.
        e = t.apply(Wire.ring("1589957672.2005", ext: ["103", "102"]), now: clock.advance(2_000))
        XCTAssertEqual(kinds(e), ["updated"])
        XCTAssertEqual(t.calls.count, 1)
        e = t.apply(Wire.answer("1589957675.2007", ext: ["103", "102"]), now: clock.advance(3_000))
        XCTAssertEqual(kinds(e), ["updated"])
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(Set(c.parties), Set(exts("102", "103")))
        XCTAssertFalse(c.flags.contains("transferring"))
        XCTAssertEqual(c.extensions, exts("101", "102", "103"))

        _ = t.apply(Wire.bye("1589957700.2010", ext: ["103", "102"]), now: clock.advance(25_000))
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589957700.2012", ext: ["102", "103"]), now: clock.advance(1))), [])
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.hungUpBy, "103")
        XCTAssertEqual(c.caller, "101")
        XCTAssertEqual(c.callee, "102")
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.counters.anomalies, 0)
        assertConsistent(t)
    }

    func testInitiatorCallingSomeoneElseAfterTransferIsANewCall() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589957600.1990", ext: ["102", "101"]), now: 1)
        _ = t.apply(Wire.answer("1589957605.1994", ext: ["102", "101"]), now: 2)
        _ = t.apply(Wire.transfer("1589957670.2001", ext: ["102", "101"]), now: 3)
        let e = t.apply(Wire.alert("1589957680.2020", ext: ["101"]), now: 4)
        XCTAssertEqual(kinds(e), ["started"])
        XCTAssertEqual(t.calls.count, 2)
    }

    func testInboundTransferKeepsTheTrunkCallAndItsHangupId() throws {
        var t = CallTable()
        let leg = Wire.leg("101", "102", "1589957892.2030")
        _ = t.apply(Wire.alert("1589957880.2031", inbound: leg), now: 1)
        _ = t.apply(Wire.ring("1589957880.2031", ext: ["102"], inbound: leg), now: 2)
        _ = t.apply(Wire.answer("1589957892.2030", ext: ["102"], inbound: leg), now: 3)
        let id = try XCTUnwrap(t.calls.first?.id)

        // The captured report: single ext "102" plus inbound, inboundid = callid.
        let e = t.apply(Wire.transfer("1589957892.2030", ext: ["102"], inbound: leg), now: 10)
        XCTAssertEqual(kinds(e), ["updated"])
        var c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.parties, [])
        XCTAssertEqual(c.transfers.first?.by, ExtensionNumber("102"))
        XCTAssertEqual(t.hangupPlan(for: id), .inbound(PBXCallID("1589957892.2030")))

        // The target's reports: a changed `to` and a new inboundid still reach the same call.
        _ = t.apply(Wire.ring("1589957900.2040", ext: ["104"], inbound: Wire.leg("101", "104", "1589957900.2039")), now: 12)
        _ = t.apply(Wire.answer("1589957902.2042", ext: ["104"], inbound: Wire.leg("101", "104", "1589957900.2039")), now: 14)
        c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(c.parties, exts("104"))
        XCTAssertEqual(c.extensions, exts("102", "104"))
        XCTAssertEqual(t.hangupPlan(for: id), .inbound(PBXCallID("1589957900.2039")))
        _ = t.apply(Wire.bye("1589957990.2050", ext: ["104"], inbound: Wire.leg("101", "104", "1589957900.2039")), now: 90)
        XCTAssertEqual(t.liveCount, 0)
        XCTAssertEqual(t.counters.anomalies, 0)
        assertConsistent(t)
    }

    func testTransferOfUnknownCallIsAnAnomalyAndCreatesNothing() {
        var t = CallTable()
        let e = t.apply(Wire.transfer("1589957670.2001", ext: ["102", "101"]), now: 1)
        XCTAssertEqual(kinds(e), ["anomaly"])
        XCTAssertEqual(t.calls.count, 0)
    }

    func testForwardingWhileRingingKeepsTheCallerAndAdmitsTheForwardTarget() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1547379044.158", ext: ["106"]), now: 1)
        _ = t.apply(Wire.ring("1547379044.158", ext: ["101", "106"]), now: 2)
        _ = t.apply(Wire.transfer("1547379044.160", ext: ["106"]), now: 3)
        XCTAssertEqual(t.calls.first?.parties, exts("106", "101"))
        _ = t.apply(Wire.ring("1547379044.162", ext: ["105", "106"]), now: 4)
        _ = t.apply(Wire.answer("1547379044.164", ext: ["105", "106"]), now: 5)
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.calls.first?.parties, exts("106", "105"))
    }
}
