/// Monotonic counters for the health endpoint. `Int64`: `Int` is 32-bit on ARM appliances.
public struct PBXSessionCounters: Equatable, Sendable {
    public var loginsOK: Int64 = 0
    /// Every failed login attempt, whatever the cause (transport ones included).
    public var loginsFailed: Int64 = 0
    /// Failed logins the PBX saw (refused or malformed reply): the ones charged to the budget.
    public var loginsCounted: Int64 = 0
    /// Login attempts postponed because the budget or the auth-failure spacing forbade them.
    public var loginsDeferred: Int64 = 0
    public var heartbeatsOK: Int64 = 0
    public var heartbeatsFailed: Int64 = 0
    /// Logins made because a token was lost (token error, failed heartbeat, BootUp).
    public var relogins: Int64 = 0
    /// Transport-level failures of any call: login, heartbeat, logout, request.
    public var transportErrors: Int64 = 0
    public var requestsOK: Int64 = 0
    public var requestsFailed: Int64 = 0
    public var bootUps: Int64 = 0
    public init() {}
}
