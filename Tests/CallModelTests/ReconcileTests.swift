import XCTest
@testable import CallModel

final class ReconcileTests: XCTestCase {
    let trunk = Wire.trunk

    func inboundTalking(_ t: inout CallTable, now: Int64) -> CallID {
        let leg = Wire.leg("103", "101", "1589948512.1707")
        let id = calls(in: t.apply(Wire.ring("1589948512.1709", ext: ["101"], inbound: leg), now: now)).first!.id
        _ = t.apply(Wire.answer("1589948512.1709", ext: ["101"], inbound: leg), now: now + 1)
        return id
    }

    func listed(_ id: String, from: String = "103", to: String = "101", status: QueriedCallStatus = .talking) -> QueriedTrunkCall {
        QueriedTrunkCall(direction: .inbound, id: PBXCallID(id), from: from, to: to, trunk: trunk,
                         calleeExtension: ExtensionNumber(to), status: status)
    }

    static let empty = PBXSnapshot(trunkCalls: [], extensions: [])

    func testCallMissingFromTwoConsecutivePollsEndsReconciled() throws {
        var t = CallTable()
        let id = inboundTalking(&t, now: 0)
        XCTAssertEqual(kinds(t.reconcile(Self.empty, now: 10_000)), [])
        XCTAssertEqual(t.call(id: id)?.missingPolls, 1)
        XCTAssertEqual(t.call(id: id)?.flags, ["missing_from_query"])
        let e = t.reconcile(Self.empty, now: 20_000)
        XCTAssertEqual(kinds(e), ["ended"])
        let c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.endReason, .reconciled)
        XCTAssertEqual(c.endReason?.description, "reconciled")
        XCTAssertEqual(c.endedAt, 20_000)
        XCTAssertEqual(t.counters.reconciledEnds, 1)
        XCTAssertEqual(t.counters.callsEnded, 1)
        XCTAssertEqual(t.liveCount, 0)
        // Late BYEs of a reconciled call are absorbed within the window.
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589948600.1800", ext: ["101"], inbound: Wire.leg("103", "101", "1589948512.1707")), now: 20_100)), [])
        assertConsistent(t)
    }

    func testCallMissingOnceThenShownAgainDoesNotEnd() throws {
        var t = CallTable()
        let id = inboundTalking(&t, now: 0)
        _ = t.reconcile(Self.empty, now: 10_000)
        _ = t.reconcile(PBXSnapshot(trunkCalls: [listed("1589948512.1707")], extensions: []), now: 20_000)
        XCTAssertEqual(t.call(id: id)?.missingPolls, 0)
        _ = t.reconcile(Self.empty, now: 30_000)
        XCTAssertEqual(t.call(id: id)?.state, .answered)
        _ = t.reconcile(PBXSnapshot(trunkCalls: [listed("1589948512.1707")], extensions: []), now: 40_000)
        XCTAssertEqual(t.call(id: id)?.state, .answered)
        XCTAssertEqual(t.counters.reconciledEnds, 0)
    }

    func testTrunkCallShownUnderAnotherIdIsMatchedByFromToTrunkAndAdoptsTheListedId() throws {
        var t = CallTable()
        let id = inboundTalking(&t, now: 0)
        for n in 1...3 {
            XCTAssertEqual(t.reconcile(PBXSnapshot(trunkCalls: [listed("1589948530.1777")], extensions: []), now: Int64(n) * 10_000), [])
        }
        let c = try XCTUnwrap(t.call(id: id))
        XCTAssertEqual(c.state, .answered)
        XCTAssertEqual(c.trunkID, PBXCallID("1589948530.1777"))
        XCTAssertTrue(c.pbxIDs.contains(PBXCallID("1589948530.1777")))
        XCTAssertEqual(t.hangupPlan(for: id), .inbound(PBXCallID("1589948530.1777")))
        XCTAssertEqual(t.calls.count, 1)
    }

    func testEachListedCallShowsOnlyOneTableCall() throws {
        var t = CallTable()
        // Two calls with one key; the PBX lists one, under an id neither has.
        let a = calls(in: t.apply(Wire.ring("1589948512.1709", ext: ["101"], inbound: Wire.leg("0207946", "800", "1589948512.1707")), now: 0)).first!.id
        let b = calls(in: t.apply(Wire.ring("1589948530.1733", ext: ["102"], inbound: Wire.leg("0207946", "800", "1589948530.1731")), now: 1)).first!.id
        let snap = PBXSnapshot(trunkCalls: [listed("1589948599.1799", from: "0207946", to: "800")], extensions: [])
        _ = t.reconcile(snap, now: 10_000)
        _ = t.reconcile(snap, now: 20_000)
        XCTAssertEqual(t.liveCount, 1)
        XCTAssertEqual(t.call(id: a)?.isLive, true)
        XCTAssertEqual(t.call(id: b)?.endReason, .reconciled)
    }

    func testTrunkCallTheTableLacksIsLearnedFromTheQuery() throws {
        var t = CallTable()
        let e = t.reconcile(PBXSnapshot(trunkCalls: [
            listed("1589881290.963"),
            QueriedTrunkCall(direction: .outbound, id: PBXCallID("1589881535.982"), from: "66666", to: "103", trunk: trunk, status: .progress),
        ], extensions: []), now: 5_000)
        XCTAssertEqual(kinds(e), ["started", "answered", "started"])
        XCTAssertEqual(t.counters.learnedCalls, 2)
        XCTAssertEqual(t.counters.callsStarted, 2)
        let inbound = try XCTUnwrap(t.call(matching: "1589881290.963"))
        XCTAssertTrue(inbound.learnedFromQuery)
        XCTAssertEqual(inbound.flags, ["learned_from_query"])
        XCTAssertEqual(inbound.state, .answered)
        XCTAssertEqual(inbound.direction, .inbound)
        XCTAssertEqual(inbound.caller, "103")
        XCTAssertEqual(inbound.parties, exts("101"))
        let outbound = try XCTUnwrap(t.call(matching: "1589881535.982"))
        XCTAssertEqual(outbound.state, .ringing)
        XCTAssertEqual(t.hangupPlan(for: outbound.id), .outbound(PBXCallID("1589881535.982")))
        // The next poll finds them by id: nothing learned twice.
        XCTAssertEqual(t.reconcile(PBXSnapshot(trunkCalls: [listed("1589881290.963")], extensions: []), now: 15_000), [])
        XCTAssertEqual(t.calls.count, 2)
    }

    func testQueryThatRacedTheByeDoesNotResurrectTheCall() throws {
        var t = CallTable()
        _ = inboundTalking(&t, now: 0)
        _ = t.apply(Wire.bye("1589948600.1800", ext: ["101"], inbound: Wire.leg("103", "101", "1589948600.1800")), now: 10_000)
        // The snapshot was taken before the BYE and lists the call under an id the table lacks.
        let e = t.reconcile(PBXSnapshot(trunkCalls: [listed("1589948512.1790")], extensions: []), now: 10_050)
        XCTAssertEqual(kinds(e), [])
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.liveCount, 0)
    }

    func testStaleTableEndsNothingAndMissingCountsStandStillUntilARealSnapshot() throws {
        var t = CallTable()
        XCTAssertFalse(t.isFresh)
        let id = inboundTalking(&t, now: 0)
        _ = calls(in: t.apply(Wire.ring("1589950000.100", ext: ["106", "101"]), now: 1))
        _ = t.reconcile(Self.empty, now: 10_000)
        XCTAssertTrue(t.isFresh)
        XCTAssertEqual(t.lastGoodContact, 10_000)
        XCTAssertEqual(t.call(id: id)?.missingPolls, 1)
        for n in 0..<50 { t.markStale(now: 20_000 + Int64(n) * 10_000) }
        XCTAssertFalse(t.isFresh)
        XCTAssertEqual(t.staleSince, 20_000)
        XCTAssertEqual(t.lastGoodContact, 10_000)
        XCTAssertEqual(t.liveCount, 2)
        XCTAssertEqual(t.call(id: id)?.missingPolls, 1)
        XCTAssertEqual(t.counters.callsEnded, 0)
        // Contact is back, but only a reconciliation makes the table fresh.
        t.noteContact(now: 600_000)
        XCTAssertEqual(t.lastGoodContact, 600_000)
        XCTAssertEqual(t.staleSince, 20_000)
        _ = t.reconcile(PBXSnapshot(trunkCalls: [listed("1589948512.1707")], extensions: [
            ExtensionListEntry(number: ExtensionNumber("106"), status: .ringing),
        ]), now: 610_000)
        XCTAssertTrue(t.isFresh)
        XCTAssertNil(t.staleSince)
        XCTAssertEqual(t.liveCount, 2)
        XCTAssertEqual(t.call(id: id)?.missingPolls, 0)
    }

    func testInternalCallIsKeptAliveByABusyExtensionAndEndsWhenBothAreIdle() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 0)
        let id = calls(in: t.apply(Wire.answer("1589953310.1724", ext: ["106", "101"]), now: 1)).first!.id
        let talking = PBXSnapshot(trunkCalls: [], extensions: [
            ExtensionListEntry(number: ExtensionNumber("101"), status: .busy, type: "pjsip"),
            ExtensionListEntry(number: ExtensionNumber("106"), status: .registered, type: "pjsip"),
        ])
        for n in 1...5 { _ = t.reconcile(talking, now: Int64(n) * 10_000) }
        XCTAssertEqual(t.call(id: id)?.state, .answered)
        XCTAssertEqual(t.extensions[ExtensionNumber("101")]?.status, .busy)
        let hold = PBXSnapshot(trunkCalls: [], extensions: [
            ExtensionListEntry(number: ExtensionNumber("101"), status: .hold), ExtensionListEntry(number: ExtensionNumber("106"), status: .idle),
        ])
        _ = t.reconcile(hold, now: 60_000)
        _ = t.reconcile(hold, now: 70_000)
        XCTAssertEqual(t.call(id: id)?.state, .answered)
        let idle = PBXSnapshot(trunkCalls: [], extensions: [
            ExtensionListEntry(number: ExtensionNumber("101"), status: .registered), ExtensionListEntry(number: ExtensionNumber("106"), status: .idle),
        ])
        XCTAssertEqual(kinds(t.reconcile(idle, now: 80_000)), [])
        XCTAssertEqual(kinds(t.reconcile(idle, now: 90_000)), ["ended"])
        XCTAssertEqual(t.call(id: id)?.endReason, .reconciled)
    }

    func testSnapshotSayingNothingAboutAnInternalCallLeavesItAlone() throws {
        var t = CallTable()
        let id = calls(in: t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 0)).first!.id
        // An empty extension list, or one that does not name the call's extensions, is no evidence.
        for n in 1...4 { _ = t.reconcile(Self.empty, now: Int64(n) * 10_000) }
        let others = PBXSnapshot(trunkCalls: [], extensions: [ExtensionListEntry(number: ExtensionNumber("300"), status: .idle)])
        for n in 5...8 { _ = t.reconcile(others, now: Int64(n) * 10_000) }
        XCTAssertEqual(t.call(id: id)?.state, .ringing)
        XCTAssertEqual(t.call(id: id)?.missingPolls, 0)
    }

    func testBootUpThenTwoEmptyPollsEndTheCallsTheRebootDropped() throws {
        var t = CallTable()
        _ = inboundTalking(&t, now: 0)
        _ = t.reconcile(PBXSnapshot(trunkCalls: [listed("1589948512.1707")], extensions: []), now: 2_000)
        XCTAssertTrue(t.isFresh)
        XCTAssertEqual(t.apply(Wire.bootUp, now: 5_000), [.relogin])
        XCTAssertEqual(t.liveCount, 1)
        XCTAssertFalse(t.isFresh)
        XCTAssertEqual(t.staleSince, 5_000)
        _ = t.reconcile(Self.empty, now: 30_000)
        _ = t.reconcile(Self.empty, now: 40_000)
        XCTAssertEqual(t.liveCount, 0)
        XCTAssertEqual(t.calls.first?.endReason, .reconciled)
    }
}

final class ReconcileOutboundTests: XCTestCase {
    func testListedOutboundCallCompletesTheCallKnownOnlyFromItsAlert() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589948179.1692", ext: ["106"], sn: nil), now: 1)
        let e = t.reconcile(PBXSnapshot(trunkCalls: [
            QueriedTrunkCall(direction: .outbound, id: PBXCallID("1589948178.1690"), from: "106", to: "103", trunk: Wire.trunk, status: .progress),
        ], extensions: [ExtensionListEntry(number: ExtensionNumber("106"), status: .busy)]), now: 2)
        XCTAssertEqual(kinds(e), ["updated"])
        XCTAssertEqual(t.calls.count, 1)
        let c = try XCTUnwrap(t.calls.first)
        XCTAssertEqual(c.direction, .outbound)
        XCTAssertFalse(c.learnedFromQuery)
        XCTAssertEqual(t.hangupPlan(for: c.id), .outbound(PBXCallID("1589948178.1690")))
        // Its RING then joins by id.
        _ = t.apply(Wire.ring("1589948178.1690", ext: ["106"], outbound: Wire.leg("106", "103", "1589948178.1690"), sn: nil), now: 3)
        XCTAssertEqual(t.calls.count, 1)
    }

    func testOutboundCallListedWithThePresentedCallerIdIsStillShown() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589881500.980", ext: ["106"], outbound: Wire.leg("106", "103", "1589881500.980")), now: 1)
        _ = t.apply(Wire.answer("1589881501.981", ext: ["106"], outbound: Wire.leg("106", "103", "1589881501.981")), now: 2)
        // The OpenVox example lists from "66666" under an id the table has not seen.
        let snap = PBXSnapshot(trunkCalls: [
            QueriedTrunkCall(direction: .outbound, id: PBXCallID("1589881535.982"), from: "66666", to: "103", trunk: Wire.trunk, status: .talking),
        ], extensions: [])
        for n in 1...3 { XCTAssertEqual(t.reconcile(snap, now: Int64(n) * 10_000), []) }
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.liveCount, 1)
        XCTAssertEqual(t.calls.first?.trunkID, PBXCallID("1589881535.982"))
    }

    func testOutboundCallToAnotherNumberIsNotKeptAliveByTheDestinationFallback() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589881500.980", ext: ["106"], outbound: Wire.leg("106", "103", "1589881500.980")), now: 1)
        let snap = PBXSnapshot(trunkCalls: [
            QueriedTrunkCall(direction: .outbound, id: PBXCallID("1589881535.982"), from: "66666", to: "104", trunk: Wire.trunk, status: .talking),
        ], extensions: [])
        _ = t.reconcile(snap, now: 10_000)
        _ = t.reconcile(snap, now: 20_000)
        XCTAssertEqual(t.calls.map { $0.state }, [.ended, .answered])
        XCTAssertEqual(t.calls.map { $0.learnedFromQuery }, [false, true])
    }
}
