/// One call as the agent knows it: every PBX leg id seen for it, its parties, its state.
/// Values only; `CallTable` is the one writer.

/// Like Kamailio's dialog states, each state says exactly what is known. A hang-up the agent
/// asked for is not `ended` (see `Call.hangupRequestedAt`), and a table that cannot reach the PBX
/// is marked stale as a whole (`CallTable.staleSince`) rather than ending its calls.
public enum CallState: Equatable, Sendable, CustomStringConvertible {
    /// Set up (ALERT/RING seen, or learned from a query as not yet talking); nobody answered.
    case ringing
    /// Connected: ANSWER/ANSWERED seen, or learned from a query as `Talking`.
    case answered
    /// Over: a BYE, a CallFailed or reconciliation ended it. Terminal.
    case ended

    public var description: String {
        switch self {
        case .ringing: return "ringing"
        case .answered: return "answered"
        case .ended: return "ended"
        }
    }
}

public enum EndReason: Equatable, Sendable, CustomStringConvertible {
    /// The first BYE ended the call. `by` is the party listed first in it, the one who hung up:
    /// an extension number, or the external number when the trunk object was listed first.
    case hangup(by: String?)
    /// CallFailed: the call never connected. The reason as the PBX gave it (480 on OpenVox).
    case failed(FailureReason?)
    /// The PBX stopped showing the call in two consecutive polls while no BYE arrived.
    case reconciled

    public var description: String {
        switch self {
        case .hangup: return "hangup"
        case .failed: return "failed"
        case .reconciled: return "reconciled"
        }
    }

    /// The reason with its detail, for people: "hangup by 106", "failed: 480".
    public var detail: String {
        switch self {
        case .hangup(let by):
            if let by { return "hangup by " + by }
            return "hangup"
        case .failed(let reason):
            if let reason { return "failed: " + reason.description }
            return "failed"
        case .reconciled:
            return "reconciled: missing from consecutive PBX polls"
        }
    }
}

/// One `Tranfer` report as applied to a call.
public struct CallTransfer: Equatable, Sendable, CustomStringConvertible {
    public var at: Int64
    /// The extensions the report listed, in payload order.
    public var listed: [ExtensionNumber]
    /// The extension taken to have initiated the transfer: the last one listed (see
    /// `CallTable` "Tranfer").
    public var by: ExtensionNumber?

    public init(at: Int64, listed: [ExtensionNumber], by: ExtensionNumber?) {
        self.at = at; self.listed = listed; self.by = by
    }

    public var description: String {
        var s = "transfer at " + String(at) + " listing " + joinedNumbers(listed)
        if let by { s += " by " + by.value }
        return s
    }
}

/// Which report kinds a call has seen; decides whether a late report still belongs to it.
struct SeenReports: OptionSet, Equatable, Sendable {
    let rawValue: UInt8
    static let alert = SeenReports(rawValue: 1 << 0)
    static let ring = SeenReports(rawValue: 1 << 1)
    static let answer = SeenReports(rawValue: 1 << 2)
    static let bye = SeenReports(rawValue: 1 << 3)
    static let failed = SeenReports(rawValue: 1 << 4)
    static let transfer = SeenReports(rawValue: 1 << 5)
    static let cdr = SeenReports(rawValue: 1 << 6)
}

public struct Call: Equatable, Sendable {
    public let id: CallID
    /// Every `callid`, `inboundid` and `outboundid` seen for this call, oldest first, without
    /// duplicates; at most `CallTableConfig.maxPBXIDsPerCall` (the oldest are dropped).
    public internal(set) var pbxIDs: [PBXCallID] = []
    public internal(set) var direction: Direction
    /// Who called: an extension number for internal and outbound calls, the external number
    /// (`inbound.from`) for inbound calls. Empty while unknown.
    public internal(set) var caller: String
    /// Who was called: an extension number for internal calls, `inbound.to` / `outbound.to` for
    /// trunk calls. Empty while unknown (a call known only from an ALERT).
    public internal(set) var callee: String
    /// The latest `inboundid`/`outboundid` seen or listed by the PBX's query: what the PBX's
    /// inbound/outbound hang-up wants.
    public internal(set) var trunkID: PBXCallID?
    /// Every extension ever involved (ringing, talking, transferring), first seen first.
    public internal(set) var extensions: [ExtensionNumber] = []
    /// The extensions on the call now: a transfer's initiator leaves, the answering member of a
    /// ring group stays and the others drop out.
    public internal(set) var parties: [ExtensionNumber] = []
    public internal(set) var state: CallState = .ringing
    public let startedAt: Int64
    public internal(set) var answeredAt: Int64?
    public internal(set) var endedAt: Int64?
    public internal(set) var endReason: EndReason?
    /// When a report (or a query) last touched the call.
    public internal(set) var lastReportAt: Int64
    /// The call was first seen in the PBX's inbound/outbound query, not in a report.
    public internal(set) var learnedFromQuery: Bool = false
    /// When the agent last asked the PBX to hang the call up. The call stays live until a BYE,
    /// a CallFailed or reconciliation ends it: a refused or failed hang-up changes nothing.
    public internal(set) var hangupRequestedAt: Int64?
    public internal(set) var cdr: CDR?
    /// The latest transfers, oldest first; at most `CallTableConfig.maxTransfersPerCall`.
    public internal(set) var transfers: [CallTransfer] = []
    /// All transfers, including those no longer kept in `transfers`.
    public internal(set) var transferCount: Int64 = 0
    /// Consecutive PBX polls that did not show this live call.
    public internal(set) var missingPolls: Int64 = 0

    // Correlation state, not part of what the call "is".
    /// The latest trunk leg seen: its from/to/trunk are the trunk-call key.
    var leg: TrunkLeg?
    /// `caller`/`callee` came from a report that states roles (ALERT, RING, a trunk object);
    /// a call created from an ANSWER or a CallFailed only guessed them.
    var rolesConfirmed = false
    var seen: SeenReports = []
    /// BYE reports seen, the one that ended the call included. A call takes two.
    var byeCount: Int64 = 0
    var transferPendingSince: Int64?

    init(id: CallID, direction: Direction, caller: String, callee: String, now: Int64) {
        self.id = id; self.direction = direction; self.caller = caller; self.callee = callee
        self.startedAt = now; self.lastReportAt = now
    }

    /// The trunk the call uses, for inbound and outbound calls.
    public var trunk: String? { leg?.trunk }
    public var isLive: Bool { state != .ended }
    /// The party listed first in the BYE that ended the call.
    public var hungUpBy: String? {
        if case .hangup(let by)? = endReason { return by }
        return nil
    }

    /// Short facts beside the state, for people and APIs: `hangup_requested` (asked, not yet
    /// confirmed by the PBX), `learned_from_query`, `missing_from_query` (absent from the last
    /// poll), `transferring`.
    public var flags: [String] {
        var f: [String] = []
        if hangupRequestedAt != nil && isLive { f.append("hangup_requested") }
        if learnedFromQuery { f.append("learned_from_query") }
        if missingPolls > 0 && isLive { f.append("missing_from_query") }
        if transferPendingSince != nil && isLive { f.append("transferring") }
        return f
    }

    /// Known only from a caller-side ALERT: no callee and no trunk yet. It may still turn out
    /// to be an outbound call (the outbound ALERT carries only `ext`).
    var isProvisional: Bool { direction == .internal && callee.isEmpty && leg == nil }

    var trunkKey: TrunkKey? {
        guard direction != .internal, let leg else { return nil }
        return TrunkKey(direction: direction, from: leg.from, to: leg.to, trunk: leg.trunk)
    }

    func isTransferPending(now: Int64, windowMs: Int64) -> Bool {
        guard let since = transferPendingSince, isLive else { return false }
        return now - since <= windowMs
    }
}

extension Call: CustomStringConvertible {
    public var description: String {
        var s = "call " + id.description + " " + direction.description + " " + state.description
        s += " " + (caller.isEmpty ? "?" : caller) + "->" + (callee.isEmpty ? "?" : callee)
        if let trunk { s += " trunk " + trunk }
        if !parties.isEmpty { s += " parties " + joinedNumbers(parties) }
        if let endReason { s += " (" + endReason.detail + ")" }
        return s
    }
}

/// A trunk call's identity across legs: direction and the trunk object's from/to/trunk.
struct TrunkKey: Hashable, Sendable {
    // `Direction` is not Hashable (fixed input type), so the key keeps a code for it.
    let directionCode: UInt8
    let from: String
    let to: String
    let trunk: String

    init(direction: Direction, from: String, to: String, trunk: String) {
        switch direction {
        case .inbound: directionCode = 1
        case .outbound: directionCode = 2
        case .internal: directionCode = 0
        }
        self.from = from; self.to = to; self.trunk = trunk
    }
}

func joinedNumbers(_ numbers: [ExtensionNumber]) -> String {
    var s = ""
    for n in numbers {
        if !s.isEmpty { s += "," }
        s += n.value
    }
    return s
}
