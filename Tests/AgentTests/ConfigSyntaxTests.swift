import XCTest
@testable import Agent

final class ConfigSyntaxTests: XCTestCase {
    func testMinimalConfigGetsEveryDefault() throws {
        let config = try XCTUnwrap(parsed(minimalConfig))
        XCTAssertEqual(config.agent.stateDir, "/var/lib/ucagent")
        XCTAssertEqual(config.pbx.url, AgentConfig.HTTPURL(scheme: .http, host: .ip(.v4(0xc0a8_010a)), port: 9011))
        XCTAssertEqual(config.pbx.apiPath, "/api/v0.0.1")
        XCTAssertEqual(config.pbx.username, "api")
        XCTAssertEqual(config.pbx.credential, .password("123456"))
        XCTAssertNil(config.pbx.caFile)
        XCTAssertEqual(config.pbx.heartbeatIntervalMs, 300_000)
        XCTAssertEqual(config.pbx.reconcileIntervalMs, 30_000)
        XCTAssertEqual(config.pbx.requestTimeoutMs, 5_000)
        XCTAssertNil(config.pbx.reportVersion)
        XCTAssertEqual(config.reports.listen.description, "0.0.0.0:8260")
        XCTAssertNil(config.reports.advertise)
        XCTAssertEqual(config.reports.path, "/report")
        XCTAssertEqual(config.reports.allow.description, "192.168.1.10")
        XCTAssertEqual(config.reports.maxBodyBytes, 262_144)
        XCTAssertEqual(config.reports.maxConnections, 256)
        XCTAssertEqual(config.reports.readTimeoutMs, 10_000)
        XCTAssertEqual(config.reports.deadLetterPath, "/var/lib/ucagent/dead-letter.jsonl")
        XCTAssertEqual(config.reports.deadLetterMaxBytes, 4 * 1024 * 1024)
        XCTAssertEqual(config.api.listen.description, "127.0.0.1:8261")
        XCTAssertEqual(config.api.hangupConfirmTimeoutMs, 5_000)
        XCTAssertEqual(config.calls.endedRetentionMs, 600_000)
        XCTAssertEqual(config.log.level, .info)
    }

    func testFullConfigSetsEveryKey() throws {
        let config = try XCTUnwrap(parsed(fullConfig))
        XCTAssertEqual(config.agent.stateDir, "/data/ucagent")
        XCTAssertEqual(config.pbx.url.description, "https://192.168.1.10:8443")
        XCTAssertEqual(config.pbx.apiPath, "/api/v1.1.0")
        XCTAssertEqual(config.pbx.username, "api user")
        XCTAssertEqual(config.pbx.credential.reveal(), "se;cr\"et #1")
        XCTAssertEqual(config.pbx.caFile, "/etc/ucagent/pbx-ca.pem")
        XCTAssertEqual(config.pbx.heartbeatIntervalMs, 300_000)
        XCTAssertEqual(config.pbx.reconcileIntervalMs, 45_000)
        XCTAssertEqual(config.pbx.requestTimeoutMs, 1_500)
        XCTAssertEqual(config.pbx.reportVersion, "1.0.2")
        XCTAssertEqual(config.reports.listen.description, "[::]:9260")
        XCTAssertEqual(config.reports.advertise?.description, "192.168.1.20:19260")
        XCTAssertEqual(config.reports.path, "/pbx/report")
        XCTAssertEqual(config.reports.allow.description, "192.168.1.10, 10.0.0.0/8, ::1, fd00::/8")
        XCTAssertEqual(config.reports.maxBodyBytes, 65_536)
        XCTAssertEqual(config.reports.maxConnections, 32)
        XCTAssertEqual(config.reports.readTimeoutMs, 3_000)
        XCTAssertEqual(config.reports.deadLetterPath, "/data/dl/reports.jsonl")
        XCTAssertEqual(config.reports.deadLetterMaxBytes, 1_048_576)
        XCTAssertEqual(config.api.listen.description, "127.0.0.1:9261")
        XCTAssertEqual(config.api.hangupConfirmTimeoutMs, 2_000)
        XCTAssertEqual(config.calls.endedRetentionMs, 3_600_000)
        XCTAssertEqual(config.log.level, .debug)
    }

    func testCRLFFileParsesLikeLF() throws {
        let crlf = fullConfig.replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(try XCTUnwrap(parsed(crlf)), try XCTUnwrap(parsed(fullConfig)))
        // Mixed endings and a last line without any line end.
        let mixed = "[pbx]\r\nurl = http://192.168.1.10:9011\nusername = api\r\npassword = 123456"
        XCTAssertEqual(try XCTUnwrap(parsed(mixed)), try XCTUnwrap(parsed(minimalConfig)))
    }

    func testStrayCarriageReturnIsAnError() throws {
        let error = try XCTUnwrap(rejected("[pbx]\nurl = http://192.168.1.10:9011\rusername = api\n"))
        XCTAssertEqual(error.description, "ucagent.conf:2: carriage return (CR) at column 31 not followed by a line feed")
    }

    func testLeadingByteOrderMarkIsSkipped() throws {
        let bom = String(decoding: [0xef, 0xbb, 0xbf] + Array(minimalConfig.utf8), as: UTF8.self)
        XCTAssertEqual(try XCTUnwrap(parsed(bom)), try XCTUnwrap(parsed(minimalConfig)))
    }

    func testInvalidUTF8IsRejectedWithLineAndColumn() throws {
        for bad: [UInt8] in [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]] {
            let bytes = Array("[pbx]\nurl = http://192.168.1.10:9011\nusername = a".utf8) + bad + Array("b\npassword = x\n".utf8)
            let result = AgentConfig.parse(bytes: bytes, file: "ucagent.conf")
            guard case .failure(let error) = result else { XCTFail("accepted \(bad)"); continue }
            XCTAssertEqual(error.description, "ucagent.conf:3: not valid UTF-8 at column 13 (the file must be UTF-8)")
        }
        // Well-formed multi-byte characters are fine, in values and comments.
        let config = try XCTUnwrap(parsed("[pbx] ; Zentrale 🎧\nurl = http://192.168.1.10:9011\nusername = bénédicte\npassword = pässwörd€\n"))
        XCTAssertEqual(config.pbx.username, "bénédicte")
        XCTAssertEqual(config.pbx.credential.reveal(), "pässwörd€")
    }

    func testControlCharactersAreRejectedButTabsAreBlanks() throws {
        let error = try XCTUnwrap(rejected("[pbx]\nurl = http://192.168.1.10:9011\nusername = a\u{01}b\npassword = x\n"))
        XCTAssertEqual(error.description, "ucagent.conf:3: control character 0x01 at column 13")
        let tabs = try XCTUnwrap(parsed("[pbx]\n\turl\t=\thttp://192.168.1.10:9011\t\nusername = a\tb\npassword = x\n"))
        XCTAssertEqual(tabs.pbx.username, "a\tb")
    }

    func testCommentsWholeLineAndTrailing() throws {
        let text = """
        # hash comment
        ; semicolon comment
           ; indented comment
        [pbx] ; after a header
        url = http://192.168.1.10:9011 # after a value
        username = api;not-a-comment
        password = pa#ss
        [log]# right after the header
        level = warn;x
        """
        let error = try XCTUnwrap(rejected(text))
        // "warn;x" is one value: ';' without a blank before it does not start a comment.
        XCTAssertEqual(error.description, "ucagent.conf:9: [log] level: expected one of error, warn, info, debug, got \"warn;x\"")
        let config = try XCTUnwrap(parsed(text.replacingOccurrences(of: "level = warn;x", with: "level = warn\t; tab then comment")))
        XCTAssertEqual(config.pbx.url.description, "http://192.168.1.10:9011")
        XCTAssertEqual(config.pbx.username, "api;not-a-comment")
        XCTAssertEqual(config.pbx.credential.reveal(), "pa#ss")
        XCTAssertEqual(config.log.level, .warn)
    }

    func testBlankBeforeHashStartsACommentSoSuchPasswordsNeedQuotes() throws {
        let bare = try XCTUnwrap(parsed(withKey("pbx", "password", "pa #ss")))
        XCTAssertEqual(bare.pbx.credential.reveal(), "pa")
        let quoted = try XCTUnwrap(parsed(withKey("pbx", "password", "\"pa #ss\" ; comment")))
        XCTAssertEqual(quoted.pbx.credential.reveal(), "pa #ss")
        let error = try XCTUnwrap(rejected(withKey("pbx", "password", "#secret")))
        XCTAssertEqual(error.description, "ucagent.conf:4: [pbx] password: empty value; leave the key out to use its default"
            + " (a ';' or '#' after a blank starts a comment: quote the value to keep it)")
    }

    func testQuotedValues() throws {
        let cases: [(String, String)] = [
            ("\"a\\\"b\\\\c\"", "a\"b\\c"),
            ("\"  padded  \"", "  padded  "),
            ("\"x\";comment", "x"),
            ("\"***\"", "***"),
            ("\"back\\\\slash\"", "back\\slash"),
            ("un\\quoted", "un\\quoted"),
            ("=equals=", "=equals="),
        ]
        for (written, value) in cases {
            let config = try XCTUnwrap(parsed(withKey("pbx", "password", written)), written)
            XCTAssertEqual(config.pbx.credential.reveal(), value, written)
        }
    }

    func testQuotingErrors() throws {
        let cases: [(String, String)] = [
            ("\"abc", "unterminated quoted value (no closing '\"')"),
            ("\"a\\nb\"", "unknown escape at column 14; inside quotes only \\\" and \\\\ are escapes"),
            ("\"abc\" def", "unexpected text after the closing quote at column 18"),
            ("ab\"c", "'\"' inside an unquoted value at column 14; quote the whole value and write \\\" for a quote"),
            ("\"\"", "empty value; leave the key out to use its default"),
        ]
        for (written, message) in cases {
            let error = try XCTUnwrap(rejected(withKey("pbx", "password", written)), written)
            XCTAssertEqual(error.description, "ucagent.conf:4: [pbx] password: " + message, written)
        }
    }

    func testLineErrors() throws {
        let cases: [(String, String)] = [
            ("[pbx", "ucagent.conf:5: section header without a closing ']'"),
            ("[pbx] x", "ucagent.conf:5: unexpected text after the section header ']'"),
            ("[p b x]", "ucagent.conf:5: invalid section name \"p b x\"; a section is [name] with letters, digits and '_', no blanks"),
            ("[]", "ucagent.conf:5: invalid section name \"\"; a section is [name] with letters, digits and '_', no blanks"),
            ("just words", "ucagent.conf:5: expected 'key = value', '[section]' or a comment"),
            ("user name = x", "ucagent.conf:5: invalid key name \"user name\"; expected 'key = value' with a key of letters, digits and '_'"),
            ("= value", "ucagent.conf:5: invalid key name \"\"; expected 'key = value' with a key of letters, digits and '_'"),
            ("level =", "ucagent.conf:5: [pbx] level: empty value; leave the key out to use its default"
                + " (a ';' or '#' after a blank starts a comment: quote the value to keep it)"),
        ]
        for (text, description) in cases {
            let error = try XCTUnwrap(rejected(minimalConfig + text + "\n"), text)
            XCTAssertEqual(error.description, description, text)
        }
    }

    func testKeyBeforeAnySection() throws {
        let error = try XCTUnwrap(rejected("level = info\n" + minimalConfig))
        XCTAssertEqual(error.description, "ucagent.conf:1: key level comes before any [section]")
    }

    func testUnknownSectionIsOneErrorNotOnePerKey() throws {
        let text = minimalConfig + "[PBX]\nurl = x\nfoo = bar\n"
        let errors = AgentConfig.allErrors(bytes: Array(text.utf8), file: "ucagent.conf")
        XCTAssertEqual(errors.map(\.description), [
            "ucagent.conf:5: unknown section [PBX]; the sections are [agent], [pbx], [reports], [api], [calls], [log]",
        ])
    }

    func testUnknownKey() throws {
        let error = try XCTUnwrap(rejected(minimalConfig + "[log]\nlevel = info\nformat = json\n"))
        XCTAssertEqual(error.description, "ucagent.conf:7: [log] format: unknown key; [log] accepts level, file, file_max")
        let pbx = try XCTUnwrap(rejected("[pbx]\nurl = http://192.168.1.10:9011\nuser = api\nusername = api\npassword = x\n"))
        XCTAssertEqual(pbx.description, "ucagent.conf:3: [pbx] user: unknown key; [pbx] accepts url, api_path, username, password,"
            + " password_md5, ca_file, heartbeat_interval, reconcile_interval, request_timeout, report_version")
    }

    func testDuplicateKeyNamesTheFirstLine() throws {
        let error = try XCTUnwrap(rejected(minimalConfig + "username = other\n"))
        XCTAssertEqual(error.description, "ucagent.conf:5: [pbx] username: duplicate key (first set on line 3)")
        // Even when both values are equal: the second line is a mistake either way.
        XCTAssertNotNil(rejected(minimalConfig + "username = api\n"))
    }

    func testRepeatedSectionIsAnError() throws {
        let error = try XCTUnwrap(rejected(minimalConfig + "[log]\nlevel = info\n[log]\n"))
        XCTAssertEqual(error.description, "ucagent.conf:7: section [log] appears twice (first on line 5); keep one")
    }

    func testFileSizeLimit() throws {
        let padding = String(repeating: "; padding padding padding padding padding padding padding padding\n", count: 950)
        var text = minimalConfig + padding
        text += String(repeating: ";", count: 65_536 - text.utf8.count)
        XCTAssertNotNil(parsed(text))
        let error = try XCTUnwrap(rejected(text + "\n"))
        XCTAssertEqual(error.description, "ucagent.conf: the file is 65537 bytes; the limit is 65536 bytes")
    }

    func testLineLengthLimit() throws {
        let ok = minimalConfig + "; " + String(repeating: "x", count: 4094) + "\r\n"
        XCTAssertNotNil(parsed(ok))
        let error = try XCTUnwrap(rejected(minimalConfig + "; " + String(repeating: "x", count: 4095) + "\n"))
        XCTAssertEqual(error.description, "ucagent.conf:5: the line is 4097 bytes long; the limit is 4096")
    }

    func testKeyCountLimit() throws {
        // 500 key lines are read (the duplicates are then reported); the 501st stops reading.
        // minimalConfig has 3 keys, so 497 more make 500.
        let keys = String(repeating: "level = info\n", count: 497)
        let at500 = AgentConfig.allErrors(bytes: Array((minimalConfig + "[log]\n" + keys).utf8), file: "ucagent.conf")
        XCTAssertFalse(at500.contains { $0.message.contains("more than 500 keys") })
        let text = minimalConfig + "[log]\n" + keys + keys
        let errors = AgentConfig.allErrors(bytes: Array(text.utf8), file: "ucagent.conf")
        XCTAssertTrue(errors.contains { $0.description == "ucagent.conf:503: more than 500 keys in the file" }, "\(errors.last?.description ?? "")")
    }

    func testAllErrorsAreSortedByLineAndCapped() throws {
        let text = """
        [log]
        level = loud
        [pbx]
        heartbeat_interval = 2s
        url = gopher://x
        """
        let errors = AgentConfig.allErrors(bytes: Array(text.utf8), file: "ucagent.conf")
        XCTAssertEqual(errors.map(\.line), [2, 3, 3, 4, 5])
        XCTAssertEqual(errors.map { $0.key ?? "" }, ["[log] level", "[pbx] username", "[pbx] password",
                                                     "[pbx] heartbeat_interval", "[pbx] url"])
        let many = String(repeating: "bad line\n", count: 200)
        XCTAssertEqual(AgentConfig.allErrors(bytes: Array(many.utf8), file: "f").count, 50)
        XCTAssertEqual(AgentConfig.allErrors(bytes: Array(minimalConfig.utf8), file: "f"), [])
    }
}
