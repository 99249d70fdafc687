/// The last known state of one extension, from ExtensionStatus reports and the extension list.
public struct ExtensionState: Equatable, Sendable, CustomStringConvertible {
    public var status: ExtensionStatus
    /// When `status` last changed (a repeat of the same status does not move it).
    public var changedAt: Int64
    /// When the PBX last said anything about this extension.
    public var updatedAt: Int64

    public init(status: ExtensionStatus, changedAt: Int64, updatedAt: Int64) {
        self.status = status; self.changedAt = changedAt; self.updatedAt = updatedAt
    }

    public var description: String { status.description + " since " + String(changedAt) }
}
