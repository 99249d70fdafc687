import XCTest
import JSON

final class JSONNumberTests: XCTestCase {
    func testNumberTextRoundTripsExactly() throws {
        for text in ["1e400", "-0", "12345678901234567890", "1E+2", "0.1000", "-1.5e-7", "0",
                     "123456789012345678901234567890.123456789e-5", "4.9e-324", "1e-400"] {
            let v = try JSON.parse(text)
            XCTAssertEqual(v, .number(JSONNumber(text: text)!))
            XCTAssertEqual(JSON.serializeString(v), text)
            XCTAssertEqual(JSON.serializeString(.array([v])), "[" + text + "]")
        }
    }

    func testTextValidation() {
        for good in ["0", "-0", "1", "10", "1.0", "1e5", "1E-5", "-1.25e+10"] {
            XCTAssertNotNil(JSONNumber(text: good), good)
        }
        for bad in ["", "-", "+1", "01", "1.", ".1", "1e", "1e+", "NaN", "Infinity", " 1", "1 ", "0x1", "1_000"] {
            XCTAssertNil(JSONNumber(text: bad), bad)
        }
    }

    func testInt64IsExactIntegersOnly() {
        XCTAssertEqual(JSONNumber(text: "9223372036854775807")!.int64, Int64.max)
        XCTAssertEqual(JSONNumber(text: "-9223372036854775808")!.int64, Int64.min)
        XCTAssertNil(JSONNumber(text: "9223372036854775808")!.int64)
        XCTAssertNil(JSONNumber(text: "-9223372036854775809")!.int64)
        XCTAssertNil(JSONNumber(text: "12345678901234567890")!.int64)
        XCTAssertEqual(JSONNumber(text: "-0")!.int64, 0)
        XCTAssertEqual(JSONNumber(text: "480")!.int64, 480)
        XCTAssertNil(JSONNumber(text: "1.0")!.int64)
        XCTAssertNil(JSONNumber(text: "1e2")!.int64)
        XCTAssertEqual(JSONNumber(Int64.min).text, "-9223372036854775808")
        XCTAssertEqual(JSONValue.int(42), .number(JSONNumber(text: "42")!))
    }

    func testDoubleEdgeCases() {
        let cases: [(String, Double?)] = [
            ("0", 0), ("-0", -0.0), ("1", 1), ("0.1", 0.1), ("1e23", 1e23),
            ("1.7976931348623157e308", .greatestFiniteMagnitude),
            ("1.7976931348623158e308", .greatestFiniteMagnitude),
            ("1.7976931348623159e308", nil),
            ("1e400", nil), ("-1e400", nil),
            ("4.9e-324", .leastNonzeroMagnitude),
            ("2.4703282292062327e-324", 0),
            ("2.4703282292062328e-324", .leastNonzeroMagnitude),
            ("2.2250738585072011e-308", Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)),
            ("2.2250738585072014e-308", .leastNormalMagnitude),
            ("9007199254740993", 9007199254740992),
            ("9007199254740995", 9007199254740996),
            ("1e-400", 0), ("-1e-400", -0.0),
            ("12345678901234567890", 12345678901234567890.0),
        ]
        for (text, expected) in cases {
            let got = JSONNumber(text: text)!.double
            if let e = expected {
                XCTAssertEqual(got?.bitPattern, e.bitPattern, text)
            } else {
                XCTAssertNil(got, text)
            }
        }
    }

    /// The hand-written conversion agrees bit for bit with the host's strtod-backed `Double(String)`.
    func testDoubleMatchesHostConversion() {
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<10_000 {
            var text = rng.next() % 4 == 0 ? "-" : ""
            let intDigits = Int(rng.next() % 25) + 1
            for k in 0..<intDigits { text += String(k == 0 ? rng.next() % 9 + 1 : rng.next() % 10) }
            if rng.next() % 2 == 0 {
                text += "."
                for _ in 0..<(Int(rng.next() % 30) + 1) { text += String(rng.next() % 10) }
            }
            if rng.next() % 2 == 0 {
                let e = Int(rng.next() % 700) - 350
                text += "e" + String(e)
            }
            let expected = Double(text)!
            let got = JSONNumber(text: text)!.double
            if expected.isInfinite {
                XCTAssertNil(got, text)
            } else {
                XCTAssertEqual(got?.bitPattern, expected.bitPattern, text)
            }
        }
    }

    func testVeryLongMantissaRoundsCorrectly() {
        // Exactly halfway between 1 and the next Double, then nudged by a digit far beyond 780.
        let half = "1.00000000000000011102230246251565404236316680908203125"
        XCTAssertEqual(JSONNumber(text: half)!.double, 1.0)  // tie goes to even
        let nudged = half + String(repeating: "0", count: 1000) + "1"
        XCTAssertEqual(JSONNumber(text: nudged)!.double, 1.0000000000000002)
        XCTAssertEqual(Double(nudged), 1.0000000000000002)
    }
}

/// Deterministic generator for tests (no seeding from the clock).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
