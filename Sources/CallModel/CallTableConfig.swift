/// Every limit and time window of `CallTable`, with why it has its value. All times in ms.
public struct CallTableConfig: Equatable, Sendable {
    /// How long an ended call stays visible (and can still take its second BYE and its NewCdr).
    public var endedRetentionMs: Int64 = 600_000
    /// A call report whose body digest was seen this recently is a resend (reference §11, §12
    /// item 13: the PBX resends until it gets a 200, interval unknown).
    public var dedupeWindowMs: Int64 = 600_000
    /// Digests remembered at most; the oldest is forgotten first. 4096 is hours of reports on a
    /// busy small-office PBX and 64 KiB of memory.
    public var dedupeCapacity: Int = 4096
    /// Live calls at most. A new call past it is refused with an anomaly, never a crash: a
    /// UC500 carries tens of calls, so hitting this means ghosts or a hostile sender.
    public var maxLiveCalls: Int = 20_000
    /// Ended calls kept at most during their retention; the oldest are dropped first.
    public var maxEndedCalls: Int = 20_000
    /// PBX ids kept per call (oldest dropped). A call has a handful of legs; a queue with many
    /// members has more, and the newest ids are the ones later reports carry.
    public var maxPBXIDsPerCall: Int = 32
    /// Extensions kept per call (involved and current), e.g. a large ring group.
    public var maxExtensionsPerCall: Int = 32
    /// Transfer records kept per call; `Call.transferCount` counts them all.
    public var maxTransfersPerCall: Int = 16
    /// Extensions in the extension table at most (a UC500 has up to 500).
    public var maxExtensionStates: Int = 10_000
    /// How long after its end a call still claims late reports that have no id in common with
    /// it: the second BYE (sent right after the first), a late ANSWER or RING, a CallFailed after
    /// a BYE. Within it such a report is matched to the ended call (absorbed or counted as an
    /// anomaly) instead of starting a ghost call.
    public var lateReportWindowMs: Int64 = 30_000
    /// How long after its end a call can take a NewCdr matched only by callfrom/callto.
    public var cdrWindowMs: Int64 = 120_000
    /// How long after a Tranfer report the call admits a new extension (the transfer target)
    /// or a changed trunk `to` without ids in common.
    public var transferWindowMs: Int64 = 120_000
    /// Consecutive PBX polls that must miss a live call before it ends as `reconciled`.
    public var missingPollsToEnd: Int64 = 2
    /// A trunk call the PBX lists that ended this recently (by report) is a race between the
    /// query and the BYE, not a call to learn.
    public var reconcileEndedGraceMs: Int64 = 30_000

    public init() {}
}
