/// The session as reported on the health endpoint. The descriptions are part of the API.
public enum PBXSessionState: Equatable, Sendable, CustomStringConvertible {
    /// A token exists and the PBX accepted it on the last contact.
    case loggedIn
    /// A login is under way: at start, or after the token was lost, until it succeeds or fails.
    case loggingIn
    /// The PBX refused the credentials (wrong password or locked). Retried at most once per
    /// 10 minutes until it succeeds.
    case authFailed
    /// Requests fail at transport level (refused, timeout): the PBX is not answering.
    case unreachable
    /// Not started, or shut down.
    case loggedOut

    public var description: String {
        switch self {
        case .loggedIn: return "logged_in"
        case .loggingIn: return "logging_in"
        case .authFailed: return "auth_failed"
        case .unreachable: return "unreachable"
        case .loggedOut: return "logged_out"
        }
    }
}
