import XCTest
@testable import Agent

final class ConfigEffectiveTextTests: XCTestCase {
    func testEffectiveTextOfTheMinimalConfig() throws {
        let config = try XCTUnwrap(parsed(minimalConfig))
        XCTAssertEqual(config.effectiveText(), """
        ; ucagent effective configuration: every key, defaults filled in.
        ; Secrets are shown as ***, which ucagent refuses to load: put the real value back to reuse this file.
        ; Unset optional keys are shown as comments.

        [agent]
        state_dir = /var/lib/ucagent

        [pbx]
        url = http://192.168.1.10:9011
        api_path = /api/v0.0.1
        username = api
        password = ***
        ; ca_file is unset: only used with https
        heartbeat_interval = 300s
        reconcile_interval = 30s
        request_timeout = 5s
        ; report_version is unset: the login sends no version

        [reports]
        listen = 0.0.0.0:8260
        ; advertise is unset: the local address of the connection to the PBX, with the listen port
        path = /report
        allow = 192.168.1.10
        max_body = 256KiB
        max_connections = 256
        read_timeout = 10s
        dead_letter = /var/lib/ucagent/dead-letter.jsonl
        dead_letter_max = 4MiB

        [api]
        listen = 127.0.0.1:8261
        hangup_confirm_timeout = 5s

        [calls]
        ended_retention = 600s

        [log]
        level = info
        ; file is unset: the log goes to stderr only

        """)
    }

    func testEveryKeyIsPrinted() throws {
        let text = try XCTUnwrap(parsed(fullConfig)).effectiveText()
        for section in AgentConfig.schema {
            XCTAssertTrue(text.contains("\n[\(section.name)]\n"), section.name)
            for key in section.keys where key != "password_md5" {
                XCTAssertTrue(text.contains("\n\(key) = "), "\(section.name).\(key)")
            }
        }
        XCTAssertTrue(text.contains("\npassword = ***\n"))
        // A blank inside a value needs no quotes; only leading or trailing ones do.
        XCTAssertTrue(text.contains("\nusername = api user\n"))
    }

    private func assertRoundTrip(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let config = try XCTUnwrap(parsed(text, file: file, line: line), file: file, line: line)
        // With the secret in place, the printed text is the same config.
        let revealed = config.effectiveText(maskingSecrets: false)
        XCTAssertEqual(parsed(revealed, file: file, line: line), config, file: file, line: line)
        // And printing is stable.
        XCTAssertEqual(parsed(revealed)?.effectiveText(maskingSecrets: false), revealed, file: file, line: line)
        // The masked text is refused on the credential's line, never loaded with "***".
        let masked = config.effectiveText()
        guard case .failure(let error) = AgentConfig.parse(text: masked, file: "effective.conf") else {
            return XCTFail("masked text accepted", file: file, line: line)
        }
        XCTAssertEqual(error.key, "[pbx] " + config.pbx.credential.key, file: file, line: line)
        XCTAssertTrue(error.message.hasPrefix("the value is the mask ***"), file: file, line: line)
        // Putting the real value back by hand gives the same config.
        let restored = masked.replacingOccurrences(of: config.pbx.credential.key + " = ***",
                                                   with: config.pbx.credential.key + " = " + ConfigQuoting.quotedIfNeeded(config.pbx.credential.reveal()))
        XCTAssertEqual(parsed(restored, file: file, line: line), config, file: file, line: line)
    }

    func testRoundTrips() throws {
        try assertRoundTrip(minimalConfig)
        try assertRoundTrip(fullConfig)
        try assertRoundTrip(fullConfig.replacingOccurrences(of: "\n", with: "\r\n"))
        try assertRoundTrip(withKey("pbx", "password_md5", "E10ADC3949BA59ABBE56E057F20F883E"))
        try assertRoundTrip(withKey("pbx", "password", "\"***\""))
        try assertRoundTrip(withKey("pbx", "password", "\" lead;#\\\"\\\\ trail \""))
        try assertRoundTrip(withKey("pbx", "username", "\";x\"") + "[agent]\nstate_dir = \"/data/a #b\"\n")
        try assertRoundTrip(withKey("pbx", "url", "https://pbx.lan") + "[reports]\nallow = 10.0.0.0/8\n")
        try assertRoundTrip(withKey("pbx", "url", "http://[fd00::10]"))
        try assertRoundTrip(withKey("calls", "ended_retention", "1500ms"))
    }

    func testQuoting() {
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("plain"), "plain")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("pa#ss;word"), "pa#ss;word")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("back\\slash"), "back\\slash")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("a #b"), "\"a #b\"")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("a\t;b"), "\"a\t;b\"")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("#a"), "\"#a\"")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded(" a"), "\" a\"")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("a\""), "\"a\\\"\"")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("a\"\\"), "\"a\\\"\\\\\"")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded("***"), "\"***\"")
        XCTAssertEqual(ConfigQuoting.quotedIfNeeded(""), "\"\"")
    }
}
