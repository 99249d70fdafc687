import XCTest
@testable import CallModel

final class CDRTests: XCTestCase {
    /// 106 → 102 with the real NewCdr capture's values (callid .2101, 10 s, talk 5 s).
    func testNewCdrCaptureAttachesByCallfromAndCalltoToTheEndedCall() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589958672.2091", ext: ["106"]), now: 1)
        _ = t.apply(Wire.ring("1589958672.2091", ext: ["102", "106"]), now: 2)
        _ = t.apply(Wire.answer("1589958677.2095", ext: ["102", "106"]), now: 5_000)
        _ = t.apply(Wire.bye("1589958682.2099", ext: ["102", "106"]), now: 10_000)
        _ = t.apply(Wire.bye("1589958682.2100", ext: ["106", "102"]), now: 10_001)
        let e = t.apply(Wire.cdr("1589958682.2101", start: "2020-05-20 10:11:22", from: "106", to: "102",
                                 duration: 10, talk: 5, status: "ANSWERED", type: "Internal"), now: 10_050)
        XCTAssertEqual(kinds(e), ["cdr"])
        let cdr = try XCTUnwrap(t.calls.first?.cdr)
        XCTAssertEqual(cdr, CDR(timeStart: "2020-05-20 10:11:22", callFrom: "106", callTo: "102", callDurationSeconds: 10,
                                talkDurationSeconds: 5, status: "ANSWERED", type: "Internal"))
        XCTAssertEqual(t.call(matching: "1589958682.2101")?.id, t.calls.first?.id)
    }

    /// Inbound capture: callfrom "101" (external), callto "102", type Inbound, 10 s / 4 s.
    func testInboundCdrCaptureAttachesToTheInboundCall() throws {
        var t = CallTable()
        let leg = Wire.leg("101", "102", "1589959129.2128")
        _ = t.apply(Wire.ring("1589959129.2129", ext: ["102"], inbound: leg), now: 1)
        _ = t.apply(Wire.answer("1589959133.2131", ext: ["102"], inbound: leg), now: 6_000)
        _ = t.apply(Wire.bye("1589959139.2133", ext: ["102"], inbound: leg), now: 10_000)
        let e = t.apply(Wire.cdr("1589959139.2135", start: "2020-05-20 10:18:59", from: "101", to: "102",
                                 duration: 10, talk: 4, status: "ANSWERED", type: "Inbound"), now: 10_100)
        XCTAssertEqual(kinds(e), ["cdr"])
        XCTAssertEqual(t.calls.first?.cdr?.talkDurationSeconds, 4)
    }

    func testNewCdrAttachesByCallidFirst() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589958672.2091", ext: ["102", "106"]), now: 1)
        _ = t.apply(Wire.ring("1589958700.3000", ext: ["107", "108"]), now: 2)
        _ = t.apply(Wire.bye("1589958701.3001", ext: ["107", "108"]), now: 3)
        // Parties say the other call; the callid says this one.
        let e = t.apply(Wire.cdr("1589958672.2091", start: "2020-05-20 10:11:12", from: "106", to: "102",
                                 duration: 1, talk: 0, status: "NO ANSWER", type: "Internal"), now: 4)
        XCTAssertEqual(calls(in: e).first?.id, CallID(1))
    }

    func testNewCdrBeforeByeAttachesToTheLiveCallWhichStaysLiveUntilItsBye() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589958672.2091", ext: ["102", "106"]), now: 1)
        _ = t.apply(Wire.answer("1589958677.2095", ext: ["102", "106"]), now: 2)
        var e = t.apply(Wire.cdr("1589958682.2101", start: "2020-05-20 10:11:22", from: "106", to: "102",
                                 duration: 10, talk: 5, status: "ANSWERED", type: "Internal"), now: 3)
        XCTAssertEqual(kinds(e), ["cdr"])
        XCTAssertEqual(t.liveCount, 1)
        e = t.apply(Wire.bye("1589958682.2099", ext: ["102", "106"]), now: 4)
        XCTAssertEqual(kinds(e), ["ended"])
        XCTAssertEqual(calls(in: e).first?.cdr?.talkDurationSeconds, 5)
    }

    func testNewCdrForACallLongGoneIsAQuietNoOp() {
        var t = CallTable()
        let e = t.apply(Wire.cdr("1589958682.2101", start: "2020-05-20 10:11:22", from: "106", to: "102",
                                 duration: 10, talk: 5, status: "ANSWERED", type: "Internal"), now: 3)
        XCTAssertEqual(kinds(e), [])
        XCTAssertEqual(t.counters.unmatchedCDRs, 1)
        XCTAssertEqual(t.counters.anomalies, 0)
        XCTAssertEqual(t.calls.count, 0)
    }

    func testNewCdrOfAnotherTypeOrTooLateDoesNotAttach() {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589958672.2091", ext: ["102", "106"]), now: 1)
        _ = t.apply(Wire.bye("1589958682.2099", ext: ["102", "106"]), now: 2)
        var e = t.apply(Wire.cdr("1589958682.2101", start: "x", from: "106", to: "102", duration: 1, talk: 0,
                                 status: "NO ANSWER", type: "Inbound"), now: 3)
        XCTAssertEqual(kinds(e), [])
        e = t.apply(Wire.cdr("1589958682.2102", start: "x", from: "106", to: "102", duration: 1, talk: 0,
                             status: "NO ANSWER", type: "Internal"), now: 2 + t.config.cdrWindowMs + 1)
        XCTAssertEqual(kinds(e), [])
        XCTAssertNil(t.calls.first?.cdr)
        XCTAssertEqual(t.counters.unmatchedCDRs, 2)
    }
}
