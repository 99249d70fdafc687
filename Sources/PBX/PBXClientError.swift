/// Why a PBX API call made through `PBXClient` failed. Every case carries an admin-readable
/// `message`; `isTransport` and `isRefusal` tell the native API which answer to give (an
/// unreachable or logged-out PBX is a 503 (`isServiceUnavailable`), a refusal is the PBX's
/// verdict on the request).
public enum PBXClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The session has no usable token (`state` says why); the request was not sent.
    case notLoggedIn(PBXSessionState)
    /// Refused, reset, timed out, DNS or TLS failure: no answer from the PBX.
    case unreachable(String)
    /// HTTP 200 with `{"status":"Failed","errno":...}`; the text names what was refused
    /// ("the inbound/hangup request").
    case refused(PBXErrno, String)
    /// An answer that is not a PBX reply: HTML, not JSON, truncated, oversized, non-200, or a
    /// Success reply missing what the endpoint must return.
    case malformed(String)
    /// Too many requests in flight; the request was not sent.
    case busy(String)

    public var message: String {
        switch self {
        case .notLoggedIn(let state):
            return "not logged in to the PBX (session " + state.description + ")"
        case .unreachable(let m): return "PBX unreachable: " + m
        case .refused(let errno, let what): return "PBX refused " + what + ": " + errno.message
        case .malformed(let m): return "PBX reply not understood: " + m
        case .busy(let m): return "PBX client busy: " + m
        }
    }

    public var description: String { message }

    /// The PBX's errno, for a refusal.
    public var errno: PBXErrno? {
        if case .refused(let e, _) = self { return e }
        return nil
    }

    /// The request got no answer at transport level (the PBX is unreachable).
    public var isTransport: Bool {
        if case .unreachable = self { return true }
        return false
    }

    /// The PBX could not be asked or did not answer: not logged in, unreachable, busy. The
    /// native API answers these with 503.
    public var isServiceUnavailable: Bool {
        switch self {
        case .notLoggedIn, .unreachable, .busy: return true
        case .refused, .malformed: return false
        }
    }

    /// The PBX answered `Failed`.
    public var isRefusal: Bool {
        if case .refused = self { return true }
        return false
    }

    /// The same failure as the session machine sees it (nil for failures never sent).
    public var sessionFailure: PBXFailure? {
        switch self {
        case .unreachable(let m): return .transport(m)
        case .refused(let e, let m): return .rejected(e, m)
        case .malformed(let m): return .malformed(m)
        case .notLoggedIn, .busy: return nil
        }
    }
}
