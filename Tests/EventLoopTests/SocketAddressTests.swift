import XCTest
@testable import EventLoop

final class SocketAddressTests: XCTestCase {
    func testParsesIPv4AndBracketedIPv6() {
        let a = SocketAddress.parse("127.0.0.1:8260")
        XCTAssertEqual(a?.ip, "127.0.0.1")
        XCTAssertEqual(a?.port, 8260)
        XCTAssertEqual(a?.isIPv6, false)
        XCTAssertEqual(a?.description, "127.0.0.1:8260")
        let b = SocketAddress.parse("[::1]:80")
        XCTAssertEqual(b?.ip, "::1")
        XCTAssertEqual(b?.isIPv6, true)
        XCTAssertEqual(b?.description, "[::1]:80")
        XCTAssertEqual(SocketAddress.parse("[0:0:0:0:0:0:0:1]:80"), b, "canonical text makes equal addresses equal")
        XCTAssertEqual(SocketAddress.parse("0.0.0.0:0")?.port, 0)
        XCTAssertEqual(SocketAddress.parse("10.0.0.1:65535")?.port, 65535)
    }

    func testRejectsNamesAndJunk() {
        for s in ["localhost:80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:8o", ":80", "::1:80",
                  "[::1]80", "[::1]:", "[::1", "1.2.3.4.5:80", "127.0.0.1:+80", "127.0.0.1:123456", " 127.0.0.1:80"] {
            XCTAssertNil(SocketAddress.parse(s), s)
        }
        XCTAssertNil(SocketAddress(ip: "example.com", port: 1))
    }

    func testResolveNumericAndLocalhostFromHostsFile() {
        XCTAssertEqual(SocketAddress.resolve(host: "127.0.0.1", port: 9), SocketAddress(ip: "127.0.0.1", port: 9))
        let l = SocketAddress.resolve(host: "localhost", port: 9)
        XCTAssertNotNil(l)
        XCTAssertEqual(l?.port, 9)
    }
}
