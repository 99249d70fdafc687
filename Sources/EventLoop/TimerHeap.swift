/// Identifies a one-shot timer so it can be cancelled. Ids are never reused within a loop.
public struct TimerID: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt64
    public init(raw: UInt64) { self.raw = raw }
    public var description: String { "timer#" + String(raw) }
}

/// A binary min-heap of one-shot timers ordered by (deadline, scheduling order), with a
/// position index so `cancel` removes an entry at once: a heap of cancelled idle timers
/// would otherwise grow with every request. Size is bounded only by how many timers are
/// pending.
struct TimerHeap {
    struct Entry {
        var deadline: Int64
        var id: UInt64
        var fn: () -> Void
    }

    private(set) var entries: [Entry] = []
    private var position: [UInt64: Int] = [:]

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    var earliest: Entry? { entries.first }

    mutating func insert(_ e: Entry) {
        entries.append(e)
        position[e.id] = entries.count - 1
        siftUp(entries.count - 1)
    }

    /// Removes and returns the earliest entry.
    mutating func popFirst() -> Entry? {
        guard !entries.isEmpty else { return nil }
        return remove(at: 0)
    }

    @discardableResult
    mutating func remove(id: UInt64) -> Bool {
        guard let i = position[id] else { return false }
        _ = remove(at: i)
        return true
    }

    mutating func removeAll() {
        entries.removeAll()
        position.removeAll()
    }

    private mutating func remove(at i: Int) -> Entry {
        let last = entries.count - 1
        if i != last { swapAt(i, last) }
        let e = entries.removeLast()
        position[e.id] = nil
        if i < entries.count {
            siftDown(i)
            siftUp(i)
        }
        return e
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = entries[a], y = entries[b]
        return x.deadline < y.deadline || (x.deadline == y.deadline && x.id < y.id)
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        entries.swapAt(a, b)
        position[entries[a].id] = a
        position[entries[b].id] = b
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < entries.count && less(l, m) { m = l }
            if r < entries.count && less(r, m) { m = r }
            if m == i { return }
            swapAt(i, m)
            i = m
        }
    }
}
