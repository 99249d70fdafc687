/// What the PBX's own queries say at one moment: the input to reconciliation.
/// `inbound/query` and `outbound/query` list trunk calls only; internal calls are visible only
/// through extension states (reference §4, §14 item 10).

public enum QueriedCallStatus: Equatable, Sendable, CustomStringConvertible {
    case talking, progress, wait
    case other(String)
    public var description: String {
        switch self {
        case .talking: return "Talking"
        case .progress: return "Progress"
        case .wait: return "Wait"
        case .other(let s): return s
        }
    }
}

public struct QueriedTrunkCall: Equatable, Sendable {
    public var direction: Direction
    /// `inboundid` or `outboundid`.
    public var id: PBXCallID
    public var from: String
    public var to: String
    public var trunk: String
    /// Inbound only: `callee.extid`.
    public var calleeExtension: ExtensionNumber?
    public var status: QueriedCallStatus
    public init(direction: Direction, id: PBXCallID, from: String, to: String, trunk: String,
                calleeExtension: ExtensionNumber? = nil, status: QueriedCallStatus) {
        self.direction = direction; self.id = id; self.from = from; self.to = to
        self.trunk = trunk; self.calleeExtension = calleeExtension; self.status = status
    }
}

public struct ExtensionListEntry: Equatable, Sendable {
    public var number: ExtensionNumber
    public var status: ExtensionStatus
    public var type: String
    public init(number: ExtensionNumber, status: ExtensionStatus, type: String = "") {
        self.number = number; self.status = status; self.type = type
    }
}

public struct PBXSnapshot: Equatable, Sendable {
    public var trunkCalls: [QueriedTrunkCall]
    public var extensions: [ExtensionListEntry]
    public init(trunkCalls: [QueriedTrunkCall], extensions: [ExtensionListEntry]) {
        self.trunkCalls = trunkCalls; self.extensions = extensions
    }
}
