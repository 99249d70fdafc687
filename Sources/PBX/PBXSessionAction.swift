/// What the session machine asks its shell to do. The shell carries the actions out in order.
public enum PBXSessionAction: Equatable, Sendable {
    /// POST login; answer with `loginSucceeded` or `loginFailed`.
    case sendLogin
    /// POST heartbeat with this token; answer with `heartbeatSucceeded`/`heartbeatFailed`.
    case sendHeartbeat(token: String)
    /// POST logout with this token; answer with `logoutFinished` whatever the outcome.
    case sendLogout(token: String)
    /// The machine's single timer: replaces any earlier deadline. Answer with `timerFired`.
    case armTimer(at: Int64)
    case cancelTimer
    case stateChanged(from: PBXSessionState, to: PBXSessionState)
    /// The token became usable for requests (after a login, or when the PBX accepted it again
    /// after an outage). The agent should reconcile its call table now.
    case sessionReady(token: String, reason: PBXSessionReadyReason)
    /// The token is no longer usable: requests must fail fast until the next `sessionReady`.
    case sessionLost
    case log(PBXSessionLogLevel, String)
    /// Shutdown finished (logged out, or nothing to log out). Nothing more will be asked.
    case shutdownComplete
}

public enum PBXSessionReadyReason: Equatable, Sendable, CustomStringConvertible {
    /// The first login since start.
    case login
    /// A new token after the previous one was lost.
    case relogin
    /// The same token, confirmed by a heartbeat after an outage.
    case recovered
    public var description: String {
        switch self {
        case .login: return "login"
        case .relogin: return "relogin"
        case .recovered: return "recovered"
        }
    }
}

public enum PBXSessionLogLevel: Equatable, Sendable, CustomStringConvertible {
    case debug, info, warning, error
    public var description: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .warning: return "warning"
        case .error: return "error"
        }
    }
}
