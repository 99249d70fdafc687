import XCTest
@testable import Crypto

final class DigestTests: XCTestCase {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// RFC 1321 appendix A.5, plus the PBX login example (md5 of "123456").
    static let md5Vectors: [(String, String)] = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
        ("123456", "e10adc3949ba59abbe56e057f20f883e"),
    ]

    func testMD5MatchesRFC1321Vectors() {
        for (input, expected) in Self.md5Vectors {
            XCTAssertEqual(md5Hex(bytes(input)), expected, "md5(\"\(input)\")")
            XCTAssertEqual(hex(SoftwareDigest.md5(bytes(input))), expected, "software md5(\"\(input)\")")
        }
    }

    func testMD5OfThePBXExamplePassword() {
        XCTAssertEqual(md5Hex(Array("123456".utf8)), "e10adc3949ba59abbe56e057f20f883e")
    }

    /// FIPS 180-2 appendix B examples and the empty string.
    func testSHA256MatchesFIPSVectors() {
        let vectors: [([UInt8], String)] = [
            (bytes(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (bytes("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ([UInt8](repeating: 0x61, count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ]
        for (input, expected) in vectors {
            XCTAssertEqual(hex(sha256(input)), expected)
            XCTAssertEqual(hex(SoftwareDigest.sha256(input)), expected)
        }
    }

    /// RFC 4231 §4.2–4.8 (the RFC truncates case 5 to 128 bits).
    func testHMACSHA256MatchesRFC4231() {
        let big = [UInt8](repeating: 0xaa, count: 131)
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            ([UInt8](repeating: 0x0b, count: 20), bytes("Hi There"),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (bytes("Jefe"), bytes("what do ya want for nothing?"),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (Array(1...25), [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0x0c, count: 20), bytes("Test With Truncation"),
             "a3b6167473100ee06e0c796c2955552b"),
            (big, bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (big, bytes("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (i, c) in cases.enumerated() {
            let n = c.mac.count / 2
            XCTAssertEqual(hex(Array(hmacSHA256(key: c.key, data: c.data).prefix(n))), c.mac, "RFC 4231 case \(i + 1)")
            XCTAssertEqual(hex(Array(SoftwareDigest.hmacSHA256(key: c.key, data: c.data).prefix(n))), c.mac, "software, case \(i + 1)")
            XCTAssertEqual(hmacSHA256(key: c.key, data: c.data).count, 32)
        }
    }

    func testHMACWithEmptyKeyAndData() {
        // OpenSSL 3 reads a NULL key as "no key"; the wrapper must still compute HMAC("", "").
        let expected = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        XCTAssertEqual(opensslHMACSHA256(key: [], data: []).map(hex), expected)
        XCTAssertEqual(hex(hmacSHA256(key: [], data: [])), expected)
        XCTAssertEqual(hex(SoftwareDigest.hmacSHA256(key: [], data: [])), expected)
    }

    /// The portable fallbacks agree with OpenSSL on every length around the block boundaries.
    func testSoftwareDigestsAgreeWithOpenSSL() {
        var rng = SystemRandomNumberGenerator()
        for length in Array(0...130) + [1000, 4095, 4096, 65_537] {
            let input = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertEqual(SoftwareDigest.md5(input), md5(input), "md5 length \(length)")
            XCTAssertEqual(SoftwareDigest.sha256(input), sha256(input), "sha256 length \(length)")
            let key = Array(input.prefix(length % 150))
            XCTAssertEqual(SoftwareDigest.hmacSHA256(key: key, data: input), opensslHMACSHA256(key: key, data: input),
                           "hmac length \(length)")
        }
    }

    func testHexIsLowercaseTwoDigitsPerByte() {
        XCTAssertEqual(hex([]), "")
        XCTAssertEqual(hex([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff")
    }

    func testConstantTimeEqual() {
        XCTAssertTrue(constantTimeEqual([], []))
        XCTAssertTrue(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(constantTimeEqual([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(constantTimeEqual([1, 2, 3], [1, 2]))
        XCTAssertFalse(constantTimeEqual([], [0]))
    }
}
