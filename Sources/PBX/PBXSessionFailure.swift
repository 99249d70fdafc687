/// Why one PBX API call failed, as the session machine sees it. `PBXFailure` lives in this file
/// because it is the machine's input vocabulary.
///
/// The split matters for the lockout: a `.transport` failure never reached the PBX's login
/// check, a `.rejected` one certainly did, and a `.malformed` one got *some* answer, so it is
/// counted against the login budget as if the PBX had seen it.
public enum PBXFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// Connection refused, reset, timed out, DNS/TLS failure: the PBX gave no answer.
    case transport(String)
    /// HTTP 200 with `{"status":"Failed","errno":...}`; the text names what was refused
    /// ("the login request").
    case rejected(PBXErrno, String)
    /// Something answered, but not with a PBX reply (HTML, truncated, oversized, not JSON,
    /// a non-200 status).
    case malformed(String)

    public var message: String {
        switch self {
        case .transport(let m): return "PBX unreachable: " + m
        case .rejected(let errno, let what): return "PBX refused " + what + ": " + errno.message
        case .malformed(let m): return "PBX reply not understood: " + m
        }
    }
    public var description: String { message }

    public var isTransport: Bool {
        if case .transport = self { return true }
        return false
    }
}
