/// Counters shown by `GET /sim/state`.
public struct SimCounters: Equatable {
    public var apiRequests: Int64 = 0
    public var apiFailures: Int64 = 0
    /// Requests that got no answer because the PBX was silent or rebooting.
    public var apiUnanswered: Int64 = 0
    public var loginsOK: Int64 = 0
    public var loginsFailed: Int64 = 0
    /// Logins refused because the client IP was blocked (even with the right password).
    public var loginsBlocked: Int64 = 0
    public var lockouts: Int64 = 0
    /// Heartbeat requests, answered Success or not.
    public var heartbeatRequests: Int64 = 0
    public var heartbeatsOK: Int64 = 0
    public var logouts: Int64 = 0
    public var tokensExpired: Int64 = 0
    /// Tokens dropped because `maxSessions` were alive.
    public var tokensEvicted: Int64 = 0
    public var callsStarted: Int64 = 0
    public var callsAnswered: Int64 = 0
    public var callsFailed: Int64 = 0
    public var callsCompleted: Int64 = 0
    public var callsTransferred: Int64 = 0
    public var apiHangups: Int64 = 0
    /// Report events produced (each may go to several destinations).
    public var reportsGenerated: Int64 = 0
    /// Report events produced while nobody had a live token with a destination.
    public var reportsUnsubscribed: Int64 = 0
    /// Report events swallowed while the PBX was silent or rebooting.
    public var reportsSuppressed: Int64 = 0
    public var trafficCallsSkipped: Int64 = 0
    public var reboots: Int64 = 0

    public init() {}
}
