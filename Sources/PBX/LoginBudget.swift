/// A hard sliding-window cap on failed logins, independent of any backoff.
///
/// The PBX blocks the client IP for 10 minutes after 5 failed logins (reference §2.1). Backoff
/// alone cannot promise that never happens (a BootUp, a token error or a restart can each ask
/// for an immediate login), so every login attempt is first checked here: an attempt is allowed
/// only while fewer than `maxFailures` failures lie inside the window, so it can never be the
/// failure that reaches the PBX's limit.
///
/// Failures are recorded when the reply arrives, which is never earlier than the moment the PBX
/// counted them, so the window measured here ends no earlier than the PBX's own. A failure stays
/// in the window while `now - failure <= windowMs` (inclusive), so two counted failures `windowMs`
/// apart still count as "in one window".
public struct LoginBudget: Equatable, Sendable {
    /// The PBX locks the IP after 5; this stays one below.
    public static let openVoxMaxFailures = 4
    /// The PBX's lockout window.
    public static let openVoxWindowMs: Int64 = 600_000

    public let maxFailures: Int
    public let windowMs: Int64
    /// Failure times (ms), ascending, pruned to the window. At most `maxFailures` + 1 entries
    /// survive a prune, since an attempt is never allowed once `maxFailures` are in the window.
    public private(set) var failures: [Int64] = []

    /// `maxFailures` is clamped to 1...4: a budget that allows a 5th failure is not a budget.
    public init(maxFailures: Int = LoginBudget.openVoxMaxFailures,
                windowMs: Int64 = LoginBudget.openVoxWindowMs) {
        self.maxFailures = min(max(maxFailures, 1), LoginBudget.openVoxMaxFailures)
        self.windowMs = max(windowMs, 1)
    }

    /// Counts one failed login observed at `now`.
    public mutating func recordFailure(at now: Int64) {
        var i = failures.count
        while i > 0 && failures[i - 1] > now { i -= 1 }
        failures.insert(now, at: i)
        prune(now: now)
    }

    /// Failures still inside the window at `now`.
    public func failuresInWindow(at now: Int64) -> Int {
        var n = 0
        for f in failures where now - f <= windowMs { n += 1 }
        return n
    }

    /// Whether a login attempt at `now` is allowed: it could fail, and that failure must not be
    /// the `maxFailures + 1`-th inside any window.
    public func allows(at now: Int64) -> Bool {
        failuresInWindow(at: now) < maxFailures
    }

    /// The earliest time `>= now` at which an attempt is allowed, assuming no new failures.
    public func nextAllowed(at now: Int64) -> Int64 {
        var inWindow: [Int64] = []
        for f in failures where now - f <= windowMs { inWindow.append(f) }
        if inWindow.count < maxFailures { return now }
        // The count must drop to maxFailures - 1: the (count - maxFailures + 1) oldest must leave.
        let blocker = inWindow[inWindow.count - maxFailures]
        return max(now, blocker + windowMs + 1)
    }

    private mutating func prune(now: Int64) {
        failures.removeAll { now - $0 > windowMs }
    }
}
