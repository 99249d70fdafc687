import Crypto

public enum PBXClientScheme: Equatable, Sendable, CustomStringConvertible {
    case http, https
    public var description: String { self == .http ? "http" : "https" }
}

/// Where the PBX API is and how ucagent introduces itself to it. Built by the agent from its
/// config file; `passwordMD5` is a `Secret` and never printed.
public struct PBXClientConfig: Sendable {
    public var scheme: PBXClientScheme
    /// The PBX's address: a numeric IP, or a name resolved (blocking, once per login attempt
    /// until it succeeds) before the first login.
    public var host: String
    /// The UC API listens on 9011 (reference §1).
    public var port: UInt16
    /// `/api/v0.0.1` on OpenVox; no trailing slash.
    public var apiPath: String
    public var username: String
    /// Lowercase hex MD5 of the API password (reference §2.1).
    public var passwordMD5: Secret
    /// Where the PBX sends reports (reference §7): login/heartbeat `port`, `url`, `urltag`.
    public var reportPort: UInt16
    public var reportURL: String?
    /// How the PBX reads `reportURL`: relative path (0) or absolute `host:port/path` (1).
    public var urltag: ReportURLTag?
    /// Login `version` (report format), e.g. `"1.0.2"`; omitted when nil.
    public var reportVersion: String?
    /// The heartbeat's `ipaddr`: the address the PBX must send reports to.
    public var advertisedIP: String
    public var heartbeatIntervalMs: Int64
    /// Whole-request deadline (connect, send, reply) for every call.
    public var requestTimeoutMs: Int64
    /// Bounded wait for the logout at shutdown; after it the shutdown completes regardless.
    public var logoutTimeoutMs: Int64
    /// CA bundle for `https`; nil uses the system default.
    public var tlsCAFile: String?
    /// Largest reply body accepted; a bigger one is a malformed reply. Extension lists of a
    /// 500-extension PBX are tens of KiB; 1 MiB leaves room without inviting a memory blow-up.
    public var maxReplyBytes: Int
    /// Requests (queries, hangups) in flight at once; more fail with `.busy` rather than queue
    /// without bound against a slow PBX.
    public var maxRequestsInFlight: Int
    /// Backoff, budget and outage tuning; its heartbeat interval is `heartbeatIntervalMs`.
    public var sessionTuning: PBXSessionConfig

    public init(scheme: PBXClientScheme = .http, host: String, port: UInt16 = 9011,
                apiPath: String = "/api/v0.0.1", username: String, passwordMD5: String,
                reportPort: UInt16, reportURL: String? = nil, urltag: ReportURLTag? = nil,
                reportVersion: String? = nil, advertisedIP: String,
                heartbeatIntervalMs: Int64 = 300_000, requestTimeoutMs: Int64 = 10_000,
                logoutTimeoutMs: Int64 = 3_000, tlsCAFile: String? = nil,
                maxReplyBytes: Int = 1 << 20, maxRequestsInFlight: Int = 16,
                sessionTuning: PBXSessionConfig = PBXSessionConfig()) {
        self.scheme = scheme
        self.host = host
        self.port = port
        var path = apiPath
        while path.hasSuffix("/") { path.removeLast() }
        if !path.isEmpty && !path.hasPrefix("/") { path = "/" + path }
        self.apiPath = path
        self.username = username
        // The PBX compares lowercase hex (reference §2.1).
        self.passwordMD5 = Secret(passwordMD5.lowercased())
        self.reportPort = reportPort
        self.reportURL = reportURL
        self.urltag = urltag
        self.reportVersion = reportVersion
        self.advertisedIP = advertisedIP
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.requestTimeoutMs = min(max(requestTimeoutMs, 100), 300_000)
        self.logoutTimeoutMs = min(max(logoutTimeoutMs, 100), 60_000)
        self.tlsCAFile = tlsCAFile
        self.maxReplyBytes = min(max(maxReplyBytes, 1_024), 64 << 20)
        self.maxRequestsInFlight = min(max(maxRequestsInFlight, 1), 1_024)
        self.sessionTuning = sessionTuning
    }

    /// The session machine's config: the tuning with this config's heartbeat interval.
    public var sessionConfig: PBXSessionConfig {
        let t = sessionTuning
        return PBXSessionConfig(heartbeatIntervalMs: heartbeatIntervalMs,
                                backoffBaseMs: t.backoffBaseMs, backoffCapMs: t.backoffCapMs,
                                authRetryIntervalMs: t.authRetryIntervalMs,
                                authRetryJitterMs: t.authRetryJitterMs,
                                loginBudgetMaxFailures: t.loginBudgetMaxFailures,
                                loginBudgetWindowMs: t.loginBudgetWindowMs,
                                transportFailuresBeforeUnreachable: t.transportFailuresBeforeUnreachable)
    }
}
