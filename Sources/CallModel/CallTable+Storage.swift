/// Keeping `table` and its indexes in step, and dropping ended calls.
extension CallTable {
    /// Writes a call and re-indexes it. Every change to a call goes through here, so the indexes,
    /// `liveCount` and the ended-call order cannot drift from `table`.
    mutating func store(_ call: Call) {
        let old = table[call.id]
        if let old { unindex(old) }
        table[call.id] = call
        index(call)
        let wasLive = old?.isLive ?? false
        if call.isLive {
            if old == nil { liveCount += 1 }
        } else if old == nil || wasLive {
            if wasLive { liveCount -= 1 }
            endedOrder.append(call.id)
            evictEndedOverflow()
        }
        if call.transferPendingSince != nil && call.isLive {
            transferring.insert(call.id)
        } else {
            transferring.remove(call.id)
        }
    }

    mutating func drop(_ id: CallID) {
        guard let old = table.removeValue(forKey: id) else { return }
        unindex(old)
        transferring.remove(id)
        if old.isLive { liveCount -= 1 }
    }

    private mutating func index(_ call: Call) {
        for pid in call.pbxIDs { byPBXID[pid] = call.id }
        for e in call.extensions {
            var ids = byExtension[e] ?? []
            if !ids.contains(call.id) {
                ids.append(call.id)
                byExtension[e] = ids
            }
        }
        if let key = call.trunkKey {
            var ids = byTrunkKey[key] ?? []
            if !ids.contains(call.id) {
                ids.append(call.id)
                byTrunkKey[key] = ids
            }
        }
    }

    private mutating func unindex(_ call: Call) {
        for pid in call.pbxIDs where byPBXID[pid] == call.id { byPBXID[pid] = nil }
        for e in call.extensions {
            guard var ids = byExtension[e] else { continue }
            ids.removeAll { $0 == call.id }
            byExtension[e] = ids.isEmpty ? nil : ids
        }
        if let key = call.trunkKey, var ids = byTrunkKey[key] {
            ids.removeAll { $0 == call.id }
            byTrunkKey[key] = ids.isEmpty ? nil : ids
        }
    }

    private mutating func evictEndedOverflow() {
        while table.count - liveCount > config.maxEndedCalls, endedHead < endedOrder.count {
            let id = endedOrder[endedHead]
            endedHead += 1
            if let c = table[id], !c.isLive {
                drop(id)
                counters.evictedCalls += 1
            }
        }
        compactEndedOrder()
    }

    private mutating func compactEndedOrder() {
        if endedHead > 1024 && endedHead * 2 > endedOrder.count {
            endedOrder.removeFirst(endedHead)
            endedHead = 0
        }
    }

    /// Drops ended calls older than `endedRetentionMs` and forgets report digests older than
    /// `dedupeWindowMs`. Live calls are never dropped here.
    public mutating func expire(now: Int64) {
        while endedHead < endedOrder.count {
            let id = endedOrder[endedHead]
            guard let c = table[id], !c.isLive, let ended = c.endedAt else {
                endedHead += 1
                continue
            }
            if now - ended < config.endedRetentionMs { break }
            drop(id)
            counters.expiredCalls += 1
            endedHead += 1
        }
        compactEndedOrder()
        digests.prune(now: now)
    }

    /// Digests currently remembered for deduplication.
    public var rememberedDigests: Int { digests.count }
}
