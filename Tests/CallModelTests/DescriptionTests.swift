import XCTest
@testable import CallModel

/// Embedded Swift prints a placeholder for enums without a `description`: every value the table
/// outputs has an explicit one.
final class DescriptionTests: XCTestCase {
    func testEveryOutputValueDescribesItself() throws {
        XCTAssertEqual([CallState.ringing, .answered, .ended].map { $0.description }, ["ringing", "answered", "ended"])
        XCTAssertEqual([EndReason.hangup(by: "106"), .failed(.sip(code: 480, text: "")), .reconciled].map { $0.description },
                       ["hangup", "failed", "reconciled"])
        XCTAssertEqual(EndReason.hangup(by: "106").detail, "hangup by 106")
        XCTAssertEqual(EndReason.hangup(by: nil).detail, "hangup")
        XCTAssertEqual(EndReason.failed(nil).detail, "failed")
        XCTAssertEqual([CallEventKind.started, .answered, .updated, .ended, .cdr].map { $0.description },
                       ["started", "answered", "updated", "ended", "cdr"])
        XCTAssertEqual([HangupPlan.inbound(PBXCallID("1.2")), .outbound(PBXCallID("1.3")), .extension(ExtensionNumber("101")),
                        .alreadyEnded, .unknown, .noTarget].map { $0.description },
                       ["inbound hangup 1.2", "outbound hangup 1.3", "extension hangup 101", "already ended", "unknown call", "no hangup target"])
        XCTAssertEqual(Effect.relogin.description, "relogin")
        XCTAssertEqual(Effect.duplicate.description, "duplicate")
        XCTAssertEqual(Effect.anomaly("x").description, "anomaly: x")

        var t = CallTable()
        let e = t.apply(Wire.ring("1589948178.1690", ext: ["106"], outbound: Wire.leg("106", "103", "1589948178.1690")), now: 1)
        XCTAssertEqual(e.first?.description, "event started call 1 outbound ringing 106->103 trunk to-18-16-2 parties 106")
        let end = t.apply(Wire.bye("1589956488.1962", ext: ["106"], outbound: Wire.leg("106", "103", "1589956488.1962"), trunkFirst: true), now: 2)
        XCTAssertEqual(end.first?.description, "event ended call 1 outbound ended 106->103 trunk to-18-16-2 parties 106 (hangup by 103)")
        XCTAssertEqual(CallTransfer(at: 5, listed: exts("102", "101"), by: ExtensionNumber("101")).description,
                       "transfer at 5 listing 102,101 by 101")
        XCTAssertEqual(ExtensionState(status: .busy, changedAt: 7, updatedAt: 9).description, "busy since 7")
    }
}
