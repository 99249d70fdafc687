import XCTest
@testable import CallModel

final class HangupPlanTests: XCTestCase {
    func testInboundCallHangsUpByInboundid() throws {
        var t = CallTable()
        let leg = Wire.leg("103", "101", "1589948512.1707")
        let id = calls(in: t.apply(Wire.alert("1589948512.1709", inbound: leg), now: 1)).first!.id
        XCTAssertEqual(t.hangupPlan(for: id), .inbound(PBXCallID("1589948512.1707")))
    }

    func testOutboundCallHangsUpByOutboundid() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589948179.1692", ext: ["106"], sn: nil), now: 1)
        // While only the ALERT is known, the extension is the way to hang up.
        XCTAssertEqual(t.hangupPlan(for: CallID(1)), .extension(ExtensionNumber("106")))
        _ = t.apply(Wire.ring("1589948178.1690", ext: ["106"], outbound: Wire.leg("106", "103", "1589948178.1690"), sn: nil), now: 2)
        XCTAssertEqual(t.hangupPlan(for: CallID(1)), .outbound(PBXCallID("1589948178.1690")))
    }

    func testInternalCallHangsUpByTheCallersExtension() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 1)
        XCTAssertEqual(t.hangupPlan(for: CallID(1)), .extension(ExtensionNumber("101")))
    }

    func testTrunkCallWithoutIdFallsBackToItsExtension() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589948512.1709", ext: ["101"], inbound: Wire.leg("103", "101", nil)), now: 1)
        XCTAssertEqual(t.hangupPlan(for: CallID(1)), .extension(ExtensionNumber("101")))
    }

    func testTrunkCallWithNeitherIdNorExtensionHasNoTarget() throws {
        var t = CallTable()
        _ = t.apply(Wire.alert("1589948512.1709", inbound: Wire.leg("103", "101", nil)), now: 1)
        XCTAssertEqual(t.hangupPlan(for: CallID(1)), .noTarget)
    }

    func testEndedAndUnknownCalls() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 1)
        _ = t.apply(Wire.bye("1589953914.1775", ext: ["106", "101"]), now: 2)
        XCTAssertEqual(t.hangupPlan(for: CallID(1)), .alreadyEnded)
        XCTAssertEqual(t.hangupPlan(for: CallID(99)), .unknown)
    }

    func testHangupRequestLeavesTheCallLiveUntilTheByeArrives() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 1)
        _ = t.apply(Wire.answer("1589953310.1724", ext: ["106", "101"]), now: 2)
        let e = t.noteHangupRequested(id: CallID(1), now: 3)
        XCTAssertEqual(kinds(e), ["updated"])
        var c = try XCTUnwrap(t.call(id: CallID(1)))
        XCTAssertEqual(c.state, .answered)
        XCTAssertEqual(c.hangupRequestedAt, 3)
        XCTAssertEqual(c.flags, ["hangup_requested"])
        XCTAssertEqual(t.liveCount, 1)
        // The PBX answered 502/504: the shell does nothing more, the call is still live.
        XCTAssertEqual(t.hangupPlan(for: CallID(1)), .extension(ExtensionNumber("101")))
        _ = t.apply(Wire.bye("1589953914.1775", ext: ["101", "106"]), now: 4)
        c = try XCTUnwrap(t.call(id: CallID(1)))
        XCTAssertEqual(c.state, .ended)
        XCTAssertEqual(c.hangupRequestedAt, 3)
        XCTAssertEqual(c.flags, [])
        XCTAssertEqual(t.noteHangupRequested(id: CallID(1), now: 5), [])
        XCTAssertEqual(t.noteHangupRequested(id: CallID(42), now: 5), [])
    }
}
