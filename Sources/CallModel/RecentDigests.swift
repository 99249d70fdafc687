/// Report digests seen in the last `windowMs`, at most `capacity`, forgotten oldest first.
/// A ring of (digest, time) in arrival order plus a map to the latest time of each digest.
struct RecentDigests: Sendable {
    private struct Entry: Sendable {
        var digest: UInt64
        var at: Int64
    }

    let capacity: Int
    let windowMs: Int64
    private var ring: [Entry] = []
    private var head = 0
    private var latest: [UInt64: Int64] = [:]

    init(capacity: Int, windowMs: Int64) {
        self.capacity = max(1, capacity)
        self.windowMs = windowMs
        ring.reserveCapacity(min(self.capacity, 1024))
    }

    var count: Int { ring.count }

    func contains(_ digest: UInt64, now: Int64) -> Bool {
        guard let at = latest[digest] else { return false }
        return now - at < windowMs
    }

    mutating func insert(_ digest: UInt64, now: Int64) {
        let entry = Entry(digest: digest, at: now)
        if ring.count < capacity {
            ring.append(entry)
        } else {
            forget(ring[head])
            ring[head] = entry
            head = (head + 1) % capacity
        }
        latest[digest] = now
    }

    /// Forgets digests older than the window.
    mutating func prune(now: Int64) {
        guard !ring.isEmpty else { return }
        // Entries are in arrival order starting at `head`; keep the suffix still in the window.
        var kept: [Entry] = []
        var dropped = false
        for i in 0..<ring.count {
            let e = ring[(head + i) % ring.count]
            if now - e.at >= windowMs {
                forget(e)
                dropped = true
            } else {
                kept.append(e)
            }
        }
        if dropped {
            ring = kept
            head = 0
        }
    }

    private mutating func forget(_ e: Entry) {
        // A digest seen again after its window has a newer entry; keep that one.
        if latest[e.digest] == e.at { latest[e.digest] = nil }
    }
}
