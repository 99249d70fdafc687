/// The agent's configuration, parsed from `ucagent.conf` (`AgentConfig.parse`) and printed back
/// with every default filled in (`effectiveText()`). Times are `Int64` milliseconds and sizes
/// `Int64` bytes (`Int` is 32-bit on the ARM appliances). Defaults and ranges live in
/// `AgentConfig.Defaults` and `AgentConfig.Ranges`; the syntax is described in ConfigSyntax.swift.
///
/// This file and the other Config files import nothing: the libFuzzer target compiles them
/// alone. `passwordMD5` (which needs Crypto) lives in ConfigPasswordMD5.swift.
public struct AgentConfig: Equatable, Sendable {
    public var agent: AgentSection
    public var pbx: PBXSection
    public var reports: ReportsSection
    public var api: APISection
    public var calls: CallsSection
    public var log: LogSection

    public init(agent: AgentSection, pbx: PBXSection, reports: ReportsSection, api: APISection = APISection(),
                calls: CallsSection = CallsSection(), log: LogSection = LogSection()) {
        self.agent = agent; self.pbx = pbx; self.reports = reports
        self.api = api; self.calls = calls; self.log = log
    }

    /// `[agent]`
    public struct AgentSection: Equatable, Sendable {
        /// `state_dir`: absolute, without a trailing `/` (one given in the file is dropped).
        public var stateDir: String

        public init(stateDir: String = Defaults.stateDir) { self.stateDir = stateDir }
    }

    /// `[pbx]`: how to reach and log in to the PBX API.
    public struct PBXSection: Equatable, Sendable {
        /// `url` (required): `http://` or `https://`, host, optional port (80/443), no path.
        public var url: HTTPURL
        /// `api_path`: the prefix before `/login`, `/heartbeat`, …
        public var apiPath: String
        /// `username` (required): the API user from the PBX's API page.
        public var username: String
        /// `password` or `password_md5` (exactly one is required).
        public var credential: PBXCredential
        /// `ca_file`: CA certificates (PEM) to verify an https PBX; unset = OpenSSL's default
        /// store, which the static build usually lacks. Only allowed with https.
        public var caFile: String?
        /// `heartbeat_interval`: keeps the 30-minute token alive and re-registers the report
        /// destination.
        public var heartbeatIntervalMs: Int64
        /// `reconcile_interval`: how often live calls are compared with the PBX's query API.
        public var reconcileIntervalMs: Int64
        /// `request_timeout`: one PBX API request, connect to complete response.
        public var requestTimeoutMs: Int64
        /// `report_version`: the login's `version` field; nil = not sent.
        public var reportVersion: String?

        public init(url: HTTPURL, apiPath: String = Defaults.apiPath, username: String, credential: PBXCredential,
                    caFile: String? = nil, heartbeatIntervalMs: Int64 = Defaults.heartbeatIntervalMs,
                    reconcileIntervalMs: Int64 = Defaults.reconcileIntervalMs,
                    requestTimeoutMs: Int64 = Defaults.requestTimeoutMs, reportVersion: String? = nil) {
            self.url = url; self.apiPath = apiPath; self.username = username; self.credential = credential
            self.caFile = caFile; self.heartbeatIntervalMs = heartbeatIntervalMs
            self.reconcileIntervalMs = reconcileIntervalMs; self.requestTimeoutMs = requestTimeoutMs
            self.reportVersion = reportVersion
        }
    }

    /// `[reports]`: the listener the PBX posts call reports to.
    public struct ReportsSection: Equatable, Sendable {
        /// `listen`: IP literal and port; port 0 lets the kernel choose (tests).
        public var listen: HostPort
        /// `advertise`: the `ipaddr:port` sent to the PBX at login and heartbeat; nil = the local
        /// address of the connection to the PBX, with the bound listen port.
        public var advertise: HostPort?
        /// `path`: the path the PBX posts to (sent as the login/heartbeat `url`).
        public var path: String
        /// `allow`: peers allowed to post. Unset in the file = the PBX's address from `url`
        /// (already filled in here; a host name in `url` makes `allow` required).
        public var allow: AllowList
        /// `max_body`: largest report body accepted.
        public var maxBodyBytes: Int64
        /// `max_connections`: open report connections at once; more are refused.
        public var maxConnections: Int
        /// `read_timeout`: a report connection must deliver its request within this.
        public var readTimeoutMs: Int64
        /// `dead_letter`: reports that could not be handled are appended here (JSON lines).
        /// Unset in the file = `<state_dir>/dead-letter.jsonl` (already filled in here).
        public var deadLetterPath: String
        /// `dead_letter_max`: size cap of the dead-letter file.
        public var deadLetterMaxBytes: Int64

        public init(listen: HostPort = Defaults.reportsListen, advertise: HostPort? = nil, path: String = Defaults.reportsPath,
                    allow: AllowList, maxBodyBytes: Int64 = Defaults.maxBodyBytes,
                    maxConnections: Int = Defaults.maxConnections, readTimeoutMs: Int64 = Defaults.readTimeoutMs,
                    deadLetterPath: String, deadLetterMaxBytes: Int64 = Defaults.deadLetterMaxBytes) {
            self.listen = listen; self.advertise = advertise; self.path = path; self.allow = allow
            self.maxBodyBytes = maxBodyBytes; self.maxConnections = maxConnections; self.readTimeoutMs = readTimeoutMs
            self.deadLetterPath = deadLetterPath; self.deadLetterMaxBytes = deadLetterMaxBytes
        }
    }

    /// `[api]`: the native HTTP API for local clients.
    public struct APISection: Equatable, Sendable {
        public var listen: HostPort
        /// `hangup_confirm_timeout`: how long a hangup waits for the PBX to report the call ended.
        public var hangupConfirmTimeoutMs: Int64

        public init(listen: HostPort = Defaults.apiListen, hangupConfirmTimeoutMs: Int64 = Defaults.hangupConfirmTimeoutMs) {
            self.listen = listen; self.hangupConfirmTimeoutMs = hangupConfirmTimeoutMs
        }
    }

    /// `[calls]`
    public struct CallsSection: Equatable, Sendable {
        /// `ended_retention`: how long an ended call stays visible; 0 = dropped at once.
        public var endedRetentionMs: Int64

        public init(endedRetentionMs: Int64 = Defaults.endedRetentionMs) { self.endedRetentionMs = endedRetentionMs }
    }

    /// `[log]`
    public struct LogSection: Equatable, Sendable {
        public var level: LogLevel
        /// `file`: also write the log here, besides stderr; nil = stderr only.
        public var file: String?
        /// `file_max`: past this size the file is renamed to `<file>.1` and started over
        /// (at most twice this on disk: flash wears and fills).
        public var fileMaxBytes: Int64

        public init(level: LogLevel = .info, file: String? = nil, fileMaxBytes: Int64 = Defaults.logFileMaxBytes) {
            self.level = level; self.file = file; self.fileMaxBytes = fileMaxBytes
        }
    }

    public enum LogLevel: Int, Comparable, Sendable, CustomStringConvertible {
        case error = 0, warn, info, debug

        public var description: String {
            switch self {
            case .error: return "error"
            case .warn: return "warn"
            case .info: return "info"
            case .debug: return "debug"
            }
        }

        public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    }

    /// Every default in one place.
    public enum Defaults {
        public static let stateDir = "/var/lib/ucagent"
        public static let apiPath = "/api/v0.0.1"
        public static let heartbeatIntervalMs: Int64 = 300_000
        public static let reconcileIntervalMs: Int64 = 30_000
        public static let requestTimeoutMs: Int64 = 5_000
        public static let reportsListen = HostPort(host: .v4(0), port: 8260)
        public static let reportsPath = "/report"
        public static let maxBodyBytes: Int64 = 256 * 1024
        public static let maxConnections = 256
        public static let readTimeoutMs: Int64 = 10_000
        public static let deadLetterFileName = "dead-letter.jsonl"
        public static let deadLetterMaxBytes: Int64 = 4 * 1024 * 1024
        public static let apiListen = HostPort(host: .v4(0x7f00_0001), port: 8261)
        public static let hangupConfirmTimeoutMs: Int64 = 5_000
        public static let endedRetentionMs: Int64 = 600_000
        public static let logFileMaxBytes: Int64 = 1024 * 1024
    }

    /// The accepted range of every bounded key, with the reason for each bound.
    public enum Ranges {
        /// Below 5 s is load on the PBX for nothing; above 25 min the 30-minute token could lapse
        /// before one retry.
        public static let heartbeatIntervalMs: ClosedRange<Int64> = 5_000...1_500_000
        public static let reconcileIntervalMs: ClosedRange<Int64> = 1_000...3_600_000
        /// Under 100 ms fails on any real network; over 60 s hides a dead PBX.
        public static let requestTimeoutMs: ClosedRange<Int64> = 100...60_000
        /// A report is a few hundred bytes; 1 KiB still fits the largest captured one, and
        /// 16 MiB is already far more than a small appliance should buffer per connection.
        public static let maxBodyBytes: ClosedRange<Int64> = 1024...(16 * 1024 * 1024)
        /// The PBX uses one short connection per report; 4096 stays under common fd limits.
        public static let maxConnections: ClosedRange<Int64> = 1...4096
        public static let readTimeoutMs: ClosedRange<Int64> = 100...300_000
        /// At least room for some hundred reports; at most what appliance flash can spare.
        public static let deadLetterMaxBytes: ClosedRange<Int64> = (64 * 1024)...(256 * 1024 * 1024)
        public static let hangupConfirmTimeoutMs: ClosedRange<Int64> = 100...60_000
        /// Up to a day; 0 drops ended calls at once.
        public static let endedRetentionMs: ClosedRange<Int64> = 0...86_400_000
        /// Room for a few thousand lines at least; at most what appliance flash can spare
        /// (twice this, with the rotated file).
        public static let logFileMaxBytes: ClosedRange<Int64> = (64 * 1024)...(64 * 1024 * 1024)
        public static let usernameBytes: ClosedRange<Int> = 1...64
        public static let passwordBytes: ClosedRange<Int> = 1...128
        public static let pathBytes: ClosedRange<Int> = 1...1024
        public static let allowEntries: ClosedRange<Int> = 1...64
    }
}

/// The PBX API password as the file gave it: in clear (`password`) or as its MD5
/// (`password_md5`). It never prints (`description` is `***`); `reveal()` is for the login.
public struct PBXCredential: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Form: Equatable, Sendable {
        /// `password`: the text itself; the login sends its MD5.
        case password
        /// `password_md5`: 32 lower-case hex digits, sent as they are.
        case md5Hex
    }

    public let form: Form
    private let text: String

    public static func password(_ text: String) -> PBXCredential { PBXCredential(form: .password, text: text) }

    /// `hex` must be 32 hex digits (the parser checks); stored lower case, as the PBX wants it.
    public static func md5Hex(_ hex: String) -> PBXCredential { PBXCredential(form: .md5Hex, text: hex.lowercased()) }

    private init(form: Form, text: String) { self.form = form; self.text = text }

    public func reveal() -> String { text }

    /// The config key this credential came from.
    public var key: String { form == .password ? "password" : "password_md5" }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
}
