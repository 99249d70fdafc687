import XCTest
@testable import CallModel

/// The fixture builder reproduces the captured bodies byte for byte: its digests are the ones
/// the normaliser computes from the wire (the published Content-Length equals the compact body).
final class WireFixtureTests: XCTestCase {
    func testInternalByeBodyMatchesPublishedContentLength93() {
        let b = Wire.body(.bye, "1589953914.1775", ext: ["106", "101"], inbound: nil, outbound: nil, trunkFirst: false, sn: Wire.sn)
        XCTAssertEqual(b, #"{"action":"BYE","callid":"1589953914.1775","ext":{"extid":["106","101"]},"sn":"a09805021987"}"#)
        XCTAssertEqual(b.utf8.count, 93)
    }

    func testTransferBodiesMatchPublishedContentLengths() {
        let internalBody = Wire.body(.transfer, "1589957670.2001", ext: ["102", "101"], inbound: nil, outbound: nil, trunkFirst: false, sn: Wire.sn)
        XCTAssertEqual(internalBody.utf8.count, 97)
        let inboundBody = Wire.body(.transfer, "1589957892.2030", ext: ["102"], inbound: Wire.leg("101", "102", "1589957892.2030"),
                                    outbound: nil, trunkFirst: false, sn: Wire.sn)
        XCTAssertEqual(inboundBody.utf8.count, 176)
    }

    func testOutboundRingBodyListsOutboundFirstWithoutSerial() {
        let r = Wire.ring("1589948178.1690", ext: ["106"], outbound: Wire.leg("106", "103", "1589948178.1690"), sn: nil)
        let b = Wire.body(.ring, "1589948178.1690", ext: ["106"], inbound: nil, outbound: Wire.leg("106", "103", "1589948178.1690"),
                          trunkFirst: true, sn: nil)
        XCTAssertEqual(b, #"{"action":"RING","callid":"1589948178.1690","outbound":{"from":"106","to":"103","trunk":"to-18-16-2","outboundid":"1589948178.1690"},"ext":{"extid":"106"}}"#)
        XCTAssertEqual(r.digest, fnv1a64(Array(b.utf8)))
        XCTAssertTrue(r.trunkListedFirst)
    }
}
