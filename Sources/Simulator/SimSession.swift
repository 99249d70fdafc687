/// A logged-in API client.
public struct SimSession: Equatable {
    public let token: String
    public let clientIP: String
    public internal(set) var destination: SimDestination?
    /// `version` sent at login ("0.0.1", "1.0.2", …), if any.
    public let version: String?
    public let loginSeq: Int64
    /// Simulated ms.
    public let createdAt: Int64
    public internal(set) var lastActivity: Int64
    public internal(set) var heartbeats: Int64 = 0
}

/// Failed-login bookkeeping for one client IP.
public struct SimLockout: Equatable {
    public internal(set) var failures = 0
    /// Simulated ms; nil while not blocked.
    public internal(set) var blockedUntil: Int64?
}
