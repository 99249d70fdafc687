import XCTest
@testable import CallModel

final class BoundsTests: XCTestCase {
    func testNewCallsPastTheLiveLimitAreRefusedWithAnAnomaly() throws {
        var config = CallTableConfig()
        config.maxLiveCalls = 3
        var t = CallTable(config: config)
        for n in 0..<3 { XCTAssertEqual(kinds(t.apply(Wire.ring("15899500\(n).1", ext: ["2\(n)", "1\(n)"]), now: 1)), ["started"]) }
        XCTAssertEqual(kinds(t.apply(Wire.ring("1589950099.1", ext: ["299", "199"]), now: 2)), ["anomaly"])
        XCTAssertEqual(kinds(t.apply(Wire.answer("1589950098.1", ext: ["298", "198"]), now: 2)), ["anomaly"])
        XCTAssertEqual(kinds(t.reconcile(PBXSnapshot(trunkCalls: [
            QueriedTrunkCall(direction: .inbound, id: PBXCallID("1589950097.1"), from: "0", to: "1", trunk: "t", status: .talking),
        ], extensions: []), now: 3)), ["anomaly"])
        XCTAssertEqual(t.counters.refusedCalls, 3)
        XCTAssertEqual(t.liveCount, 3)
        // Reports for known calls still apply; once one ends, a new call fits.
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589950000.2", ext: ["20", "10"]), now: 4)), ["ended"])
        XCTAssertEqual(kinds(t.apply(Wire.ring("1589950099.1", ext: ["299", "199"]), now: 5)), ["started"])
        assertConsistent(t)
    }

    func testPBXIdsPerCallAreBoundedAndTheOldestAreDropped() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589950000.0", ext: ["101"]), now: 0)
        // A large ring group: every member's RING carries a new callid.
        for n in 1...40 { _ = t.apply(Wire.ring("1589950000.\(n)", ext: ["\(200 + n)", "101"]), now: Int64(n)) }
        let c = try XCTUnwrap(t.calls.first)
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(c.pbxIDs.count, t.config.maxPBXIDsPerCall)
        XCTAssertEqual(c.pbxIDs.last, PBXCallID("1589950000.40"))
        XCTAssertNil(t.call(matching: "1589950000.0"))
        XCTAssertEqual(t.call(matching: "1589950000.40")?.id, c.id)
        XCTAssertEqual(c.extensions.count, t.config.maxExtensionsPerCall)
        XCTAssertEqual(c.parties.count, t.config.maxExtensionsPerCall)
        assertConsistent(t)
    }

    func testTransferHistoryIsBoundedButCounted() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589957600.1990", ext: ["102", "101"]), now: 1)
        _ = t.apply(Wire.answer("1589957605.1994", ext: ["102", "101"]), now: 2)
        for n in 0..<20 { _ = t.apply(Wire.transfer("1589957670.\(3000 + n)", ext: ["102", "101"]), now: 3 + Int64(n)) }
        let c = try XCTUnwrap(t.calls.first)
        XCTAssertEqual(c.transferCount, 20)
        XCTAssertEqual(c.transfers.count, t.config.maxTransfersPerCall)
    }

    func testExtensionTableIsBounded() {
        var config = CallTableConfig()
        config.maxExtensionStates = 2
        var t = CallTable(config: config)
        XCTAssertEqual(t.apply(Wire.extensionStatus("101", .idle, wire: "Idle"), now: 1), [])
        XCTAssertEqual(t.apply(Wire.extensionStatus("102", .idle, wire: "Idle"), now: 1), [])
        XCTAssertEqual(kinds(t.apply(Wire.extensionStatus("103", .idle, wire: "Idle"), now: 1)), ["anomaly"])
        XCTAssertEqual(t.apply(Wire.extensionStatus("101", .busy, wire: "InUse"), now: 2), [])
        XCTAssertEqual(t.extensions.count, 2)
    }
}
