/// The agent's own id for a call. The PBX has no per-call id (its ids are per leg, reference
/// §11), so `CallTable` numbers calls itself, in increasing order, and the number stays the same
/// for the whole life of the call however many legs and ids the PBX reports for it.
public struct CallID: Hashable, Comparable, CustomStringConvertible, Sendable {
    public let value: Int64
    public init(_ value: Int64) { self.value = value }
    public var description: String { String(value) }
    public static func < (a: CallID, b: CallID) -> Bool { a.value < b.value }
}
