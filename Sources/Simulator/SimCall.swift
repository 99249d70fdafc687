/// Call types as the reports and CDRs name them.
public enum SimCallKind: Equatable {
    case `internal`, inbound, outbound

    public var name: String {
        switch self {
        case .internal: return "internal"
        case .inbound: return "inbound"
        case .outbound: return "outbound"
        }
    }

    /// CDR `type`.
    var cdrType: String {
        switch self {
        case .internal: return "Internal"
        case .inbound: return "Inbound"
        case .outbound: return "Outbound"
        }
    }

    public init?(name: String) {
        switch name {
        case "internal": self = .internal
        case "inbound": self = .inbound
        case "outbound": self = .outbound
        default: return nil
        }
    }
}

public enum SimSide: Equatable {
    case caller, callee

    public var name: String { self == .caller ? "caller" : "callee" }
    var other: SimSide { self == .caller ? .callee : .caller }

    public init?(name: String) {
        switch name {
        case "caller": self = .caller
        case "callee": self = .callee
        default: return nil
        }
    }
}

public enum SimCallState: Equatable {
    case ringing, talking, ended

    public var name: String {
        switch self {
        case .ringing: return "ringing"
        case .talking: return "talking"
        case .ended: return "ended"
        }
    }
}

/// What a test or the traffic generator asks for (`POST /sim/calls`).
public struct SimCallSpec: Equatable {
    public var kind: SimCallKind
    /// Extension number, or the external number of an inbound call.
    public var from: String
    /// Extension number, or the external number dialled on an outbound call (without prefix).
    public var to: String
    /// Answer this long after the call starts; nil = ring until told (or until it fails).
    public var answerAfterMs: Int64?
    /// Talk this long after the answer, then `hangupBy` hangs up; nil = talk until told.
    public var durationMs: Int64?
    public var hangupBy: SimSide
    /// Never answered: CallFailed at `answerAfterMs` (or after `ringTimeoutMs`).
    public var fail: Bool
    public var failReason: Int

    public init(kind: SimCallKind, from: String, to: String, answerAfterMs: Int64? = nil, durationMs: Int64? = nil,
                hangupBy: SimSide = .caller, fail: Bool = false, failReason: Int = 480) {
        self.kind = kind
        self.from = from
        self.to = to
        self.answerAfterMs = answerAfterMs
        self.durationMs = durationMs
        self.hangupBy = hangupBy
        self.fail = fail
        self.failReason = failReason
    }
}

/// One call of the simulated PBX.
///
/// Ids (§11, §12.14): every call has two legs, `legA` and `legB`, drawn from the PBX-wide
/// sequence two apart (the captures' pairs .1690/.1692, .1707/.1709, .1758/.1760, .1775/.1777,
/// .1962/.1964). Which report carries which leg follows the captures, see `SimulatedPBX+Reports`.
/// `inboundid`/`outboundid` of the query and of hangup is `legA`.
public struct SimCall: Equatable {
    public let id: Int64
    public let kind: SimCallKind
    /// Extension of the caller (internal, outbound); nil on inbound calls.
    public internal(set) var callerExt: String?
    /// Extension of the callee (internal, inbound); nil on outbound calls.
    public internal(set) var calleeExt: String?
    /// The external number: caller of an inbound call, callee of an outbound one.
    public let external: String?
    /// Inbound: the number the external party dialled (`inbound.to`); fixed by transfers.
    public let inboundTo: String?
    /// Outbound: the extension that dialled (`outbound.from`); fixed by transfers.
    public let outboundFrom: String?
    public let trunk: String
    public internal(set) var legA: String
    public internal(set) var legB: String
    public internal(set) var state: SimCallState
    public internal(set) var held = false
    /// Simulated ms.
    public let startedAt: Int64
    public internal(set) var answeredAt: Int64?
    public internal(set) var endedAt: Int64?
    /// Wall-clock ms of the start (CDR `timestart`).
    public let startedWallMs: Int64
    /// Set when the call ends: how ("hangup by caller", "failed 480", "reboot").
    public internal(set) var outcome = ""

    /// Who is listed as `from` in queries and CDRs.
    public var from: String { kind == .inbound ? (external ?? "") : (callerExt ?? "") }
    /// Who is listed as `to`.
    public var to: String { kind == .outbound ? (external ?? "") : (calleeExt ?? "") }

    /// The extensions taking part, caller side first.
    public var extensions: [String] {
        var out: [String] = []
        if let c = callerExt { out.append(c) }
        if let c = calleeExt { out.append(c) }
        return out
    }

    /// The trunk-side id shown by queries and accepted by inbound/outbound hangup.
    public var trunkID: String? { kind == .internal ? nil : legA }

    func extensionOn(_ side: SimSide) -> String? { side == .caller ? callerExt : calleeExt }
}
