import XCTest
@testable import EventLoop

final class TimeFormatTests: XCTestCase {
    func testFormatsUTCWithMilliseconds() {
        XCTAssertEqual(TimeFormat.iso8601(ms: 0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: 1_795_708_960_123), "2026-11-26T16:02:40.123Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: 951_782_400_000), "2000-02-29T00:00:00.000Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: 1_709_251_199_999), "2024-02-29T23:59:59.999Z")
    }

    func testDatesPast2038() {
        // 2^31 seconds: where a 32-bit time_t wraps.
        XCTAssertEqual(TimeFormat.iso8601(ms: 2_147_483_648_000), "2038-01-19T03:14:08.000Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: 4_102_444_800_000), "2100-01-01T00:00:00.000Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: 253_402_300_799_999), "9999-12-31T23:59:59.999Z")
    }

    func testNegativeMilliseconds() {
        XCTAssertEqual(TimeFormat.iso8601(ms: -1), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: -1000), "1969-12-31T23:59:59.000Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: -1001), "1969-12-31T23:59:58.999Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: -86_400_000), "1969-12-31T00:00:00.000Z")
        XCTAssertEqual(TimeFormat.iso8601(ms: -2_208_988_800_000), "1900-01-01T00:00:00.000Z")
    }

    func testAgreesWithFoundationOnManyInstants() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let ms = Int64(x % 8_000_000_000_000) - 2_000_000_000_000
            let expected = f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
            XCTAssertEqual(TimeFormat.iso8601(ms: ms), expected, "ms=\(ms)")
            XCTAssertEqual(TimeFormat.parseISO8601(TimeFormat.iso8601(ms: ms)), ms)
        }
    }

    func testParsesOffsetsAndFractions() {
        XCTAssertEqual(TimeFormat.parseISO8601("2026-11-26T16:02:40.123Z"), 1_795_708_960_123)
        XCTAssertEqual(TimeFormat.parseISO8601("2026-11-26T17:02:40.123+01:00"), 1_795_708_960_123)
        XCTAssertEqual(TimeFormat.parseISO8601("2026-11-26T11:02:40.1234567-05:00"), 1_795_708_960_123)
        XCTAssertEqual(TimeFormat.parseISO8601("2026-11-26 16:02:40z"), 1_795_708_960_000)
        XCTAssertEqual(TimeFormat.parseISO8601("2026-11-26T16:02:40.5Z"), 1_795_708_960_500)
        XCTAssertEqual(TimeFormat.parseISO8601("1969-12-31T23:59:59.999Z"), -1)
        XCTAssertEqual(TimeFormat.parseISO8601("2100-01-01T00:00:00Z"), 4_102_444_800_000)
    }

    func testRejectsMalformed() {
        for s in ["", "2026-11-26", "2026-11-26T16:02:40", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                  "2026-04-31T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T16:60:00Z", "2026-11-26T16:02:60Z",
                  "2026-11-26T16:02:40.Z", "2026-11-26T16:02:40Zx", "2026-11-26T16:02:40+0100", "26-11-26T16:02:40Z",
                  "2026-11-26T16:02:40+24:00", "２026-11-26T16:02:40Z"] {
            XCTAssertNil(TimeFormat.parseISO8601(s), s)
        }
        XCTAssertNotNil(TimeFormat.parseISO8601("2024-02-29T00:00:00Z"))
        XCTAssertNotNil(TimeFormat.parseISO8601("2000-02-29T00:00:00Z"))
        XCTAssertNil(TimeFormat.parseISO8601("1900-02-29T00:00:00Z"))
    }
}
