/// The normalised form of one PBX report. The PBX module turns every wire shape (OpenVox
/// top-level objects, Yeastar `call[]`, legacy duplicate `ext` members) into this value once,
/// at the edge; nothing inward of the normaliser ever sees a quirk again.

/// A per-leg PBX id in Asterisk style, e.g. "1589953914.1775": a `callid`, `inboundid` or
/// `outboundid`. Per leg, not per call (reference §11), so it is never used alone as a key.
public struct PBXCallID: Hashable, Comparable, CustomStringConvertible, Sendable {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }
    public static func < (a: PBXCallID, b: PBXCallID) -> Bool { a.value < b.value }
}

/// An extension number as the PBX writes it ("101"). Kept as text: leading zeros matter.
public struct ExtensionNumber: Hashable, Comparable, CustomStringConvertible, Sendable {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }
    public static func < (a: ExtensionNumber, b: ExtensionNumber) -> Bool { a.value < b.value }
}

public enum Direction: Equatable, Sendable, CustomStringConvertible {
    case inbound, outbound, `internal`
    public var description: String {
        switch self {
        case .inbound: return "inbound"
        case .outbound: return "outbound"
        case .internal: return "internal"
        }
    }
}

/// The trunk side of a call: an `inbound` or `outbound` object of a report.
public struct TrunkLeg: Equatable, Sendable {
    public var from: String
    public var to: String
    public var trunk: String
    /// `inboundid` or `outboundid`; may differ from the report's `callid`.
    public var id: PBXCallID?
    public init(from: String, to: String, trunk: String, id: PBXCallID?) {
        self.from = from; self.to = to; self.trunk = trunk; self.id = id
    }
}

/// Extension states from ExtensionStatus reports and the extension list. `InUse` (OpenVox)
/// and `Busy` (English pages) both become `.busy`.
public enum ExtensionStatus: Equatable, Sendable, CustomStringConvertible {
    case idle, ringing, busy, hold, registered, unregistered, unavailable
    case other(String)
    public var description: String {
        switch self {
        case .idle: return "idle"
        case .ringing: return "ringing"
        case .busy: return "busy"
        case .hold: return "hold"
        case .registered: return "registered"
        case .unregistered: return "unregistered"
        case .unavailable: return "unavailable"
        case .other(let s): return s
        }
    }
    /// Whether an extension in this state can be on a call.
    public var isOnCall: Bool { self == .busy || self == .ringing || self == .hold }
}

/// CallFailed `reason`: OpenVox sends the bare number 480, Yeastar "486 Busy Here" or text.
public enum FailureReason: Equatable, Sendable, CustomStringConvertible {
    case sip(code: Int, text: String)
    case text(String)
    public var description: String {
        switch self {
        case .sip(let code, let text): return text.isEmpty ? String(code) : String(code) + " " + text
        case .text(let t): return t
        }
    }
}

/// A NewCdr report (`callduraction`/`talkduraction` sic on the wire).
public struct CDR: Equatable, Sendable {
    public var timeStart: String?
    public var callFrom: String?
    public var callTo: String?
    public var callDurationSeconds: Int64?
    public var talkDurationSeconds: Int64?
    /// ANSWERED, NO ANSWER, FAILED, VOICEMAIL, as the PBX wrote it.
    public var status: String?
    /// Internal, Inbound, Outbound (legacy also Callback, Transfer).
    public var type: String?
    public var recording: String?
    public var trunk: String?
    public init(timeStart: String? = nil, callFrom: String? = nil, callTo: String? = nil,
                callDurationSeconds: Int64? = nil, talkDurationSeconds: Int64? = nil,
                status: String? = nil, type: String? = nil, recording: String? = nil, trunk: String? = nil) {
        self.timeStart = timeStart; self.callFrom = callFrom; self.callTo = callTo
        self.callDurationSeconds = callDurationSeconds; self.talkDurationSeconds = talkDurationSeconds
        self.status = status; self.type = type; self.recording = recording; self.trunk = trunk
    }
}

public enum ReportKind: Equatable, Sendable {
    case bootUp
    case extensionStatus(ExtensionNumber, ExtensionStatus)
    /// Ring-back: the caller hears ringing.
    case alert
    /// The callee rings; the callee is listed first.
    case ring
    /// `ANSWER` (the answering side) or `ANSWERED` (the caller's side); OpenVox sends only ANSWER.
    case answer
    case answered
    /// Call released. Two per call; in the first, the party that hung up is listed first.
    case bye
    /// `Tranfer` (sic) on the wire.
    case transfer
    case callFailed(FailureReason?)
    case newCdr(CDR)
    /// Recognised, but they do not change the live-call table.
    case invite, incoming, dtmf, configChange, playPromptEnd

    public var name: String {
        switch self {
        case .bootUp: return "BootUp"
        case .extensionStatus: return "ExtensionStatus"
        case .alert: return "ALERT"
        case .ring: return "RING"
        case .answer: return "ANSWER"
        case .answered: return "ANSWERED"
        case .bye: return "BYE"
        case .transfer: return "Tranfer"
        case .callFailed: return "CallFailed"
        case .newCdr: return "NewCdr"
        case .invite: return "Invite"
        case .incoming: return "Incoming"
        case .dtmf: return "DTMF"
        case .configChange: return "ConfigChange"
        case .playPromptEnd: return "PlayPromptEnd"
        }
    }
}

/// Wire quirks the normaliser tolerated for this report. Each is counted by the listener, so
/// "tolerated" never means "unseen".
public struct ReportQuirks: OptionSet, Equatable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `ext.extid` was an array of strings.
    public static let extidArray = ReportQuirks(rawValue: 1 << 0)
    /// Participants wrapped in a Yeastar 1.0.2 `call` array.
    public static let callArray = ReportQuirks(rawValue: 1 << 1)
    /// Legacy Yeastar: two `ext` members in one object.
    public static let duplicateExt = ReportQuirks(rawValue: 1 << 2)
    /// `sn` absent.
    public static let missingSerial = ReportQuirks(rawValue: 1 << 3)
    /// CallFailed `reason` was a bare JSON number.
    public static let numericReason = ReportQuirks(rawValue: 1 << 4)
    /// ExtensionStatus said `InUse` instead of `Busy`.
    public static let inUseStatus = ReportQuirks(rawValue: 1 << 5)
    /// A field documented as a string arrived as a number, or a number as a string.
    public static let numberAsString = ReportQuirks(rawValue: 1 << 6)
    /// Legacy action typo `RI` for an answer report.
    public static let legacyActionRI = ReportQuirks(rawValue: 1 << 7)

    public static let all: [(ReportQuirks, String)] = [
        (.extidArray, "extid_array"), (.callArray, "call_array"), (.duplicateExt, "duplicate_ext"),
        (.missingSerial, "missing_sn"), (.numericReason, "numeric_reason"), (.inUseStatus, "inuse_status"),
        (.numberAsString, "number_as_string"), (.legacyActionRI, "legacy_action_ri"),
    ]
}

public struct Report: Equatable, Sendable {
    public var kind: ReportKind
    /// The report's `callid` (per leg); absent on BootUp and ExtensionStatus.
    public var callID: PBXCallID?
    /// Extensions in payload order; the order carries meaning (RING: callee first; first BYE:
    /// the party that hung up first).
    public var extensions: [ExtensionNumber]
    public var inbound: TrunkLeg?
    public var outbound: TrunkLeg?
    /// Whether the `inbound`/`outbound` object came before the first `ext` in the payload. The
    /// order of participants carries meaning (RING: callee first; first BYE: the party that hung
    /// up first), and the outbound BYE capture lists `outbound` first: the external side hung up.
    public var trunkListedFirst: Bool
    /// PBX serial number (`sn`); may be missing.
    public var serial: String?
    public var quirks: ReportQuirks
    /// FNV-1a 64 of the raw body bytes: resends of one report have equal digests
    /// (dedupe on action, callid and body; reference §11).
    public var digest: UInt64

    public init(kind: ReportKind, callID: PBXCallID? = nil, extensions: [ExtensionNumber] = [],
                inbound: TrunkLeg? = nil, outbound: TrunkLeg? = nil, serial: String? = nil,
                quirks: ReportQuirks = [], digest: UInt64 = 0, trunkListedFirst: Bool = false) {
        self.kind = kind; self.callID = callID; self.extensions = extensions
        self.inbound = inbound; self.outbound = outbound; self.serial = serial
        self.quirks = quirks; self.digest = digest; self.trunkListedFirst = trunkListedFirst
    }
}

/// FNV-1a, 64-bit: small, deterministic across runs and architectures (unlike Hasher).
public func fnv1a64<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    return h
}
