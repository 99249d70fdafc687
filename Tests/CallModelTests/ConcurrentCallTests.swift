import XCTest
@testable import CallModel

final class ConcurrentCallTests: XCTestCase {
    func testTwoInternalCallsOnDifferentExtensionsAreNotConfused() throws {
        var t = CallTable()
        let a = calls(in: t.apply(Wire.alert("1589950000.100", ext: ["101"]), now: 1)).first!.id
        let b = calls(in: t.apply(Wire.alert("1589950000.102", ext: ["102"]), now: 2)).first!.id
        _ = t.apply(Wire.ring("1589950000.102", ext: ["107", "102"]), now: 3)
        _ = t.apply(Wire.ring("1589950000.100", ext: ["106", "101"]), now: 4)
        // Per-leg ids never seen before: only the extensions tell the calls apart.
        _ = t.apply(Wire.answer("1589950005.110", ext: ["107", "102"]), now: 5)
        _ = t.apply(Wire.answer("1589950005.112", ext: ["106", "101"]), now: 6)
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589950050.120", ext: ["107", "102"]), now: 7)), ["ended"])
        XCTAssertEqual(t.call(id: b)?.state, .ended)
        XCTAssertEqual(t.call(id: a)?.state, .answered)
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589950050.122", ext: ["102", "107"]), now: 8)), [])
        XCTAssertEqual(t.call(id: a)?.state, .answered)
        XCTAssertEqual(t.call(id: a)?.parties, exts("101", "106"))
        XCTAssertEqual(t.call(id: b)?.parties, exts("102", "107"))
        XCTAssertEqual(t.counters.anomalies, 0)
        assertConsistent(t)
    }

    func testTwoInboundCallsOnTheSameTrunkWithDifferentNumbersStayApart() throws {
        var t = CallTable()
        let legA = Wire.leg("103", "101", "1589948512.1707")
        let legB = Wire.leg("104", "102", "1589948513.1711")
        let a = calls(in: t.apply(Wire.alert("1589948512.1709", inbound: legA), now: 1)).first!.id
        let b = calls(in: t.apply(Wire.alert("1589948513.1713", inbound: legB), now: 2)).first!.id
        XCTAssertNotEqual(a, b)
        _ = t.apply(Wire.ring("1589948513.1713", ext: ["102"], inbound: legB), now: 3)
        _ = t.apply(Wire.ring("1589948512.1709", ext: ["101"], inbound: legA), now: 4)
        _ = t.apply(Wire.answer("1589948520.1743", ext: ["102"], inbound: Wire.leg("104", "102", "1589948520.1743")), now: 5)
        _ = t.apply(Wire.answer("1589948521.1745", ext: ["101"], inbound: Wire.leg("103", "101", "1589948521.1745")), now: 6)
        _ = t.apply(Wire.bye("1589948600.1800", ext: ["101"], inbound: Wire.leg("103", "101", "1589948600.1800")), now: 7)
        XCTAssertEqual(t.call(id: a)?.state, .ended)
        XCTAssertEqual(t.call(id: b)?.state, .answered)
        XCTAssertEqual(t.hangupPlan(for: b), .inbound(PBXCallID("1589948520.1743")))
        assertConsistent(t)
    }

    /// A company calling from one published number, twice, to one DID.
    func testTwoInboundCallsFromTheSameNumberToTheSameDIDAreToldApartByIdAndExtension() throws {
        var t = CallTable()
        let a = calls(in: t.apply(Wire.ring("1589948512.1709", ext: ["101"], inbound: Wire.leg("0207946", "800", "1589948512.1707")), now: 1)).first!.id
        let eb = t.apply(Wire.ring("1589948530.1733", ext: ["102"], inbound: Wire.leg("0207946", "800", "1589948530.1731")), now: 2)
        XCTAssertEqual(kinds(eb), ["started"])
        let b = calls(in: eb).first!.id
        _ = t.apply(Wire.answer("1589948540.1750", ext: ["102"], inbound: Wire.leg("0207946", "800", "1589948540.1750")), now: 3)
        XCTAssertEqual(t.call(id: b)?.state, .answered)
        XCTAssertEqual(t.call(id: a)?.state, .ringing)
        _ = t.apply(Wire.bye("1589948560.1760", ext: ["101"], inbound: Wire.leg("0207946", "800", "1589948560.1760")), now: 4)
        XCTAssertEqual(t.call(id: a)?.state, .ended)
        XCTAssertEqual(t.call(id: b)?.state, .answered)
    }

    func testNewCallToABusyExtensionIsNotMergedIntoItsCurrentCall() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589950000.100", ext: ["101"]), now: 1)
        _ = t.apply(Wire.ring("1589950000.100", ext: ["106", "101"]), now: 2)
        _ = t.apply(Wire.answer("1589950001.104", ext: ["106", "101"]), now: 3)
        // 102 calls 101 while 101 talks to 106 (call waiting).
        XCTAssertEqual(kinds(t.apply(Wire.alert("1589950010.110", ext: ["102"]), now: 4)), ["started"])
        XCTAssertEqual(kinds(t.apply(Wire.ring("1589950010.110", ext: ["101", "102"]), now: 5)), ["updated"])
        XCTAssertEqual(t.calls.count, 2)
        // 102 gives up: only the waiting call ends.
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589950020.120", ext: ["102", "101"]), now: 6)), ["ended"])
        XCTAssertEqual(t.calls.map { $0.state }, [.answered, .ended])
        // The first call's second BYE must not be taken by the ended waiting call and vice versa.
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589950030.130", ext: ["106", "101"]), now: 7)), ["ended"])
        XCTAssertEqual(t.liveCount, 0)
        XCTAssertEqual(t.counters.anomalies, 0)
    }

    func testTwoOutboundCallsToTheSameNumberFromDifferentExtensions() throws {
        var t = CallTable()
        let a = calls(in: t.apply(Wire.alert("1589948179.1692", ext: ["106"], sn: nil), now: 1)).first!.id
        let b = calls(in: t.apply(Wire.alert("1589948180.1696", ext: ["107"], sn: nil), now: 2)).first!.id
        _ = t.apply(Wire.ring("1589948180.1694", ext: ["107"], outbound: Wire.leg("107", "103", "1589948180.1694"), sn: nil), now: 3)
        _ = t.apply(Wire.ring("1589948178.1690", ext: ["106"], outbound: Wire.leg("106", "103", "1589948178.1690"), sn: nil), now: 4)
        XCTAssertEqual(t.calls.count, 2)
        XCTAssertEqual(t.call(id: a)?.direction, .outbound)
        XCTAssertEqual(t.call(id: a)?.caller, "106")
        XCTAssertEqual(t.call(id: b)?.caller, "107")
        XCTAssertEqual(t.hangupPlan(for: b), .outbound(PBXCallID("1589948180.1694")))
    }
}
