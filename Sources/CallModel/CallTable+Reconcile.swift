/// Reconciliation against the PBX's own view (reference §4): `inbound/query` and
/// `outbound/query` list trunk calls; internal calls show only as extension states.
extension CallTable {
    /// Applies one real snapshot of the PBX's queries. Clears staleness.
    ///
    /// - A live **trunk** call is shown if the PBX lists one of its ids, or else (ids are per leg)
    ///   an unclaimed entry of the same direction with the same from/to/trunk. Each entry shows
    ///   at most one call; ids are matched before keys. Last, an outbound call still unmatched
    ///   takes a still unclaimed outbound entry with the same `to` and trunk: the query's `from`
    ///   can be the presented caller id rather than the extension (the OpenVox example lists
    ///   "66666"), and ending a live call and learning it again would be worse than the rare
    ///   mismatch. A matched entry's id becomes the call's `trunkID`: the PBX knows it by it now.
    /// - A live **internal** call is shown if one of its parties (or, with none left, its
    ///   extensions) is busy, ringing or on hold in the extension list. If the list is empty, or
    ///   names none of them, the snapshot says nothing about the call: its count stands still.
    /// - A live call not shown `missingPollsToEnd` (2) times in a row ends as `reconciled`; shown
    ///   once, its count starts again from zero.
    /// - A listed trunk call the table lacks is learned (`learnedFromQuery`), answered if
    ///   `Talking`, else ringing; unless its id belongs to a known call, or a call with its key
    ///   ended within `reconcileEndedGraceMs` (the query raced the BYE). A listed outbound call
    ///   whose `from` is the caller of a live provisional call (only its caller-side ALERT seen)
    ///   completes that call instead of starting another.
    /// - The extension list updates `extensions`.
    /// - Query states do not change a known call's state: reports decide ringing vs answered.
    public mutating func reconcile(_ snapshot: PBXSnapshot, now: Int64) -> [Effect] {
        staleSince = nil
        lastGoodContact = now
        lastReconcileAt = now
        counters.reconciliations += 1
        var effects: [Effect] = []

        var refusedExtensions = 0
        for e in snapshot.extensions where !setExtension(e.number, e.status, now: now) { refusedExtensions += 1 }
        if refusedExtensions > 0 {
            effects += anomaly(String(refusedExtensions) + " extensions of the extension list refused: extension table full ("
                + String(config.maxExtensionStates) + ")")
        }

        let entries = snapshot.trunkCalls
        var claimed = [Bool](repeating: false, count: entries.count)
        var entryByID: [PBXCallID: Int] = [:]
        var entriesByKey: [TrunkKey: [Int]] = [:]
        for (i, e) in entries.enumerated() {
            if entryByID[e.id] == nil { entryByID[e.id] = i }
            let key = TrunkKey(direction: e.direction, from: e.from, to: e.to, trunk: e.trunk)
            entriesByKey[key, default: []].append(i)
        }

        let live = table.values.filter { $0.isLive }.map { $0.id }.sorted()
        var shown: [CallID: Int] = [:]   // call → the entry that shows it
        var unknown: Set<CallID> = []
        // Trunk calls by id, then by key.
        for id in live {
            guard let c = table[id], c.direction != .internal else { continue }
            for pid in c.pbxIDs.reversed() {
                if let i = entryByID[pid], !claimed[i] {
                    claimed[i] = true
                    shown[id] = i
                    break
                }
            }
        }
        for id in live where shown[id] == nil {
            guard let c = table[id], let key = c.trunkKey, let list = entriesByKey[key] else { continue }
            if let i = list.first(where: { !claimed[$0] }) {
                claimed[i] = true
                shown[id] = i
            }
        }
        for id in live where shown[id] == nil {
            guard let c = table[id], c.direction == .outbound, let leg = c.leg else { continue }
            if let i = entries.indices.first(where: {
                !claimed[$0] && entries[$0].direction == .outbound && entries[$0].to == leg.to && entries[$0].trunk == leg.trunk
            }) {
                claimed[i] = true
                shown[id] = i
            }
        }
        // Internal calls by extension state.
        var listed: [ExtensionNumber: ExtensionStatus] = [:]
        for e in snapshot.extensions { listed[e.number] = e.status }
        for id in live {
            guard let c = table[id], c.direction == .internal else { continue }
            let exts = c.parties.isEmpty ? c.extensions : c.parties
            if listed.isEmpty || !exts.contains(where: { listed[$0] != nil }) {
                unknown.insert(id)
            } else if exts.contains(where: { listed[$0]?.isOnCall ?? false }) {
                shown[id] = -1
            }
        }

        for id in live {
            guard var c = table[id] else { continue }
            if let i = shown[id] {
                var changed = false
                if c.missingPolls != 0 { c.missingPolls = 0; changed = true }
                if i >= 0 {
                    let e = entries[i]
                    if addPBXID(e.id, to: &c) { changed = true }
                    if c.trunkID != e.id { c.trunkID = e.id; changed = true }
                }
                if changed { store(c) }
            } else if !unknown.contains(id) {
                c.missingPolls += 1
                if c.missingPolls >= config.missingPollsToEnd {
                    _ = transition(&c, .reconciled, now: now)
                    store(c)
                    effects.append(event(.ended, c))
                } else {
                    store(c)
                }
            }
        }

        for (i, e) in entries.enumerated() where !claimed[i] {
            if byPBXID[e.id] != nil { continue }
            if endedRecently(direction: e.direction, from: e.from, to: e.to, trunk: e.trunk, now: now) { continue }
            if e.direction == .outbound, let id = provisionalCall(caller: e.from), var c = table[id] {
                c.direction = .outbound
                c.callee = e.to
                c.leg = TrunkLeg(from: e.from, to: e.to, trunk: e.trunk, id: e.id)
                c.trunkID = e.id
                _ = addPBXID(e.id, to: &c)
                c.missingPolls = 0
                c.lastReportAt = now
                store(c)
                effects.append(event(.updated, c))
                continue
            }
            effects += learn(e, now: now)
        }
        return effects
    }

    /// The oldest live call known only from its caller-side ALERT, with this caller.
    private func provisionalCall(caller: String) -> CallID? {
        var best: CallID?
        for id in byExtension[ExtensionNumber(caller)] ?? [] {
            guard let c = table[id], c.isLive, c.isProvisional, c.caller == caller else { continue }
            if best.map({ id < $0 }) ?? true { best = id }
        }
        return best
    }

    private func endedRecently(direction: Direction, from: String, to: String, trunk: String, now: Int64) -> Bool {
        let key = TrunkKey(direction: direction, from: from, to: to, trunk: trunk)
        for id in byTrunkKey[key] ?? [] {
            if let c = table[id], !c.isLive, let ended = c.endedAt, now - ended <= config.reconcileEndedGraceMs {
                return true
            }
        }
        return false
    }

    private mutating func learn(_ e: QueriedTrunkCall, now: Int64) -> [Effect] {
        guard e.direction != .internal else {
            return anomaly("query listed trunk call " + e.id.value + " with direction internal; ignored")
        }
        guard liveCount < config.maxLiveCalls else {
            counters.refusedCalls += 1
            return anomaly("query-listed " + e.direction.description + " call " + e.id.value + " refused: "
                + String(liveCount) + " live calls is the limit")
        }
        let id = CallID(nextID)
        nextID += 1
        counters.callsStarted += 1
        counters.learnedCalls += 1
        var c = Call(id: id, direction: e.direction, caller: e.from, callee: e.to, now: now)
        c.learnedFromQuery = true
        c.rolesConfirmed = true
        c.leg = TrunkLeg(from: e.from, to: e.to, trunk: e.trunk, id: e.id)
        c.trunkID = e.id
        c.pbxIDs = [e.id]
        if let ext = e.calleeExtension {
            c.extensions = [ext]
            c.parties = [ext]
        }
        var effects: [Effect] = []
        if e.status == .talking {
            _ = transition(&c, .answer, now: now)
            store(c)
            effects.append(event(.started, c))
            effects.append(event(.answered, c))
        } else {
            store(c)
            effects.append(event(.started, c))
        }
        return effects
    }
}
