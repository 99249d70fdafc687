/// Everything the simulated PBX can be told to do differently.
///
/// Reference: `openvox-uc-api.md` Part C §12. Where §13 lists a behaviour as undocumented, the
/// choice is a setting here instead of one guessed answer, so the agent can be tested against
/// each possibility. Defaults follow the OpenVox captures where they exist.
///
/// Every duration is in *simulated* milliseconds: the PBX clock runs `timeScale` times faster
/// than the real one (scale 600 turns the 30-minute token lifetime into 3 real seconds). The one
/// exception is `deliveryTimeoutMs`, a network timeout in real milliseconds.
public struct SimulatorSettings: Equatable {
    // MARK: identity (deviceinfo, reports)

    /// The serial number in every report and in `deviceinfo` (the OpenVox capture's serial).
    public var sn = "a09805021987"
    public var deviceName = "UC501"
    public var hardwareVersion = "3.1"
    public var firmwareVersion = "4.1.1"
    /// Second half of `deviceinfo.extensionstatus` ("21/300" in the capture).
    public var extensionCapacity = 300
    /// Extension numbers of the PBX, in list order.
    public var extensions: [String] = SimulatorSettings.extensionRange(101, 120)
    /// Extensions listed as `Unavailable` (not registered); calls to them fail.
    public var unavailableExtensions: [String] = []
    /// Trunk name in inbound/outbound reports and queries (the capture's trunk).
    public var trunk = "to-18-16-2"
    /// Digits an outbound route strips: CDR `callto` = prefix + number sent to the trunk
    /// (§10.2 inference: the CDR shows "16101" where the trunk saw "101"). Empty by default.
    public var dialPrefix = ""
    /// Minutes east of UTC for `timestart`, `systemtime` and `uptime`.
    public var utcOffsetMinutes = 0

    // MARK: API credentials, lockout, tokens (§2, §12.5–§12.10)

    public var username = "api"
    /// Clear text; the client sends its lowercase hex MD5.
    public var password = "secret"
    /// Idle lifetime of a token (30 minutes, OV login and heartbeat pages).
    public var tokenLifetimeMs: Int64 = 30 * 60_000
    /// Consecutive failed logins from one client IP before it is blocked (5, OV).
    public var lockoutFailures = 5
    /// How long a blocked IP stays blocked (10 minutes, OV).
    public var lockoutMs: Int64 = 10 * 60_000
    /// Undocumented: does the failure that reaches the limit already answer with the lockout
    /// errno (true), or the bad-credentials errno with only later attempts locked (false)?
    public var lockingFailureReturnsLockout = false
    public var errnos = SimErrnos()
    /// Undocumented: what a second login does to the first client's report destination.
    public var subscribers = SimSubscriberMode.everyToken
    /// Undocumented: with `urltag` 1 and an absolute `url`, whether the url's host:port (true)
    /// or `ipaddr`/login source IP and `port` (false) receive the reports.
    public var absoluteURLWins = true
    /// Undocumented for OpenVox: whether `"version":"1.0.2"` at login selects the Yeastar
    /// `call`-array shape for that client. When false, `shape` applies to every client.
    public var honourLoginVersion = false
    /// Undocumented for OpenVox: whether an empty inbound/outbound query (no body or `{}`) lists
    /// every call (Yeastar says so for inbound) or fails with `errnos.missingParameter`.
    public var emptyQueryListsAll = true
    /// Whether inbound/outbound hangup also accepts the call's other leg id, or only the
    /// `inboundid`/`outboundid` that the query lists.
    public var hangupAcceptsAnyLegID = false

    // MARK: report content (§9–§11, §12.14–§12.18)

    public var shape = SimReportShape.openvox
    /// Send ANSWERED after ANSWER (OV says "a pair"; every OpenVox capture shows ANSWER only).
    public var answerPair = false
    /// ExtensionStatus word for an extension in a call: "InUse" (OV-CN, the capture) or "Busy".
    public var busyStatus = "InUse"
    /// Order of the ALERT/RING pair ("together", order undocumented).
    public var alertRingOrder = SimPairOrder.alertFirst
    /// Where ExtensionStatus reports go relative to the call reports of the same event.
    public var statusPlacement = SimStatusPlacement.afterCallReports
    /// Undocumented: whether two BYEs follow a CallFailed.
    public var byeAfterCallFailed = false
    /// Undocumented: whether a NewCdr (status NO ANSWER / FAILED) follows a CallFailed; the CDR
    /// status values suggest it does.
    public var cdrAfterCallFailed = true
    /// Unanswered calls fail with CallFailed 480 after this long ringing.
    public var ringTimeoutMs: Int64 = 60_000

    // MARK: reboot (§12.10)

    /// Undocumented: whether the PBX sends BootUp to destinations whose token died in the reboot.
    public var bootUpReport = true
    /// How long the API is silent (connections closed) while the PBX restarts.
    public var rebootDurationMs: Int64 = 0

    // MARK: report delivery (§8, §12.11–§12.13)

    public var requestLine = SimRequestLine.emptyTwoSpaces
    public var lineEnding = SimLineEnding.crlf
    /// Undocumented: wait between deliveries of a report the client did not acknowledge.
    public var resendIntervalMs: Int64 = 5_000
    /// Undocumented: resends after the first attempt before the report is given up.
    public var resendLimit = 10
    /// Real milliseconds a delivery may take (connect, write, status line) before it counts as
    /// a timeout.
    public var deliveryTimeoutMs: Int64 = 5_000
    /// Extra deliveries of every report after the client's 200 (duplicates the client must
    /// tolerate).
    public var duplicateAfterAck = 0
    /// Reports waiting per destination; a report arriving at a full queue is dropped and counted.
    public var queueLimit = 256
    /// Entries kept in the log of sent reports (oldest dropped first).
    public var reportLogLimit = 500

    // MARK: clock and traffic

    /// Simulated milliseconds per real millisecond.
    public var timeScale = 1.0
    public var traffic = SimTrafficSettings()
    /// Seed of every random choice (tokens, traffic, random orders).
    public var seed: UInt64 = 1

    public init() {}

    /// "101", "102", … "120" for `extensionRange(101, 120)`.
    public static func extensionRange(_ first: Int, _ last: Int) -> [String] {
        guard first <= last else { return [] }
        var out: [String] = []
        for n in first...last { out.append(String(n)) }
        return out
    }
}

/// The `errno` strings the simulator answers with. Only 30003 (bad login) is OpenVox-observed;
/// the rest are Yeastar numbering (§3), configurable because OpenVox's are unknown.
public struct SimErrnos: Equatable {
    public var badCredentials = "30003"
    public var lockedOut = "20002"
    public var tokenMissing = "20005"
    public var tokenUnknown = "20004"
    public var tokenExpired = "20006"
    public var callUnknown = "10007"
    public var extensionUnknown = "10006"
    public var postOnly = "20001"
    public var unsupportedRequest = "10003"
    public var missingParameter = "10004"
    public var badJSON = "10001"
    public var badXML = "10002"
    public var wrongPort = "20008"

    public init() {}

    /// Setting names as used by `POST /sim/settings` `{"errnos":{...}}`.
    static let names = [
        "bad_credentials", "locked_out", "token_missing", "token_unknown", "token_expired",
        "call_unknown", "extension_unknown", "post_only", "unsupported_request",
        "missing_parameter", "bad_json", "bad_xml", "wrong_port",
    ]

    func value(named name: String) -> String? {
        switch name {
        case "bad_credentials": return badCredentials
        case "locked_out": return lockedOut
        case "token_missing": return tokenMissing
        case "token_unknown": return tokenUnknown
        case "token_expired": return tokenExpired
        case "call_unknown": return callUnknown
        case "extension_unknown": return extensionUnknown
        case "post_only": return postOnly
        case "unsupported_request": return unsupportedRequest
        case "missing_parameter": return missingParameter
        case "bad_json": return badJSON
        case "bad_xml": return badXML
        case "wrong_port": return wrongPort
        default: return nil
        }
    }

    mutating func set(named name: String, to v: String) -> Bool {
        switch name {
        case "bad_credentials": badCredentials = v
        case "locked_out": lockedOut = v
        case "token_missing": tokenMissing = v
        case "token_unknown": tokenUnknown = v
        case "token_expired": tokenExpired = v
        case "call_unknown": callUnknown = v
        case "extension_unknown": extensionUnknown = v
        case "post_only": postOnly = v
        case "unsupported_request": unsupportedRequest = v
        case "missing_parameter": missingParameter = v
        case "bad_json": badJSON = v
        case "bad_xml": badXML = v
        case "wrong_port": wrongPort = v
        default: return false
        }
        return true
    }
}

/// The random call mix of the traffic generator.
public struct SimTrafficSettings: Equatable {
    /// New calls per simulated minute (Poisson arrivals); 0 = no generated traffic.
    public var ratePerMinute = 0.0
    /// Mean talk time (exponential, at least 1 s).
    public var meanDurationMs: Int64 = 60_000
    /// Relative weights of the call types.
    public var internalWeight = 2
    public var inboundWeight = 1
    public var outboundWeight = 1
    /// Share of calls that are never answered (CallFailed 480), in percent.
    public var failPercent = 10
    /// Ringing time before answer, uniform in [min, max].
    public var answerDelayMinMs: Int64 = 2_000
    public var answerDelayMaxMs: Int64 = 10_000

    public init() {}
}

/// Report body layouts (§9.1).
public enum SimReportShape: Equatable {
    /// Top-level `ext`/`inbound`/`outbound`; `extid` an array on extension-to-extension calls.
    case openvox
    /// Yeastar "1.0.2": participants in a `call` array, `sn` everywhere.
    case yeastar102
    /// Yeastar 2017: top-level objects, a repeated `ext` member for two extensions, no `sn`.
    case legacy

    public var name: String {
        switch self {
        case .openvox: return "openvox"
        case .yeastar102: return "yeastar-1.0.2"
        case .legacy: return "legacy"
        }
    }

    public init?(name: String) {
        switch name {
        case "openvox": self = .openvox
        case "yeastar-1.0.2", "yeastar", "1.0.2": self = .yeastar102
        case "legacy": self = .legacy
        default: return nil
        }
    }
}

/// The report request line and headers (§8, §12.12).
public enum SimRequestLine: Equatable {
    /// `POST  HTTP/1.1`: empty target, two spaces (OV-CN capture).
    case emptyTwoSpaces
    /// `POST HTTP/1.1`: the English pages' rendering.
    case emptyOneSpace
    /// `POST <registered path> HTTP/1.1`; an empty path gives the two-space form (the firmware
    /// formatting `POST <url> HTTP/1.1` with the path part of the url).
    case registeredPath
    /// Yeastar: `POST <path or /> HTTP/1.1`, `User-Agent: WebAPI`, `Host: <ip>: <port>`.
    case yeastar

    public var name: String {
        switch self {
        case .emptyTwoSpaces: return "two-spaces"
        case .emptyOneSpace: return "one-space"
        case .registeredPath: return "path"
        case .yeastar: return "yeastar"
        }
    }

    public init?(name: String) {
        switch name {
        case "two-spaces": self = .emptyTwoSpaces
        case "one-space": self = .emptyOneSpace
        case "path": self = .registeredPath
        case "yeastar": self = .yeastar
        default: return nil
        }
    }
}

/// Line ends of the report request head (not visible in the published captures).
public enum SimLineEnding: Equatable {
    case crlf, lf

    public var name: String { self == .crlf ? "crlf" : "lf" }

    public init?(name: String) {
        switch name {
        case "crlf": self = .crlf
        case "lf": self = .lf
        default: return nil
        }
    }
}

/// Order of two reports sent "together" (ALERT and RING).
public enum SimPairOrder: Equatable {
    case alertFirst, ringFirst, random

    public var name: String {
        switch self {
        case .alertFirst: return "alert-first"
        case .ringFirst: return "ring-first"
        case .random: return "random"
        }
    }

    public init?(name: String) {
        switch name {
        case "alert-first": self = .alertFirst
        case "ring-first": self = .ringFirst
        case "random": self = .random
        default: return nil
        }
    }
}

/// Where ExtensionStatus reports go relative to the call reports of the same event.
public enum SimStatusPlacement: Equatable {
    case afterCallReports, beforeCallReports, random

    public var name: String {
        switch self {
        case .afterCallReports: return "after"
        case .beforeCallReports: return "before"
        case .random: return "random"
        }
    }

    public init?(name: String) {
        switch name {
        case "after": self = .afterCallReports
        case "before": self = .beforeCallReports
        case "random": self = .random
        default: return nil
        }
    }
}

/// Who receives reports when several tokens are alive (§13: undocumented).
public enum SimSubscriberMode: Equatable {
    /// Every live token keeps its own destination; a destination registered by several
    /// tokens gets each report once.
    case everyToken
    /// Only the most recent login's destination gets reports; older tokens still work for API
    /// calls.
    case latestLogin
    /// A login invalidates every older token.
    case replaceOnLogin

    public var name: String {
        switch self {
        case .everyToken: return "every-token"
        case .latestLogin: return "latest-login"
        case .replaceOnLogin: return "replace"
        }
    }

    public init?(name: String) {
        switch name {
        case "every-token": self = .everyToken
        case "latest-login": self = .latestLogin
        case "replace": self = .replaceOnLogin
        default: return nil
        }
    }
}

/// How the API behaves while the PBX is "silent" (§12 test hook: unreachable PBX).
public enum SimSilentMode: Equatable {
    case off
    /// Accept connections and requests, never answer.
    case hang
    /// Close every connection as soon as it is accepted.
    case close

    public var name: String {
        switch self {
        case .off: return "off"
        case .hang: return "hang"
        case .close: return "close"
        }
    }

    public init?(name: String) {
        switch name {
        case "off": self = .off
        case "hang": self = .hang
        case "close": self = .close
        default: return nil
        }
    }
}
