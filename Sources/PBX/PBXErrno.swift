/// The `errno` of a `{"status":"Failed","errno":"..."}` reply, typed. The table is Yeastar's
/// (reference §3): no OpenVox table is published, and the only OpenVox code seen is 30003 on a
/// failed login, so it is read as wrong credentials alongside Yeastar's 20003. Anything else
/// is `.other(code)`, kept verbatim.
public enum PBXErrno: Hashable, Sendable {
    /// 10001: not in any published table; by symmetry with 10002 probably "unsupported JSON".
    case unsupportedJSON
    case unsupportedXML                 // 10002
    case unsupportedRequest             // 10003
    case missingParameter               // 10004
    case extensionNotFound              // 10006
    case callNotFound                   // 10007
    case extensionNotIdle               // 10008
    case monitoringNotAllowed           // 10009
    case monitorModeMismatch            // 10010
    case calledNumberNotFound           // 10011
    case ivrNotFound                    // 10012
    case queueNotFound                  // 10013
    case ringGroupNotFound              // 10014
    case callNotConnected               // 10015
    case acceptRefuseTimedOut           // 10016
    case extensionConfigFailed          // 10017
    case ivrConfigFailed                // 10018
    case queueConfigFailed              // 10019
    case alarmUpdateFailed              // 10020
    case alarmNotFound                  // 10021
    case alarmExists                    // 10022
    case audioFileNotFound              // 10023
    case noOutboundPermission           // 10024
    case configApplyTooFrequent         // 10025
    case gsmModuleUnknown               // 10026
    case gsmBusy                        // 10027
    case numberEmpty                    // 10028
    case smsFileOpenFailed              // 10029
    case smsTextEmpty                   // 10030
    case calleeNotAcceptable            // 10031
    case wrongPassword                  // 10032
    case outboundRouteSaveFailed        // 10033
    case jsonOnly                       // 20000
    case postOnly                       // 20001
    case lockedOut                      // 20002
    /// 20003 (Yeastar) or 30003 (OpenVox login example); the code is kept for the log.
    case wrongCredentials(code: String)
    case noSuchToken                    // 20004
    case tokenEmpty                     // 20005
    case tokenExpired                   // 20006
    case emptyData                      // 20007
    case wrongPort                      // 20008
    case emptyRequest                   // 20009
    case apiCodesError                  // 30001
    case other(String)

    private static let table: [(String, PBXErrno)] = [
        ("10001", .unsupportedJSON), ("10002", .unsupportedXML), ("10003", .unsupportedRequest),
        ("10004", .missingParameter), ("10006", .extensionNotFound), ("10007", .callNotFound),
        ("10008", .extensionNotIdle), ("10009", .monitoringNotAllowed), ("10010", .monitorModeMismatch),
        ("10011", .calledNumberNotFound), ("10012", .ivrNotFound), ("10013", .queueNotFound),
        ("10014", .ringGroupNotFound), ("10015", .callNotConnected), ("10016", .acceptRefuseTimedOut),
        ("10017", .extensionConfigFailed), ("10018", .ivrConfigFailed), ("10019", .queueConfigFailed),
        ("10020", .alarmUpdateFailed), ("10021", .alarmNotFound), ("10022", .alarmExists),
        ("10023", .audioFileNotFound), ("10024", .noOutboundPermission), ("10025", .configApplyTooFrequent),
        ("10026", .gsmModuleUnknown), ("10027", .gsmBusy), ("10028", .numberEmpty),
        ("10029", .smsFileOpenFailed), ("10030", .smsTextEmpty), ("10031", .calleeNotAcceptable),
        ("10032", .wrongPassword), ("10033", .outboundRouteSaveFailed),
        ("20000", .jsonOnly), ("20001", .postOnly), ("20002", .lockedOut),
        ("20003", .wrongCredentials(code: "20003")), ("20004", .noSuchToken), ("20005", .tokenEmpty),
        ("20006", .tokenExpired), ("20007", .emptyData), ("20008", .wrongPort), ("20009", .emptyRequest),
        ("30001", .apiCodesError), ("30003", .wrongCredentials(code: "30003")),
    ]

    /// Maps the wire code exactly (no trimming); unknown codes become `.other(code)`.
    public init(code: String) {
        for (c, e) in PBXErrno.table where c == code { self = e; return }
        self = .other(code)
    }

    /// The code as the PBX wrote it.
    public var code: String {
        switch self {
        case .wrongCredentials(let c): return c
        case .other(let c): return c
        default:
            for (c, e) in PBXErrno.table where e == self { return c }
            return ""
        }
    }

    /// The token is missing, unknown or expired: log in again.
    public var isTokenError: Bool {
        switch self {
        case .noSuchToken, .tokenEmpty, .tokenExpired: return true
        default: return false
        }
    }

    /// A login was refused: back off (5 failures lock the client IP out for 10 minutes).
    public var isAuthFailure: Bool {
        switch self {
        case .lockedOut, .wrongCredentials: return true
        default: return false
        }
    }

    /// What the code means, for a PBX admin, with the code itself.
    public var message: String {
        let text: String
        switch self {
        case .unsupportedJSON: text = "unsupported JSON packet format (10001 is undocumented; assumed)"
        case .unsupportedXML: text = "unsupported XML packet format"
        case .unsupportedRequest: text = "unsupported API request"
        case .missingParameter: text = "a required parameter is empty"
        case .extensionNotFound: text = "extension does not exist"
        case .callNotFound: text = "call does not exist"
        case .extensionNotIdle: text = "extension is not idle"
        case .monitoringNotAllowed: text = "extension does not allow monitoring"
        case .monitorModeMismatch: text = "monitor mode mismatch"
        case .calledNumberNotFound: text = "called number does not exist"
        case .ivrNotFound: text = "IVR does not exist"
        case .queueNotFound: text = "queue does not exist"
        case .ringGroupNotFound: text = "ring group does not exist"
        case .callNotConnected: text = "call not connected"
        case .acceptRefuseTimedOut: text = "accepting or refusing the call timed out"
        case .extensionConfigFailed: text = "extension configuration failed"
        case .ivrConfigFailed: text = "IVR configuration failed"
        case .queueConfigFailed: text = "queue configuration failed"
        case .alarmUpdateFailed: text = "adding or changing the alarm failed"
        case .alarmNotFound: text = "alarm does not exist"
        case .alarmExists: text = "alarm already exists"
        case .audioFileNotFound: text = "audio file does not exist"
        case .noOutboundPermission: text = "extension has no outbound permission"
        case .configApplyTooFrequent: text = "configuration applied too often"
        case .gsmModuleUnknown: text = "GSM module name unknown"
        case .gsmBusy: text = "GSM module busy or none idle"
        case .numberEmpty: text = "number is empty"
        case .smsFileOpenFailed: text = "SMS file could not be opened"
        case .smsTextEmpty: text = "SMS text is empty"
        case .calleeNotAcceptable: text = "callee number not acceptable"
        case .wrongPassword: text = "wrong password"
        case .outboundRouteSaveFailed: text = "saving the extension's outbound route settings failed"
        case .jsonOnly: text = "the PBX accepts JSON only"
        case .postOnly: text = "the PBX accepts POST only"
        case .lockedOut: text = "login refused: this client is locked out (5 failures block it for 10 minutes)"
        case .wrongCredentials: text = "login refused: wrong API username or password"
        case .noSuchToken: text = "no such token"
        case .tokenEmpty: text = "token is empty"
        case .tokenExpired: text = "token expired"
        case .emptyData: text = "empty data"
        case .wrongPort: text = "wrong port"
        case .emptyRequest: text = "empty request"
        case .apiCodesError: text = "API codes error"
        case .other(let c):
            return c.isEmpty ? "PBX reported failure without an errno" : "PBX error " + c + " (not in the known table)"
        }
        return text + " (errno " + code + ")"
    }
}

extension PBXErrno: CustomStringConvertible {
    /// The wire code, as the session's log lines print it.
    public var description: String { code }
}
