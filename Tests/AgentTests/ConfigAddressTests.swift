import XCTest
@testable import Agent

final class ConfigAddressTests: XCTestCase {
    typealias IP = AgentConfig.IPAddress

    func testIPv4Parsing() {
        XCTAssertEqual(IP("0.0.0.0"), .v4(0))
        XCTAssertEqual(IP("192.168.1.10"), .v4(0xc0a8_010a))
        XCTAssertEqual(IP("255.255.255.255"), .v4(0xffff_ffff))
        XCTAssertEqual(IP("10.0.0.1")?.bytes, [10, 0, 0, 1])
        for bad in ["", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "256.0.0.0", "1..2.3", " 1.2.3.4", "1.2.3.4 ",
                    "+1.2.3.4", "1.2.3.-4", "1.2.3.4/8", "a.b.c.d", "1.2.3.4.", "0x1.2.3.4", "1234.1.1.1"] {
            XCTAssertNil(IP(bad), bad)
        }
    }

    func testIPv6ParsingAndRFC5952Text() {
        let cases: [(String, String)] = [
            ("::", "::"),
            ("::1", "::1"),
            ("1::", "1::"),
            ("FE80::1", "fe80::1"),
            ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:0:0:0:2:0:0:3", "1::2:0:0:3"),
            ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
            ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
            ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),
            ("::FFFF:0a00:0001", "::ffff:10.0.0.1"),
            ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
            ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        ]
        for (text, canonical) in cases {
            XCTAssertEqual(IP(text)?.description, canonical, text)
            XCTAssertEqual(IP(canonical), IP(text), canonical)
        }
        XCTAssertEqual(IP("::1")?.bytes, [UInt8](repeating: 0, count: 15) + [1])
        for bad in [":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1", "1:", "1:2:3:4:5:6:7:8::",
                    "fe80::1%eth0", "::1.2.3", "1.2.3.4::", "::ffff:256.0.0.1", "g::1", "[::1]", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4"] {
            XCTAssertNil(IP(bad), bad)
        }
    }

    func testCIDRContains() throws {
        let list = try XCTUnwrap(ConfigValue.allowList("10.0.0.0/8, 192.168.1.10, fd00::/8, ::ffff:172.16.0.0/108").get())
        for yes in ["10.0.0.0", "10.255.255.255", "192.168.1.10", "fd12::1", "::ffff:10.1.2.3", "::ffff:192.168.1.10",
                    "172.16.0.1", "172.31.255.255", "::ffff:172.16.0.1"] {
            XCTAssertTrue(list.contains(ip: yes), yes)
        }
        for no in ["11.0.0.1", "192.168.1.11", "fe80::1", "::1", "::10.1.2.3", "172.32.0.1", "", "not an ip", "10.0.0.1/8"] {
            XCTAssertFalse(list.contains(ip: no), no)
        }
        let all = try XCTUnwrap(ConfigValue.allowList("0.0.0.0/0").get())
        XCTAssertTrue(all.contains(ip: "203.0.113.9"))
        XCTAssertTrue(all.contains(ip: "::ffff:203.0.113.9"))
        XCTAssertFalse(all.contains(ip: "2001:db8::1"))
        let all6 = try XCTUnwrap(ConfigValue.allowList("::/0").get())
        XCTAssertTrue(all6.contains(ip: "2001:db8::1"))
        XCTAssertTrue(all6.contains(ip: "203.0.113.9"))
    }

    func testCIDRPrefixEdges() {
        XCTAssertNotNil(AgentConfig.CIDR(network: .v4(0x8000_0000), prefixLength: 1))
        XCTAssertNil(AgentConfig.CIDR(network: .v4(0x8000_0001), prefixLength: 31))
        XCTAssertNotNil(AgentConfig.CIDR(network: .v4(0x8000_0001), prefixLength: 32))
        XCTAssertNil(AgentConfig.CIDR(network: .v4(0), prefixLength: 33))
        XCTAssertNil(AgentConfig.CIDR(network: .v4(0), prefixLength: -1))
        XCTAssertNotNil(AgentConfig.CIDR(network: .v6(high: 1, low: 0), prefixLength: 64))
        XCTAssertNil(AgentConfig.CIDR(network: .v6(high: 1, low: 1), prefixLength: 64))
        XCTAssertNotNil(AgentConfig.CIDR(network: .v6(high: 1, low: 1), prefixLength: 128))
        XCTAssertNil(AgentConfig.CIDR(network: .v6(high: 0, low: 0x8000), prefixLength: 112))
        let net65 = AgentConfig.CIDR(network: .v6(high: 0x2001_0db8_0000_0000, low: 0), prefixLength: 65)
        XCTAssertEqual(net65?.contains(.v6(high: 0x2001_0db8_0000_0000, low: 0x7fff_ffff_ffff_ffff)), true)
        XCTAssertEqual(net65?.contains(.v6(high: 0x2001_0db8_0000_0000, low: 0x8000_0000_0000_0000)), false)
        XCTAssertEqual(net65?.description, "2001:db8::/65")
    }

    func testHostPortText() {
        XCTAssertEqual(AgentConfig.HostPort(host: .v4(0x7f00_0001), port: 8261).description, "127.0.0.1:8261")
        XCTAssertEqual(AgentConfig.HostPort(host: .v6(high: 0, low: 1), port: 8261).description, "[::1]:8261")
    }

    func testDurationAndSizeFormatting() {
        XCTAssertEqual(ConfigValue.formatDuration(0), "0s")
        XCTAssertEqual(ConfigValue.formatDuration(1_500), "1500ms")
        XCTAssertEqual(ConfigValue.formatDuration(3_600_000), "3600s")
        XCTAssertEqual(ConfigValue.formatSize(0), "0")
        XCTAssertEqual(ConfigValue.formatSize(1000), "1000")
        XCTAssertEqual(ConfigValue.formatSize(1024), "1KiB")
        XCTAssertEqual(ConfigValue.formatSize(1536 * 1024), "1536KiB")
        XCTAssertEqual(ConfigValue.formatSize(4 * 1024 * 1024), "4MiB")
    }

    func testDurationUnits() {
        let range: ClosedRange<Int64> = 0...Int64.max
        XCTAssertEqual(try ConfigValue.duration("500ms", range).get(), 500)
        XCTAssertEqual(try ConfigValue.duration("30s", range).get(), 30_000)
        XCTAssertEqual(try ConfigValue.duration("30", range).get(), 30_000)
        XCTAssertEqual(try ConfigValue.duration("5m", range).get(), 300_000)
        XCTAssertEqual(try ConfigValue.duration("1h", range).get(), 3_600_000)
        XCTAssertEqual(try ConfigValue.duration("007s", range).get(), 7_000)
        // 18 digits of hours overflow Int64 milliseconds: rejected, not wrapped.
        XCTAssertThrowsError(try ConfigValue.duration("999999999999999999h", range).get())
        XCTAssertEqual(try ConfigValue.duration("999999999999999999ms", range).get(), 999_999_999_999_999_999)
    }
}
