import XCTest
@testable import CallModel

final class ReportTests: XCTestCase {
    func testFNV1aMatchesPublishedVectors() {
        XCTAssertEqual(fnv1a64(Array("".utf8)), 0xcbf29ce484222325)
        XCTAssertEqual(fnv1a64(Array("a".utf8)), 0xaf63dc4c8601ec8c)
        XCTAssertEqual(fnv1a64(Array("foobar".utf8)), 0x85944171f73967e8)
    }
}
