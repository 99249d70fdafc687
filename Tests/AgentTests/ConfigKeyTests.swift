import XCTest
@testable import Agent

/// Every key: accepted values (with what they parse to), rejected values (with the exact
/// message), and the edges of every range.
final class ConfigKeyTests: XCTestCase {
    private func accepts<T: Equatable>(_ section: String, _ key: String, _ value: String, _ expected: T,
                                       _ field: (AgentConfig) -> T, file: StaticString = #filePath, line: UInt = #line) {
        guard let config = parsed(withKey(section, key, value), file: file, line: line) else { return }
        XCTAssertEqual(field(config), expected, "[\(section)] \(key) = \(value)", file: file, line: line)
    }

    private func rejects(_ section: String, _ key: String, _ value: String, _ message: String,
                         file: StaticString = #filePath, line: UInt = #line) {
        guard let error = rejected(withKey(section, key, value), file: file, line: line) else { return }
        XCTAssertEqual(error.description, "ucagent.conf:\(lineOfKey(section, key)): [\(section)] \(key): \(message)",
                       "[\(section)] \(key) = \(value)", file: file, line: line)
    }

    func testTheExampleMessageFromTheDocumentation() throws {
        let text = """
        ; ucagent.conf
        [agent]
        state_dir = /var/lib/ucagent

        [pbx]
        url = http://192.168.1.10:9011
        username = api
        password = 123456
        ; every heartbeat also re-registers the report address


        heartbeat_interval = 2s
        """
        let error = try XCTUnwrap(rejected(text))
        XCTAssertEqual(error.file, "ucagent.conf")
        XCTAssertEqual(error.line, 12)
        XCTAssertEqual(error.key, "[pbx] heartbeat_interval")
        XCTAssertEqual(error.message, "expected a duration between 5s and 1500s, got \"2s\"")
        XCTAssertEqual(error.description, "ucagent.conf:12: [pbx] heartbeat_interval: expected a duration between 5s and 1500s, got \"2s\"")
    }

    func testStateDir() {
        accepts("agent", "state_dir", "/data/ucagent", "/data/ucagent") { $0.agent.stateDir }
        accepts("agent", "state_dir", "/data/ucagent//", "/data/ucagent") { $0.agent.stateDir }
        accepts("agent", "state_dir", "/", "/") { $0.agent.stateDir }
        accepts("agent", "state_dir", "/", "/dead-letter.jsonl") { $0.reports.deadLetterPath }
        accepts("agent", "state_dir", "\"/data/my state\"", "/data/my state/dead-letter.jsonl") { $0.reports.deadLetterPath }
        rejects("agent", "state_dir", "var/lib/ucagent", "expected an absolute path (starting with /), got \"var/lib/ucagent\"")
        rejects("agent", "state_dir", "/" + String(repeating: "a", count: 1024), "the path is 1025 bytes; the limit is 1024")
    }

    func testURL() {
        accepts("pbx", "url", "http://192.168.1.10:9011", "http://192.168.1.10:9011") { $0.pbx.url.description }
        accepts("pbx", "url", "http://192.168.1.10", 80) { $0.pbx.url.port }
        accepts("pbx", "url", "https://192.168.1.10", 443) { $0.pbx.url.port }
        accepts("pbx", "url", "https://192.168.1.10:1", 1) { $0.pbx.url.port }
        accepts("pbx", "url", "http://192.168.1.10:65535/", 65535) { $0.pbx.url.port }
        accepts("pbx", "url", "HTTP://192.168.1.10", .http) { $0.pbx.url.scheme }
        accepts("pbx", "url", "http://[FD00::10]:9011", "http://[fd00::10]:9011") { $0.pbx.url.description }
        accepts("pbx", "url", "http://[fd00::10]:9011", "[fd00::10]:9011") { $0.pbx.url.authority }
        accepts("pbx", "url", "http://[fd00::10]", "fd00::10") { $0.pbx.url.hostText }
        let named = withKey("pbx", "url", "https://PBX-1.example.lan:8443") + "[reports]\nallow = 192.168.1.10\n"
        XCTAssertEqual(parsed(named)?.pbx.url.host, .name("pbx-1.example.lan"))
        rejects("pbx", "url", "192.168.1.10:9011", "expected a url starting with http:// or https://, got \"192.168.1.10:9011\"")
        rejects("pbx", "url", "ftp://192.168.1.10", "expected a url starting with http:// or https://, got \"ftp://192.168.1.10\"")
        rejects("pbx", "url", "http://192.168.1.10:9011/api/v0.0.1",
                "expected a url without path, query or fragment (the API prefix is api_path), got \"http://192.168.1.10:9011/api/v0.0.1\"")
        rejects("pbx", "url", "http://192.168.1.10?x=1",
                "expected a url without path, query or fragment (the API prefix is api_path), got \"http://192.168.1.10?x=1\"")
        rejects("pbx", "url", "http://192.168.1.10//",
                "expected a url without path, query or fragment (the API prefix is api_path), got \"http://192.168.1.10//\"")
        rejects("pbx", "url", "http://admin:s3cret@192.168.1.10",
                "user info (user:password@) in the url is not supported; use username and password")
        rejects("pbx", "url", "http://192.168.1.10:0", "expected a port 1–65535 in the url, got \"http://192.168.1.10:0\"")
        rejects("pbx", "url", "http://192.168.1.10:65536", "expected a port 1–65535 in the url, got \"http://192.168.1.10:65536\"")
        rejects("pbx", "url", "http://192.168.1.10:", "expected a port 1–65535 in the url, got \"http://192.168.1.10:\"")
        rejects("pbx", "url", "http://192.168.1.10:80x", "expected a port 1–65535 in the url, got \"http://192.168.1.10:80x\"")
        rejects("pbx", "url", "http://256.1.1.1", "invalid IPv4 address in the url, got \"http://256.1.1.1\"")
        rejects("pbx", "url", "http://192.168.1", "invalid IPv4 address in the url, got \"http://192.168.1\"")
        rejects("pbx", "url", "http://", "expected a host after http://, got \"http://\"")
        rejects("pbx", "url", "http://:80", "expected a host after http://, got \"http://:80\"")
        rejects("pbx", "url", "http://[::1", "invalid IPv6 address in brackets in the url, got \"http://[::1\"")
        rejects("pbx", "url", "http://[1.2.3.4]", "invalid IPv6 address in brackets in the url, got \"http://[1.2.3.4]\"")
        rejects("pbx", "url", "http://[::1]x", "expected ':port' after ']' in the url, got \"http://[::1]x\"")
        rejects("pbx", "url", "http://-pbx.lan", "invalid host name in the url (letters, digits, '-' and dots), got \"http://-pbx.lan\"")
        rejects("pbx", "url", "http://pbx_1.lan", "invalid host name in the url (letters, digits, '-' and dots), got \"http://pbx_1.lan\"")
        rejects("pbx", "url", "http://pbx.lan.123", "invalid host name in the url (letters, digits, '-' and dots), got \"http://pbx.lan.123\"")
    }

    func testAPIPath() {
        accepts("pbx", "api_path", "/api/v1.1.0", "/api/v1.1.0") { $0.pbx.apiPath }
        accepts("pbx", "api_path", "/a-b_c~d", "/a-b_c~d") { $0.pbx.apiPath }
        let problem = "expected a path such as /report: '/' and segments of letters, digits, '-', '.', '_', '~' (not / alone), got "
        for bad in ["api/v0.0.1", "/", "/api/", "/api//v1", "/api/../x", "/api/./x", "/api?x", "/a%20b"] {
            rejects("pbx", "api_path", bad, problem + "\"" + bad + "\"")
        }
    }

    func testUsername() {
        accepts("pbx", "username", "xiaoshao", "xiaoshao") { $0.pbx.username }
        accepts("pbx", "username", String(repeating: "u", count: 64), String(repeating: "u", count: 64)) { $0.pbx.username }
        rejects("pbx", "username", String(repeating: "u", count: 65), "expected a user name of at most 64 bytes, got 65 bytes")
    }

    func testCAFileOnlyWithHTTPS() {
        let https = withKey("pbx", "url", "https://192.168.1.10") + "ca_file = /etc/ca.pem\n"
        XCTAssertEqual(parsed(https)?.pbx.caFile, "/etc/ca.pem")
        let error = rejected(withKey("pbx", "ca_file", "/etc/ca.pem"))
        XCTAssertEqual(error?.description, "ucagent.conf:5: [pbx] ca_file: ca_file is only used with an https url, but [pbx] url is http://192.168.1.10:9011")
        let relative = rejected(withKey("pbx", "url", "https://192.168.1.10") + "ca_file = ca.pem\n")
        XCTAssertEqual(relative?.description, "ucagent.conf:5: [pbx] ca_file: expected an absolute path (starting with /), got \"ca.pem\"")
        let directory = rejected(withKey("pbx", "url", "https://192.168.1.10") + "ca_file = /etc/ssl/\n")
        XCTAssertEqual(directory?.description, "ucagent.conf:5: [pbx] ca_file: expected a file path, got a directory (ends with /): \"/etc/ssl/\"")
    }

    func testHeartbeatIntervalRange() {
        accepts("pbx", "heartbeat_interval", "5s", 5_000) { $0.pbx.heartbeatIntervalMs }
        accepts("pbx", "heartbeat_interval", "5000ms", 5_000) { $0.pbx.heartbeatIntervalMs }
        accepts("pbx", "heartbeat_interval", "1500s", 1_500_000) { $0.pbx.heartbeatIntervalMs }
        accepts("pbx", "heartbeat_interval", "25m", 1_500_000) { $0.pbx.heartbeatIntervalMs }
        accepts("pbx", "heartbeat_interval", "300", 300_000) { $0.pbx.heartbeatIntervalMs }
        for bad in ["4999ms", "4s", "1500001ms", "26m", "1h", "0"] {
            rejects("pbx", "heartbeat_interval", bad, "expected a duration between 5s and 1500s, got \"\(bad)\"")
        }
        for bad in ["5 s", "5S", "5sec", "1.5m", "-5s", "+5s", "5m30s", "s", "99999999999999999999s"] {
            rejects("pbx", "heartbeat_interval", bad,
                    "expected a duration between 5s and 1500s (e.g. 500ms, 30s, 5m, 1h; a bare number is seconds), got \"\(bad)\"")
        }
    }

    func testReconcileIntervalRange() {
        accepts("pbx", "reconcile_interval", "1s", 1_000) { $0.pbx.reconcileIntervalMs }
        accepts("pbx", "reconcile_interval", "1h", 3_600_000) { $0.pbx.reconcileIntervalMs }
        rejects("pbx", "reconcile_interval", "999ms", "expected a duration between 1s and 3600s, got \"999ms\"")
        rejects("pbx", "reconcile_interval", "3601s", "expected a duration between 1s and 3600s, got \"3601s\"")
    }

    func testRequestTimeoutRange() {
        accepts("pbx", "request_timeout", "100ms", 100) { $0.pbx.requestTimeoutMs }
        accepts("pbx", "request_timeout", "1m", 60_000) { $0.pbx.requestTimeoutMs }
        rejects("pbx", "request_timeout", "99ms", "expected a duration between 100ms and 60s, got \"99ms\"")
        rejects("pbx", "request_timeout", "60001ms", "expected a duration between 100ms and 60s, got \"60001ms\"")
    }

    func testReportVersion() {
        accepts("pbx", "report_version", "1.0.2", "1.0.2") { $0.pbx.reportVersion }
        accepts("pbx", "report_version", "0.0.1", "0.0.1") { $0.pbx.reportVersion }
        for bad in ["1.0", "v1.0.2", "1.0.2.3", "1..2", "1.0.2a", "1000.0.0"] {
            rejects("pbx", "report_version", bad, "expected a version of three numbers such as 1.0.2 or 0.0.1, got \"\(bad)\"")
        }
    }

    func testReportsListen() {
        accepts("reports", "listen", "192.168.1.20:8260", "192.168.1.20:8260") { $0.reports.listen.description }
        accepts("reports", "listen", "[::]:0", "[::]:0") { $0.reports.listen.description }
        accepts("reports", "listen", "[::1]:65535", "[::1]:65535") { $0.reports.listen.description }
        rejects("reports", "listen", "8260", "expected address:port such as 0.0.0.0:8260 or [::]:8260, got \"8260\"")
        rejects("reports", "listen", "localhost:8260",
                "expected an IP address before the port (no host names: nothing here resolves them), got \"localhost:8260\"")
        rejects("reports", "listen", "::1:8260", "an IPv6 address needs brackets, e.g. [::1]:8260, got \"::1:8260\"")
        rejects("reports", "listen", "0.0.0.0:65536", "expected a port 0–65535 after the address, got \"0.0.0.0:65536\"")
        rejects("reports", "listen", "0.0.0.0:", "expected a port 0–65535 after the address, got \"0.0.0.0:\"")
        rejects("reports", "listen", "[::1]8260", "expected [IPv6 address]:port such as [::1]:8260, got \"[::1]8260\"")
        rejects("reports", "listen", "[1.2.3.4]:8260", "invalid IPv6 address in brackets, got \"[1.2.3.4]:8260\"")
    }

    func testAdvertise() {
        accepts("reports", "advertise", "203.0.113.7:18260", "203.0.113.7:18260") { $0.reports.advertise?.description }
        accepts("reports", "advertise", "[2001:db8::7]:1", "[2001:db8::7]:1") { $0.reports.advertise?.description }
        rejects("reports", "advertise", "0.0.0.0:8260",
                "expected an address the PBX can reach, not the unspecified address, got \"0.0.0.0:8260\"")
        rejects("reports", "advertise", "[::]:8260",
                "expected an address the PBX can reach, not the unspecified address, got \"[::]:8260\"")
        rejects("reports", "advertise", "203.0.113.7:0", "expected a port 1–65535 after the address, got \"203.0.113.7:0\"")
    }

    func testReportsPath() {
        accepts("reports", "path", "/", "/") { $0.reports.path }
        accepts("reports", "path", "/ucagent/report", "/ucagent/report") { $0.reports.path }
        rejects("reports", "path", "report",
                "expected a path such as /report: '/' and segments of letters, digits, '-', '.', '_', '~', got \"report\"")
    }

    func testAllow() {
        accepts("reports", "allow", "127.0.0.1, 10.0.0.0/8,::1 ,\tfd00::/8", "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8") { $0.reports.allow.description }
        accepts("reports", "allow", "0.0.0.0/0, ::/0", 2) { $0.reports.allow.entries.count }
        accepts("reports", "allow", "10.1.2.3/32", "10.1.2.3") { $0.reports.allow.description }
        rejects("reports", "allow", "10.1.2.3/8", "\"10.1.2.3/8\" has host bits set; the network is 10.0.0.0/8")
        rejects("reports", "allow", "fd00::1/8", "\"fd00::1/8\" has host bits set; the network is fd00::/8")
        rejects("reports", "allow", "10.0.0.0/33", "prefix length 33 is longer than 32 in \"10.0.0.0/33\"")
        rejects("reports", "allow", "::/129", "prefix length 129 is longer than 128 in \"::/129\"")
        rejects("reports", "allow", "10.0.0.0/", "expected a prefix length after '/', got \"10.0.0.0/\"")
        rejects("reports", "allow", "10.0.0.0/x", "expected a prefix length after '/', got \"10.0.0.0/x\"")
        rejects("reports", "allow", "127.0.0.1,", "entry 2 is empty (a stray comma?)")
        rejects("reports", "allow", "[::1]",
                "expected an IP address or network such as 10.0.0.0/8 or fd00::/8 (IPv6 without brackets), got \"[::1]\"")
        rejects("reports", "allow", "pbx.lan",
                "expected an IP address or network such as 10.0.0.0/8 or fd00::/8 (IPv6 without brackets), got \"pbx.lan\"")
        let sixtyFour = (1...64).map { "10.0.0.\($0)" }.joined(separator: ",")
        accepts("reports", "allow", sixtyFour, 64) { $0.reports.allow.entries.count }
        rejects("reports", "allow", sixtyFour + ",10.0.1.1", "at most 64 entries, got 65")
    }

    func testAllowDefaultsToThePBXAddress() throws {
        let v6 = try XCTUnwrap(parsed(withKey("pbx", "url", "http://[fd00::10]:9011")))
        XCTAssertEqual(v6.reports.allow.description, "fd00::10")
        XCTAssertTrue(v6.reports.allow.contains(ip: "fd00::10"))
        XCTAssertFalse(v6.reports.allow.contains(ip: "fd00::11"))
        let v4 = try XCTUnwrap(parsed(minimalConfig))
        XCTAssertTrue(v4.reports.allow.contains(ip: "192.168.1.10"))
        XCTAssertTrue(v4.reports.allow.contains(ip: "::ffff:192.168.1.10"))
        XCTAssertFalse(v4.reports.allow.contains(ip: "192.168.1.11"))
    }

    func testAllowIsRequiredWhenTheURLNamesAHost() throws {
        let error = try XCTUnwrap(rejected(withKey("pbx", "url", "http://pbx.lan:9011")))
        XCTAssertEqual(error.description, "ucagent.conf: [reports] allow: required because [pbx] url names a host (pbx.lan)"
            + " rather than an IP address; list the addresses the PBX posts reports from")
        let withSection = try XCTUnwrap(rejected(withKey("pbx", "url", "http://pbx.lan:9011") + "[reports]\npath = /r\n"))
        XCTAssertEqual(withSection.line, 5)
    }

    func testMaxBody() {
        accepts("reports", "max_body", "1KiB", 1024) { $0.reports.maxBodyBytes }
        accepts("reports", "max_body", "1024", 1024) { $0.reports.maxBodyBytes }
        accepts("reports", "max_body", "16MiB", 16_777_216) { $0.reports.maxBodyBytes }
        accepts("reports", "max_body", "16384KiB", 16_777_216) { $0.reports.maxBodyBytes }
        rejects("reports", "max_body", "1023", "expected a size between 1KiB and 16MiB, got \"1023\"")
        rejects("reports", "max_body", "16385KiB", "expected a size between 1KiB and 16MiB, got \"16385KiB\"")
        rejects("reports", "max_body", "17MiB", "expected a size between 1KiB and 16MiB, got \"17MiB\"")
        for bad in ["256K", "256KB", "1M", "1MB", "256 KiB", "256kib", "1GiB", "0x400", "-1", "999999999999999999MiB"] {
            let problem = bad == "999999999999999999MiB" ? "" : " (bytes, or a number with KiB or MiB; K, KB, M and MB are not accepted)"
            rejects("reports", "max_body", bad, "expected a size between 1KiB and 16MiB" + problem + ", got \"\(bad)\"")
        }
    }

    func testMaxConnections() {
        accepts("reports", "max_connections", "1", 1) { $0.reports.maxConnections }
        accepts("reports", "max_connections", "4096", 4096) { $0.reports.maxConnections }
        accepts("reports", "max_connections", "0100", 100) { $0.reports.maxConnections }
        for bad in ["0", "4097", "-1", "1e3", "1 2", "ten", "99999999999999999999"] {
            rejects("reports", "max_connections", bad, "expected an integer between 1 and 4096, got \"\(bad)\"")
        }
    }

    func testReadTimeout() {
        accepts("reports", "read_timeout", "100ms", 100) { $0.reports.readTimeoutMs }
        accepts("reports", "read_timeout", "5m", 300_000) { $0.reports.readTimeoutMs }
        rejects("reports", "read_timeout", "99ms", "expected a duration between 100ms and 300s, got \"99ms\"")
        rejects("reports", "read_timeout", "301s", "expected a duration between 100ms and 300s, got \"301s\"")
    }

    func testDeadLetter() {
        accepts("reports", "dead_letter", "/tmp/dl.jsonl", "/tmp/dl.jsonl") { $0.reports.deadLetterPath }
        rejects("reports", "dead_letter", "/tmp/", "expected a file path, got a directory (ends with /): \"/tmp/\"")
        rejects("reports", "dead_letter", "dl.jsonl", "expected an absolute path (starting with /), got \"dl.jsonl\"")
    }

    func testDeadLetterMax() {
        accepts("reports", "dead_letter_max", "64KiB", 65_536) { $0.reports.deadLetterMaxBytes }
        accepts("reports", "dead_letter_max", "256MiB", 268_435_456) { $0.reports.deadLetterMaxBytes }
        rejects("reports", "dead_letter_max", "65535", "expected a size between 64KiB and 256MiB, got \"65535\"")
        rejects("reports", "dead_letter_max", "257MiB", "expected a size between 64KiB and 256MiB, got \"257MiB\"")
    }

    func testAPIListen() {
        accepts("api", "listen", "0.0.0.0:9000", "0.0.0.0:9000") { $0.api.listen.description }
        accepts("api", "listen", "[::1]:0", "[::1]:0") { $0.api.listen.description }
        rejects("api", "listen", "127.0.0.1", "expected address:port such as 0.0.0.0:8260 or [::]:8260, got \"127.0.0.1\"")
    }

    func testListenersMayNotShareAPort() throws {
        let cases: [(String, String, Bool)] = [
            ("0.0.0.0:8260", "0.0.0.0:8260", true),
            ("0.0.0.0:8260", "127.0.0.1:8260", true),
            ("[::]:8260", "127.0.0.1:8260", true),
            ("[::]:8260", "[::1]:8260", true),
            ("192.168.1.20:8260", "127.0.0.1:8260", false),
            ("0.0.0.0:8260", "[::1]:8260", false),
            ("0.0.0.0:0", "127.0.0.1:0", false),
            ("0.0.0.0:8260", "127.0.0.1:8261", false),
        ]
        for (reports, api, collide) in cases {
            let text = minimalConfig + "[reports]\nlisten = \(reports)\n[api]\nlisten = \(api)\n"
            let result = AgentConfig.parse(text: text, file: "ucagent.conf")
            if collide {
                guard case .failure(let error) = result else { XCTFail("\(reports) / \(api) accepted"); continue }
                XCTAssertEqual(error.description, "ucagent.conf:8: [api] listen: [api] listen \(api) and [reports] listen"
                    + " \(reports) would bind the same port; give them different ports")
            } else {
                guard case .success = result else { XCTFail("\(reports) / \(api) rejected"); continue }
            }
        }
        let implicit = try XCTUnwrap(rejected(minimalConfig + "[reports]\nlisten = 127.0.0.1:8261\n"))
        XCTAssertEqual(implicit.key, "[reports] listen")
        XCTAssertEqual(implicit.line, 6)
    }

    func testHangupConfirmTimeout() {
        accepts("api", "hangup_confirm_timeout", "100ms", 100) { $0.api.hangupConfirmTimeoutMs }
        accepts("api", "hangup_confirm_timeout", "60s", 60_000) { $0.api.hangupConfirmTimeoutMs }
        rejects("api", "hangup_confirm_timeout", "99ms", "expected a duration between 100ms and 60s, got \"99ms\"")
        rejects("api", "hangup_confirm_timeout", "61s", "expected a duration between 100ms and 60s, got \"61s\"")
    }

    func testEndedRetention() {
        accepts("calls", "ended_retention", "0", 0) { $0.calls.endedRetentionMs }
        accepts("calls", "ended_retention", "0ms", 0) { $0.calls.endedRetentionMs }
        accepts("calls", "ended_retention", "24h", 86_400_000) { $0.calls.endedRetentionMs }
        rejects("calls", "ended_retention", "86401s", "expected a duration between 0s and 86400s, got \"86401s\"")
        rejects("calls", "ended_retention", "25h", "expected a duration between 0s and 86400s, got \"25h\"")
    }

    func testLogLevel() {
        for (text, level) in [("error", AgentConfig.LogLevel.error), ("warn", .warn), ("info", .info), ("debug", .debug)] {
            accepts("log", "level", text, level) { $0.log.level }
        }
        XCTAssertTrue(AgentConfig.LogLevel.error < .warn && AgentConfig.LogLevel.info < .debug)
        for bad in ["INFO", "trace", "warning", "3"] {
            rejects("log", "level", bad, "expected one of error, warn, info, debug, got \"\(bad)\"")
        }
    }

    func testLogFile() {
        accepts("log", "file", "/var/lib/ucagent/ucagent.log", "/var/lib/ucagent/ucagent.log") { $0.log.file }
        accepts("log", "file", "/var/lib/ucagent/ucagent.log", 1_048_576) { $0.log.fileMaxBytes }
        XCTAssertNil(parsed(minimalConfig)?.log.file)
        rejects("log", "file", "ucagent.log", "expected an absolute path (starting with /), got \"ucagent.log\"")
    }

    func testLogFileMax() throws {
        func withFile(_ max: String) -> String { withKey("log", "file", "/var/log/ucagent.log") + "file_max = " + max + "\n" }
        XCTAssertEqual(parsed(withFile("64KiB"))?.log.fileMaxBytes, 65_536)
        XCTAssertEqual(parsed(withFile("64MiB"))?.log.fileMaxBytes, 67_108_864)
        XCTAssertEqual(parsed(withFile("100000"))?.log.fileMaxBytes, 100_000)
        for bad in ["65535", "65MiB", "4294967296"] {
            let error = try XCTUnwrap(rejected(withFile(bad)), bad)
            XCTAssertEqual(error.key, "[log] file_max")
            XCTAssertEqual(error.message, "expected a size between 64KiB and 64MiB, got \"\(bad)\"")
        }
        // Past Int64, and units that are not sizes here: refused with the accepted forms.
        for bad in ["99999999999999999999", "1GiB"] {
            let error = try XCTUnwrap(rejected(withFile(bad)), bad)
            XCTAssertTrue(error.message.hasPrefix("expected a size between 64KiB and 64MiB (bytes, or a number with KiB or MiB"), error.message)
        }
        // Without a file it would do nothing: said, not ignored.
        let alone = try XCTUnwrap(rejected(withKey("log", "file_max", "1MiB")))
        XCTAssertEqual(alone.message, "file_max is only used with [log] file, which is not set")
    }

    func testLongValuesAreCutInMessages() throws {
        let long = String(repeating: "é", count: 100)
        let error = try XCTUnwrap(rejected(withKey("log", "level", long)))
        XCTAssertEqual(error.message, "expected one of error, warn, info, debug, got \"" + String(repeating: "é", count: 30) + "…\"")
    }
}
