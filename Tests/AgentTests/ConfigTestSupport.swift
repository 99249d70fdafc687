import XCTest
@testable import Agent

/// The smallest valid file: the three required keys.
let minimalConfig = """
[pbx]
url = http://192.168.1.10:9011
username = api
password = 123456

"""

/// A file with every key set to a non-default value.
let fullConfig = """
; every key, none at its default
[agent]
state_dir = /data/ucagent/

[pbx]
url = https://192.168.1.10:8443
api_path = /api/v1.1.0
username = "api user"
password = "se;cr\\"et #1"   ; quoted: keeps ';', '"' and ' #'
ca_file = /etc/ucagent/pbx-ca.pem
heartbeat_interval = 5m
reconcile_interval = 45s
request_timeout = 1500ms
report_version = 1.0.2

[reports]
listen = [::]:9260
advertise = 192.168.1.20:19260
path = /pbx/report
allow = 192.168.1.10, 10.0.0.0/8, ::1, fd00::/8
max_body = 64KiB
max_connections = 32
read_timeout = 3s
dead_letter = /data/dl/reports.jsonl
dead_letter_max = 1MiB

[api]
listen = 127.0.0.1:9261
hangup_confirm_timeout = 2s

[calls]
ended_retention = 1h

[log]
level = debug
file = /data/log/ucagent.log
file_max = 2MiB

"""

func parsed(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> AgentConfig? {
    switch AgentConfig.parse(text: text, file: "ucagent.conf") {
    case .success(let config): return config
    case .failure(let error):
        XCTFail("expected the config to parse, got: \(error.description)", file: file, line: line)
        return nil
    }
}

func rejected(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
    switch AgentConfig.parse(text: text, file: "ucagent.conf") {
    case .success:
        XCTFail("expected the config to be rejected", file: file, line: line)
        return nil
    case .failure(let error): return error
    }
}

/// `minimalConfig` with `key = value` added to `section` (a `[pbx]` key replaces the minimal one).
func withKey(_ section: String, _ key: String, _ value: String) -> String {
    var pbx: [(String, String)] = [("url", "http://192.168.1.10:9011"), ("username", "api"), ("password", "123456")]
    var other = ""
    if section == "pbx" {
        if key == "password_md5" { pbx.removeAll { $0.0 == "password" } }
        if let i = pbx.firstIndex(where: { $0.0 == key }) { pbx[i].1 = value } else { pbx.append((key, value)) }
    } else {
        other = "\n[\(section)]\n\(key) = \(value)\n"
    }
    return "[pbx]\n" + pbx.map { "\($0.0) = \($0.1)\n" }.joined() + other
}

/// The line `key = value` lands on in `withKey`.
func lineOfKey(_ section: String, _ key: String) -> Int {
    if section == "pbx" {
        return ["url": 2, "username": 3, "password": 4, "password_md5": 4][key] ?? 5
    }
    return 7
}
