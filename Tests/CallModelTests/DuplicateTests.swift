import XCTest
@testable import CallModel

/// The PBX resends a report until it gets a 200 (reference §12 item 13); resends have the
/// same body and so the same digest.
final class DuplicateTests: XCTestCase {
    func testResentReportsAreAppliedOnce() throws {
        var t = CallTable()
        let ring = Wire.ring("1589947952.1670", ext: ["106", "101"])
        XCTAssertEqual(kinds(t.apply(ring, now: 1)), ["started"])
        XCTAssertEqual(kinds(t.apply(ring, now: 2)), ["duplicate"])
        XCTAssertEqual(kinds(t.apply(ring, now: 3_000)), ["duplicate"])
        let bye = Wire.bye("1589953914.1775", ext: ["106", "101"])
        XCTAssertEqual(kinds(t.apply(bye, now: 4_000)), ["ended"])
        // A resent first BYE is a duplicate, not a second BYE and not an anomaly.
        XCTAssertEqual(kinds(t.apply(bye, now: 4_001)), ["duplicate"])
        XCTAssertEqual(kinds(t.apply(Wire.bye("1589953914.1777", ext: ["101", "106"]), now: 4_002)), [])
        XCTAssertEqual(t.counters.duplicates, 3)
        XCTAssertEqual(t.counters.reportsReceived, 6)
        XCTAssertEqual(t.counters.reportsApplied, 3)
        XCTAssertEqual(t.counters.anomalies, 0)
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.calls[0].byeCount, 2)
    }

    func testSameBodyAfterTheDedupeWindowIsAppliedAgain() {
        var t = CallTable()
        let ring = Wire.ring("1589947952.1670", ext: ["106", "101"])
        _ = t.apply(ring, now: 0)
        _ = t.apply(Wire.bye("1589953914.1775", ext: ["106", "101"]), now: 1)
        XCTAssertEqual(kinds(t.apply(ring, now: t.config.dedupeWindowMs - 1)), ["duplicate"])
        // Past the window it is a report again: a RING for an ended call, an anomaly.
        XCTAssertEqual(kinds(t.apply(ring, now: t.config.dedupeWindowMs)), ["anomaly"])
        XCTAssertEqual(t.calls.count, 1)
    }

    func testDedupeMemoryIsBoundedAndForgetsTheOldestFirst() {
        var config = CallTableConfig()
        config.dedupeCapacity = 4
        var t = CallTable(config: config)
        let reports = (0..<5).map { Wire.ring("1589947952.\(1700 + $0 * 10)", ext: ["2\($0)0", "1\($0)0"]) }
        for (i, r) in reports.enumerated() { _ = t.apply(r, now: Int64(i)) }
        XCTAssertEqual(t.rememberedDigests, 4)
        XCTAssertEqual(kinds(t.apply(reports[4], now: 10)), ["duplicate"])
        // The first digest was forgotten: its resend is applied (and joins its own call).
        XCTAssertNotEqual(kinds(t.apply(reports[0], now: 11)), ["duplicate"])
        XCTAssertEqual(t.calls.count, 5)
    }

    func testExpiryPrunesDigestsOlderThanTheWindow() {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 0)
        _ = t.apply(Wire.ring("1589947952.1680", ext: ["107", "102"]), now: 500_000)
        t.expire(now: 600_000)
        XCTAssertEqual(t.rememberedDigests, 1)
        t.expire(now: 1_100_000)
        XCTAssertEqual(t.rememberedDigests, 0)
    }

    func testExtensionStatusIsNeverDeduplicated() throws {
        var t = CallTable()
        let busy = Wire.extensionStatus("101", .busy, wire: "InUse")
        let idle = Wire.extensionStatus("101", .idle, wire: "Idle")
        XCTAssertEqual(kinds(t.apply(busy, now: 10)), [])
        XCTAssertEqual(t.extensions[ExtensionNumber("101")], ExtensionState(status: .busy, changedAt: 10, updatedAt: 10))
        _ = t.apply(idle, now: 20)
        XCTAssertEqual(kinds(t.apply(busy, now: 30)), [])
        XCTAssertEqual(t.extensions[ExtensionNumber("101")]?.status, .busy)
        XCTAssertEqual(t.extensions[ExtensionNumber("101")]?.changedAt, 30)
        // A repeat of the same state moves `updatedAt`, not `changedAt`.
        _ = t.apply(busy, now: 40)
        XCTAssertEqual(t.extensionState(ExtensionNumber("101")), ExtensionState(status: .busy, changedAt: 30, updatedAt: 40))
        XCTAssertEqual(t.counters.duplicates, 0)
        XCTAssertEqual(t.counters.reportsApplied, 4)
    }

    func testReportWithoutDigestIsNeverTreatedAsDuplicate() {
        var t = CallTable()
        let r = Report(kind: .ring, callID: PBXCallID("1589947952.1670"), extensions: exts("106", "101"))
        XCTAssertEqual(kinds(t.apply(r, now: 1)), ["started"])
        XCTAssertEqual(kinds(t.apply(r, now: 2)), [])
        XCTAssertEqual(t.counters.duplicates, 0)
    }

    func testBootUpAsksForReloginAndEndsNothing() {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 1)
        XCTAssertEqual(t.apply(Wire.bootUp, now: 2), [.relogin])
        // A second reboot soon after is a second BootUp, not a resend to suppress.
        XCTAssertEqual(t.apply(Wire.bootUp, now: 3), [.relogin])
        XCTAssertEqual(t.liveCount, 1)
    }
}
