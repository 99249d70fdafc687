/// Which PBX request hangs a call up (reference §5).
public enum HangupPlan: Equatable, Sendable, CustomStringConvertible {
    /// `inbound/hangup` with this `inboundid`.
    case inbound(PBXCallID)
    /// `outbound/hangup` with this `outboundid`.
    case outbound(PBXCallID)
    /// `extension/hangup` with this `extid`: internal calls, or a trunk call whose id is unknown.
    case `extension`(ExtensionNumber)
    /// The call has ended already; nothing to do.
    case alreadyEnded
    /// No such call in the table.
    case unknown
    /// The call is live but neither a trunk id nor an extension of it is known.
    case noTarget

    public var description: String {
        switch self {
        case .inbound(let id): return "inbound hangup " + id.value
        case .outbound(let id): return "outbound hangup " + id.value
        case .extension(let e): return "extension hangup " + e.value
        case .alreadyEnded: return "already ended"
        case .unknown: return "unknown call"
        case .noTarget: return "no hangup target"
        }
    }
}
