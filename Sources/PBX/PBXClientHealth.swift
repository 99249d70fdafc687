/// The session as the health endpoint shows it. Times the admin reads are wall clock
/// (ms since 1970); ages are durations.
public struct PBXClientHealth: Equatable, Sendable {
    /// `logged_in`, `logging_in`, `auth_failed`, `unreachable` or `logged_out`.
    public var state: PBXSessionState
    public var lastHeartbeatWallMs: Int64?
    /// Last reply of any kind from the PBX (Success or Failed) to any call.
    public var lastContactWallMs: Int64?
    /// Age of the token held; nil without one.
    public var tokenAgeMs: Int64?
    public var counters: PBXSessionCounters
    /// Counted failed logins in the budget window now (the budget allows
    /// `loginBudgetMaxFailures`).
    public var loginFailuresInWindow: Int
    /// Why the last login failed; nil after a success.
    public var lastLoginError: String?
    /// When the machine's timer fires next (heartbeat or login attempt), ms from now.
    public var nextActionInMs: Int64?

    public init(state: PBXSessionState, lastHeartbeatWallMs: Int64?, lastContactWallMs: Int64?,
                tokenAgeMs: Int64?, counters: PBXSessionCounters, loginFailuresInWindow: Int,
                lastLoginError: String?, nextActionInMs: Int64?) {
        self.state = state
        self.lastHeartbeatWallMs = lastHeartbeatWallMs
        self.lastContactWallMs = lastContactWallMs
        self.tokenAgeMs = tokenAgeMs
        self.counters = counters
        self.loginFailuresInWindow = loginFailuresInWindow
        self.lastLoginError = lastLoginError
        self.nextActionInMs = nextActionInMs
    }
}
