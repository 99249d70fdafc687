import XCTest
import Crypto

final class Base64Tests: XCTestCase {
    /// RFC 4648 §10.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    func testEncodeMatchesRFC4648() {
        for (plain, encoded) in Self.vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.encode(Array(plain.utf8), alphabet: .url), encoded)
            XCTAssertEqual(Base64.encode(Array(plain.utf8), padding: false), encoded.replacingOccurrences(of: "=", with: ""))
        }
    }

    func testDecodeMatchesRFC4648() throws {
        for (plain, encoded) in Self.vectors {
            XCTAssertEqual(try Base64.decode(encoded), Array(plain.utf8))
            XCTAssertEqual(try Base64.decode(encoded, padding: .optional), Array(plain.utf8))
            let bare = encoded.replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(try Base64.decode(bare, alphabet: .url, padding: .forbidden), Array(plain.utf8))
            XCTAssertEqual(try Base64.decode(bare, alphabet: .url, padding: .optional), Array(plain.utf8))
        }
    }

    func testAlphabetsDifferOnlyInTwoCharacters() throws {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf]
        XCTAssertEqual(Base64.encode(bytes), "+/+/")
        XCTAssertEqual(Base64.encode(bytes, alphabet: .url), "-_-_")
        XCTAssertEqual(try Base64.decode("+/+/"), bytes)
        XCTAssertEqual(try Base64.decode("-_-_", alphabet: .url), bytes)
    }

    func testRoundTripsEveryLengthAndByte() throws {
        var rng = SystemRandomNumberGenerator()
        for length in 0...200 {
            let input = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for alphabet in [Base64.Alphabet.standard, .url] {
                XCTAssertEqual(try Base64.decode(Base64.encode(input, alphabet: alphabet), alphabet: alphabet), input)
                XCTAssertEqual(try Base64.decode(Base64.encode(input, alphabet: alphabet, padding: false),
                                                 alphabet: alphabet, padding: .forbidden), input)
            }
        }
    }

    /// Every 1–3 character input over a small alphabet either decodes to bytes that encode back
    /// to exactly the same text, or is rejected: strict decoding accepts one spelling per value.
    func testStrictDecodingAcceptsOnlyCanonicalText() {
        let symbols = Array("AQgw/+=Z".utf8)
        var inputs: [[UInt8]] = [[]]
        for _ in 0..<4 { inputs = inputs + inputs.flatMap { p in symbols.map { p + [$0] } } }
        for input in Set(inputs) {
            let text = String(decoding: input, as: UTF8.self)
            if let decoded = try? Base64.decode(text) {
                XCTAssertEqual(Base64.encode(decoded), text)
            }
        }
    }

    private func assertRejects(_ text: String, alphabet: Base64.Alphabet = .standard, padding: Base64.Padding = .required,
                               offset: Int, reason: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Base64.decode(text, alphabet: alphabet, padding: padding), file: file, line: line) { error in
            guard case CryptoError.invalidBase64(let o, let r) = error else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(o, offset, "offset for \(text)", file: file, line: line)
            XCTAssertTrue(r.contains(reason), "\"\(r)\" should contain \"\(reason)\"", file: file, line: line)
        }
    }

    func testInvalidInputIsRejectedWithOffsetAndReason() {
        assertRejects("Zm9v!mFy", offset: 4, reason: "character '!' is not in the standard base64 alphabet")
        assertRejects("Zm9v YmFy", offset: 4, reason: "byte 0x20 is not in the standard base64 alphabet (whitespace")
        assertRejects("Zm9v\nYmFy", offset: 4, reason: "byte 0x0a")
        assertRejects("Zm9vYmFy\r\n", offset: 8, reason: "byte 0x0d")
        assertRejects("-_-_", offset: 0, reason: "(URL-safe input?)")
        assertRejects("+/+/", alphabet: .url, offset: 0, reason: "(standard-alphabet input?)")
        assertRejects("Zm\u{e9}v", offset: 2, reason: "byte 0xc3")
        assertRejects("Zg=a", offset: 2, reason: "'=' padding before the end")
        assertRejects("Z===", offset: 1, reason: "'=' padding before the end")
        assertRejects("Zm9v====", offset: 4, reason: "'=' padding before the end")
        assertRejects("Zm9vY", offset: 4, reason: "a final group of one character cannot encode a byte")
        assertRejects("Zg", offset: 2, reason: "length 2 is not a multiple of 4")
        assertRejects("Zm8", offset: 3, reason: "length 3 is not a multiple of 4")
        assertRejects("Zg=", offset: 3, reason: "length 3 is not a multiple of 4")
        assertRejects("Zm9v=", offset: 5, reason: "not a multiple of 4")
        assertRejects("Zm9vYmFy==", offset: 10, reason: "not a multiple of 4")
        assertRejects("Zg=", padding: .optional, offset: 3, reason: "incomplete '=' padding")
        assertRejects("Zm9v==", padding: .optional, offset: 6, reason: "incomplete '=' padding")
        assertRejects("Zg==", padding: .forbidden, offset: 2, reason: "'=' padding is not allowed")
        assertRejects("Zm9=", offset: 2, reason: "non-zero trailing bits")
        assertRejects("Zh==", offset: 1, reason: "non-zero trailing bits")
        assertRejects("Zm9", padding: .forbidden, offset: 2, reason: "non-zero trailing bits")
    }

    func testErrorDescriptionNamesOffsetAndReason() {
        XCTAssertThrowsError(try Base64.decode("Zm9v!mFy")) { error in
            XCTAssertEqual((error as? CryptoError)?.message,
                           "invalid base64 at offset 4: character '!' is not in the standard base64 alphabet")
        }
    }
}
