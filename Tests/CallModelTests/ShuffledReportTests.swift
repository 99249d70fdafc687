import XCTest
@testable import CallModel

/// Every order of a call's reports (and resends) is survivable: no crash, bookkeeping intact,
/// no more calls than the order forces. A bounded, seeded sweep.
final class ShuffledReportTests: XCTestCase {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    static let outbound: [Report] = [
        Wire.alert("1589948179.1692", ext: ["106"], sn: nil),
        Wire.ring("1589948178.1690", ext: ["106"], outbound: Wire.leg("106", "103", "1589948178.1690"), sn: nil),
        Wire.answer("1589953723.1760", ext: ["106"], outbound: Wire.leg("106", "103", "1589953722.1758")),
        Wire.bye("1589956488.1962", ext: ["106"], outbound: Wire.leg("106", "103", "1589956488.1962"), trunkFirst: true),
        Wire.bye("1589956489.1964", ext: ["106"], outbound: Wire.leg("106", "103", "1589956489.1964")),
        Wire.cdr("1589956490.1970", start: "x", from: "106", to: "16103", duration: 1, talk: 1, status: "ANSWERED", type: "Outbound"),
    ]
    static let internalCall: [Report] = [
        Wire.alert("1589947952.1670", ext: ["101"]),
        Wire.ring("1589947952.1670", ext: ["106", "101"]),
        Wire.answer("1589953310.1724", ext: ["106", "101"]),
        Wire.answer("1589953310.1724", ext: ["101", "106"]),
        Wire.bye("1589953914.1775", ext: ["106", "101"]),
        Wire.bye("1589953914.1777", ext: ["101", "106"]),
        Wire.cdr("1589958682.2101", start: "x", from: "101", to: "106", duration: 1, talk: 1, status: "ANSWERED", type: "Internal"),
    ]

    func testAnyOrderOfOneCallsReportsWithResendsKeepsTheTableSound() {
        var rng = SplitMix(state: 0x5eed)
        for scenario in [Self.outbound, Self.internalCall] {
            for _ in 0..<300 {
                var reports = scenario
                // Resend a few.
                for _ in 0..<Int(rng.next() % 3) { reports.append(reports[Int(rng.next() % UInt64(scenario.count))]) }
                for i in stride(from: reports.count - 1, to: 0, by: -1) {
                    reports.swapAt(i, Int(rng.next() % UInt64(i + 1)))
                }
                var t = CallTable()
                var now: Int64 = 0
                for r in reports {
                    now += Int64(rng.next() % 2_000)
                    _ = t.apply(r, now: now)
                }
                assertConsistent(t)
                // A BYE or CDR before everything else is refused (nothing to end); whatever set-up
                // report comes after it may start a call, but never more than two.
                XCTAssertLessThanOrEqual(t.calls.count, 2)
                XCTAssertLessThanOrEqual(t.liveCount, 1)
            }
        }
    }

    func testInOrderWithResendsAlwaysGivesOneEndedCallAndNoAnomalies() {
        var rng = SplitMix(state: 42)
        for scenario in [Self.outbound, Self.internalCall] {
            for _ in 0..<100 {
                var t = CallTable()
                var now: Int64 = 0
                for r in scenario {
                    for _ in 0...Int(rng.next() % 3) {
                        now += Int64(rng.next() % 500)
                        _ = t.apply(r, now: now)
                    }
                }
                XCTAssertEqual(t.calls.count, 1)
                XCTAssertEqual(t.liveCount, 0)
                XCTAssertEqual(t.counters.anomalies, 0)
                XCTAssertNotNil(t.calls.first?.cdr)
            }
        }
    }
}
