import XCTest
import CallModel
@testable import PBX

/// One test per tolerated quirk: each is recorded in `Report.quirks`, and a clean report
/// records none.
final class ReportQuirkTests: XCTestCase {
    let normaliser = ReportNormaliser()

    private func report(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Report? {
        switch normaliser.normalise(body: Array(text.utf8)) {
        case .report(let r): return r
        case .rejected(let why):
            XCTFail("rejected: " + why.message, file: file, line: line)
            return nil
        }
    }

    func testCleanReportHasNoQuirks() {
        let r = report(#"{"action":"BYE","callid":"1.2","ext":{"extid":"101"},"sn":"a"}"#)
        XCTAssertEqual(r?.quirks, [])
    }

    func testExtidArray() {
        let r = report(#"{"action":"RING","callid":"1.2","ext":{"extid":["106","101"]},"sn":"a"}"#)
        XCTAssertEqual(r?.quirks, [.extidArray])
        XCTAssertEqual(r?.extensions, [ExtensionNumber("106"), ExtensionNumber("101")])
    }

    func testCallArray() {
        let r = report(#"{"action":"RING","callid":"1.2","call":[{"ext":{"extid":"1002"}},{"ext":{"extid":"1001"}}],"sn":"a"}"#)
        XCTAssertEqual(r?.quirks, [.callArray])
        XCTAssertEqual(r?.extensions, [ExtensionNumber("1002"), ExtensionNumber("1001")])
    }

    func testDuplicateExtKeepsBothPartiesInOrder() {
        let r = report(#"{"action":"ANSWERED","callid":"1.2","ext":{"extid":"1002"},"ext":{"extid":"1000"},"sn":"a"}"#)
        XCTAssertEqual(r?.quirks, [.duplicateExt])
        XCTAssertEqual(r?.extensions, [ExtensionNumber("1002"), ExtensionNumber("1000")])
    }

    func testMissingSerial() {
        let r = report(#"{"action":"ALERT","callid":"1.2","ext":{"extid":"106"}}"#)
        XCTAssertEqual(r?.quirks, [.missingSerial])
        XCTAssertNil(r?.serial)
        let empty = report(#"{"action":"ALERT","callid":"1.2","ext":{"extid":"106"},"sn":""}"#)
        XCTAssertEqual(empty?.quirks, [.missingSerial])
        XCTAssertNil(empty?.serial)
    }

    func testNumericReason() {
        // OpenVox CallFailed: `reason` second, a bare number.
        let r = report(#"{"action":"CallFailed","reason":480,"callid":"1.2","ext":{"extid":["102","106"]},"sn":"a"}"#)
        XCTAssertEqual(r?.kind, .callFailed(.sip(code: 480, text: "")))
        XCTAssertEqual(r?.quirks, [.numericReason, .extidArray])
    }

    func testInUseStatusIsBusy() {
        let r = report(#"{"action":"ExtensionStatus","extension":"101","status":"InUse","sn":"a"}"#)
        XCTAssertEqual(r?.kind, .extensionStatus(ExtensionNumber("101"), .busy))
        XCTAssertEqual(r?.quirks, [.inUseStatus])
        XCTAssertEqual(report(#"{"action":"ExtensionStatus","extension":"101","status":"Busy","sn":"a"}"#)?.quirks, [])
    }

    func testNumberAsString() {
        // Documented strings sent as numbers keep their exact text.
        let r = report(#"{"action":"BYE","callid":1589953914.1770,"ext":{"extid":[106,"101"]},"sn":"a"}"#)
        XCTAssertEqual(r?.callID, PBXCallID("1589953914.1770"))
        XCTAssertEqual(r?.extensions, [ExtensionNumber("106"), ExtensionNumber("101")])
        XCTAssertEqual(r?.quirks, [.numberAsString, .extidArray])
        // And the reverse where tolerable: CDR durations (documented strings) as numbers.
        let cdr = report(#"{"action":"NewCdr","callid":"1.2","callduraction":10,"talkduraction":"4","sn":"a"}"#)
        XCTAssertEqual(cdr?.kind, .newCdr(CDR(callDurationSeconds: 10, talkDurationSeconds: 4)))
        XCTAssertEqual(cdr?.quirks, [.numberAsString])
        let status = report(#"{"action":"ExtensionStatus","extension":101,"status":"Idle","sn":"a"}"#)
        XCTAssertEqual(status?.kind, .extensionStatus(ExtensionNumber("101"), .idle))
        XCTAssertEqual(status?.quirks, [.numberAsString])
    }

    func testLegacyActionRIIsAnAnswer() {
        let r = report(#"{"action":"RI","callid":"1.2","ext":{"extid":"1000"},"ext":{"extid":"1002"}}"#)
        XCTAssertEqual(r?.kind, .answer)
        XCTAssertEqual(r?.quirks, [.legacyActionRI, .duplicateExt, .missingSerial])
    }

    func testEveryQuirkHasACounterName() {
        XCTAssertEqual(ReportQuirks.all.count, 8)
        var union: ReportQuirks = []
        for (q, _) in ReportQuirks.all { union.insert(q) }
        for q: ReportQuirks in [.extidArray, .callArray, .duplicateExt, .missingSerial, .numericReason,
                                .inUseStatus, .numberAsString, .legacyActionRI] {
            XCTAssertTrue(union.contains(q))
        }
    }
}
