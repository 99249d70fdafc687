/// Timing and lockout parameters of the session machine, in milliseconds. `init` clamps every
/// value into a safe range, so a bad config can slow the session down but never make it hammer
/// the PBX or risk the 10-minute IP block.
public struct PBXSessionConfig: Equatable, Sendable {
    /// Heartbeat cadence. The token dies after 30 idle minutes (reference §2.1); 5 minutes
    /// leaves room for several lost heartbeats. Clamped to 1 s ... 25 min.
    public var heartbeatIntervalMs: Int64
    /// First retry delay after a failure; doubles per consecutive failure up to `backoffCapMs`.
    public var backoffBaseMs: Int64
    /// Longest retry delay (login retries and outage probes). Clamped to at least the base.
    public var backoffCapMs: Int64
    /// After a wrong password or a lockout reply, the next login waits at least this long
    /// (the PBX block lasts 10 minutes). Clamped to at least 10 minutes.
    public var authRetryIntervalMs: Int64
    /// Extra random delay added to `authRetryIntervalMs`, so retries do not land exactly on the
    /// end of the PBX's block.
    public var authRetryJitterMs: Int64
    /// The hard budget: at most this many counted login failures per `loginBudgetWindowMs`.
    /// Clamped to 1...4 (the PBX blocks on the 5th).
    public var loginBudgetMaxFailures: Int
    /// The PBX's window is 600 s; the default adds 5 s for network delay and a PBX that keeps
    /// whole-second timestamps. Clamped to at least 600 s.
    public var loginBudgetWindowMs: Int64
    /// Consecutive transport failures (heartbeats or requests) before the session is declared
    /// `unreachable`; below that a failure only triggers an early probe heartbeat.
    public var transportFailuresBeforeUnreachable: Int

    public init(heartbeatIntervalMs: Int64 = 300_000,
                backoffBaseMs: Int64 = 1_000,
                backoffCapMs: Int64 = 300_000,
                authRetryIntervalMs: Int64 = 600_000,
                authRetryJitterMs: Int64 = 30_000,
                loginBudgetMaxFailures: Int = LoginBudget.openVoxMaxFailures,
                loginBudgetWindowMs: Int64 = 605_000,
                transportFailuresBeforeUnreachable: Int = 2) {
        self.heartbeatIntervalMs = min(max(heartbeatIntervalMs, 1_000), 1_500_000)
        self.backoffBaseMs = min(max(backoffBaseMs, 100), 60_000)
        self.backoffCapMs = min(max(backoffCapMs, self.backoffBaseMs), 3_600_000)
        self.authRetryIntervalMs = min(max(authRetryIntervalMs, LoginBudget.openVoxWindowMs), 86_400_000)
        self.authRetryJitterMs = min(max(authRetryJitterMs, 0), 600_000)
        self.loginBudgetMaxFailures = min(max(loginBudgetMaxFailures, 1), LoginBudget.openVoxMaxFailures)
        self.loginBudgetWindowMs = min(max(loginBudgetWindowMs, LoginBudget.openVoxWindowMs), 86_400_000)
        self.transportFailuresBeforeUnreachable = min(max(transportFailuresBeforeUnreachable, 1), 100)
    }
}
