/// What `CallTable` asks its shell to do or tell: values, never actions (the core decides, the
/// shell acts).

public enum CallEventKind: Equatable, Sendable, CustomStringConvertible {
    case started, answered, updated, ended, cdr
    public var description: String {
        switch self {
        case .started: return "started"
        case .answered: return "answered"
        case .updated: return "updated"
        case .ended: return "ended"
        case .cdr: return "cdr"
        }
    }
}

/// A change to one call, with the call as it is after the change.
public struct CallEvent: Equatable, Sendable, CustomStringConvertible {
    public var kind: CallEventKind
    public var call: Call
    public init(kind: CallEventKind, call: Call) { self.kind = kind; self.call = call }
    public var description: String { kind.description + " " + call.description }
}

public enum Effect: Equatable, Sendable, CustomStringConvertible {
    case event(CallEvent)
    /// The PBX rebooted (BootUp): its tokens are gone, log in again.
    case relogin
    /// A report that does not fit what the table knows. Counted; the table carries on.
    case anomaly(String)
    /// A resend of a report already applied; ignored.
    case duplicate

    public var description: String {
        switch self {
        case .event(let e): return "event " + e.description
        case .relogin: return "relogin"
        case .anomaly(let m): return "anomaly: " + m
        case .duplicate: return "duplicate"
        }
    }
}
