/// What `CallTable` has done since it was made. Monotonic; `Int64` so 32-bit ARM cannot wrap.
public struct CallTableCounters: Equatable, Sendable {
    /// Every report given to `apply`.
    public internal(set) var reportsReceived: Int64 = 0
    /// Reports applied: received minus duplicates.
    public internal(set) var reportsApplied: Int64 = 0
    /// Resends recognised by digest and ignored.
    public internal(set) var duplicates: Int64 = 0
    /// Reports that did not fit (see `Effect.anomaly`), refused calls included.
    public internal(set) var anomalies: Int64 = 0
    /// Calls that entered the table (from reports or learned from queries).
    public internal(set) var callsStarted: Int64 = 0
    /// Calls that ended, for any reason.
    public internal(set) var callsEnded: Int64 = 0
    /// Of `callsEnded`: ended by reconciliation.
    public internal(set) var reconciledEnds: Int64 = 0
    /// Of `callsStarted`: learned from the PBX's queries.
    public internal(set) var learnedCalls: Int64 = 0
    /// New calls refused because `maxLiveCalls` was reached.
    public internal(set) var refusedCalls: Int64 = 0
    /// Second (and later accepted) BYEs absorbed by an ended call.
    public internal(set) var absorbedByes: Int64 = 0
    /// NewCdr reports that matched no call (the call is long gone): not anomalies.
    public internal(set) var unmatchedCDRs: Int64 = 0
    /// Invite, Incoming, DTMF, ConfigChange, PlayPromptEnd: recognised, no effect on calls.
    public internal(set) var ignoredReports: Int64 = 0
    /// Ended calls dropped after their retention.
    public internal(set) var expiredCalls: Int64 = 0
    /// Ended calls dropped early because `maxEndedCalls` was reached.
    public internal(set) var evictedCalls: Int64 = 0
    /// Snapshots reconciled.
    public internal(set) var reconciliations: Int64 = 0

    public init() {}
}
