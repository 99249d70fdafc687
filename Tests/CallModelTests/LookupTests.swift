import XCTest
@testable import CallModel

final class LookupTests: XCTestCase {
    func testCallIsFoundByAgentIdAndByEveryPBXId() throws {
        var t = CallTable(firstID: 7000)
        _ = t.apply(Wire.alert("1589948179.1692", ext: ["106"], sn: nil), now: 1)
        _ = t.apply(Wire.ring("1589948178.1690", ext: ["106"], outbound: Wire.leg("106", "103", "1589948178.1690"), sn: nil), now: 2)
        _ = t.apply(Wire.answer("1589953723.1760", ext: ["106"], outbound: Wire.leg("106", "103", "1589953722.1758")), now: 3)
        let id = CallID(7000)
        XCTAssertEqual(t.call(id: id)?.id, id)
        XCTAssertEqual(t.call(matching: "7000")?.id, id)
        for pbx in ["1589948179.1692", "1589948178.1690", "1589953723.1760", "1589953722.1758"] {
            XCTAssertEqual(t.call(matching: pbx)?.id, id, pbx)
        }
        XCTAssertNil(t.call(matching: "7001"))
        XCTAssertNil(t.call(matching: "1589953722.9999"))
        XCTAssertNil(t.call(matching: ""))
        XCTAssertEqual(id.description, "7000")
    }

    func testCallsAreListedInAgentIdOrder() {
        var t = CallTable()
        for n in 0..<20 { _ = t.apply(Wire.ring("15899500\(n).1", ext: ["2\(n)", "1\(n)"]), now: Int64(n)) }
        XCTAssertEqual(t.calls.map { $0.id.value }, Array(1...20))
        XCTAssertEqual(t.liveCount, 20)
    }
}
