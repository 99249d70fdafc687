import XCTest
@testable import CallModel

final class CallFailedTests: XCTestCase {
    /// OpenVox: `{"action":"CallFailed","reason":480,"callid":"…","ext":{"extid":["102","106"]}}`.
    func testNumericReason480EndsTheRingingCallAsFailedAndLaterByesAreAbsorbed() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589958000.2060", ext: ["102"]), now: 1)
        _ = t.apply(Wire.ring("1589958000.2060", ext: ["106", "102"]), now: 2)
        let report = Wire.failed("1589958030.2066", ext: ["102", "106"])
        XCTAssertTrue(report.quirks.contains(.numericReason))
        var e = t.apply(report, now: 30_000)
        XCTAssertEqual(kinds(e), ["ended"])
        let c = try XCTUnwrap(calls(in: e).first)
        XCTAssertEqual(c.endReason, .failed(.sip(code: 480, text: "")))
        XCTAssertEqual(c.endReason?.description, "failed")
        XCTAssertEqual(c.endReason?.detail, "failed: 480")
        XCTAssertNil(c.answeredAt)

        // Whether BYEs follow a CallFailed is not documented: up to two are absorbed.
        e = t.apply(Wire.bye("1589958030.2068", ext: ["102", "106"]), now: 30_010)
        XCTAssertEqual(kinds(e), [])
        e = t.apply(Wire.bye("1589958030.2070", ext: ["106", "102"]), now: 30_020)
        XCTAssertEqual(kinds(e), [])
        e = t.apply(Wire.cdr("1589958030.2072", start: "2020-05-20 10:00:00", from: "102", to: "106",
                             duration: 30, talk: 0, status: "NO ANSWER", type: "Internal"), now: 30_030)
        XCTAssertEqual(kinds(e), ["cdr"])
        XCTAssertEqual(t.counters.anomalies, 0)
        // A third BYE is one too many.
        e = t.apply(Wire.bye("1589958031.2074", ext: ["106", "102"]), now: 30_040)
        XCTAssertEqual(kinds(e), ["anomaly"])
        XCTAssertEqual(t.calls.count, 1)
        assertConsistent(t)
    }

    func testCallFailedForAnUnseenCallRecordsAnEndedAttempt() throws {
        var t = CallTable()
        let e = t.apply(Wire.failed("1589958030.2066", reason: .sip(code: 486, text: "Busy Here"), ext: ["102", "106"]), now: 5)
        XCTAssertEqual(kinds(e), ["started", "ended"])
        XCTAssertEqual(t.liveCount, 0)
        XCTAssertEqual(t.calls.first?.endReason?.detail, "failed: 486 Busy Here")
    }

    func testLegacyCallFailedWithoutParticipantsAndTextReason() throws {
        var t = CallTable()
        let e = t.apply(Wire.failed("1495420603.349", reason: .text("NO Outbound Restriction"), ext: []), now: 5)
        XCTAssertEqual(kinds(e), ["started", "ended"])
        XCTAssertEqual(t.calls.first?.endReason, .failed(.text("NO Outbound Restriction")))
    }

    func testCallFailedForAnAnsweredCallIsAnAnomalyAndTheCallStaysLive() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589958000.2060", ext: ["106", "102"]), now: 1)
        _ = t.apply(Wire.answer("1589958000.2062", ext: ["106", "102"]), now: 2)
        let e = t.apply(Wire.failed("1589958000.2064", ext: ["102", "106"]), now: 3)
        XCTAssertEqual(kinds(e), ["anomaly"])
        XCTAssertEqual(t.calls.first?.state, .answered)
        XCTAssertEqual(t.liveCount, 1)
    }

    func testCallFailedAfterTheByeOfAnUnansweredCallKeepsTheFailureReason() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589958000.2060", ext: ["106", "102"]), now: 1)
        _ = t.apply(Wire.bye("1589958000.2062", ext: ["102", "106"]), now: 2)
        let e = t.apply(Wire.failed("1589958000.2064", ext: ["102", "106"]), now: 3)
        XCTAssertEqual(kinds(e), ["updated"])
        XCTAssertEqual(t.calls.first?.endReason, .failed(.sip(code: 480, text: "")))
        XCTAssertEqual(t.counters.anomalies, 0)
        XCTAssertEqual(t.counters.callsEnded, 1)
    }

    func testOutboundCallFailedWithOnlyTheExtension() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589948179.1692", ext: ["106"], sn: nil), now: 1)
        _ = t.apply(Wire.ring("1589948178.1690", ext: ["106"], outbound: Wire.leg("106", "103", "1589948178.1690"), sn: nil), now: 2)
        let e = t.apply(Wire.failed("1589948200.1695", ext: ["106"], outbound: Wire.leg("106", "103", "1589948200.1695")), now: 30)
        XCTAssertEqual(kinds(e), ["ended"])
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertEqual(t.calls.first?.direction, .outbound)
    }
}
