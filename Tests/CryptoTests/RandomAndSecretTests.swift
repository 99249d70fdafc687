import XCTest
@testable import Crypto

final class RandomAndSecretTests: XCTestCase {
    func testRandomBytesHaveTheRequestedLengthAndDiffer() throws {
        XCTAssertEqual(try randomBytes(count: 0), [])
        let a = try randomBytes(count: 32), b = try randomBytes(count: 32)
        XCTAssertEqual(a.count, 32)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(try randomBytes(count: randomBytesLimit).count, randomBytesLimit)
    }

    func testRandomBytesRejectsBadCountsWithATypedError() {
        for bad in [-1, randomBytesLimit + 1, Int.max] {
            XCTAssertThrowsError(try randomBytes(count: bad)) { error in
                guard case CryptoError.invalidArgument(let text) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(text.contains(String(bad)))
            }
        }
    }

    func testRandomHexTokenIsLowercaseHexOfTwiceTheLength() throws {
        let token = try randomHexToken(bytes: 16)
        XCTAssertEqual(token.count, 32)
        XCTAssertTrue(token.allSatisfy { "0123456789abcdef".contains($0) })
        XCTAssertNotEqual(token, try randomHexToken(bytes: 16))
    }

    func testSecretNeverPrints() {
        let s = Secret("hunter2#")
        XCTAssertEqual(s.description, "***")
        XCTAssertEqual("\(s)", "***")
        XCTAssertEqual(String(describing: s), "***")
        XCTAssertEqual(String(reflecting: s), "***")
        XCTAssertEqual("\([s])", "[***]")
        XCTAssertFalse("\(Optional(s) as Any)".contains("hunter2"))
        XCTAssertEqual(s.reveal(), "hunter2#")
        XCTAssertEqual(s.revealBytes(), Array("hunter2#".utf8))
    }

    func testSecretEqualityComparesTheText() {
        XCTAssertEqual(Secret("abc"), Secret("abc"))
        XCTAssertNotEqual(Secret("abc"), Secret("abd"))
        XCTAssertNotEqual(Secret("abc"), Secret("abcd"))
        XCTAssertEqual(Secret(""), Secret(""))
    }

    func testErrorMessagesReadForAnAdmin() {
        XCTAssertEqual(CryptoError.randomUnavailable(detail: "error:xyz").message,
                       "no random bytes from OpenSSL (RAND_bytes failed: error:xyz); check that the kernel offers getrandom or /dev/urandom")
        XCTAssertEqual(CryptoError.invalidBase64(offset: 3, reason: "r").description, "invalid base64 at offset 3: r")
    }

    func testLastOpenSSLErrorWithAnEmptyQueue() {
        XCTAssertEqual(lastOpenSSLError(), "no OpenSSL error recorded")
    }
}
