/// Finding the call a report belongs to. The rules are written out on `CallTable`.
extension CallTable {
    enum MatchPath {
        case trunkKey, extensions
    }

    func correlate(_ f: ReportFacts, now: Int64) -> CallID? {
        if let id = matchByID(f.ids) { return id }
        if let key = f.legKey {
            var candidates: [CallID] = []
            for id in byTrunkKey[key] ?? [] {
                if let c = table[id], admits(c, f, now: now, via: .trunkKey) { candidates.append(id) }
            }
            if candidates.isEmpty {
                // A transfer may change the trunk object's `to`; from and trunk stay.
                for id in transferring.sorted() {
                    guard let c = table[id], let ck = c.trunkKey, ck.directionCode == key.directionCode,
                          ck.from == key.from, ck.trunk == key.trunk,
                          c.isTransferPending(now: now, windowMs: config.transferWindowMs),
                          admits(c, f, now: now, via: .trunkKey) else { continue }
                    candidates.append(id)
                }
            }
            if let best = pick(candidates, f) { return best }
        }
        guard !f.extensions.isEmpty else { return nil }
        var considered: Set<CallID> = []
        var candidates: [CallID] = []
        for e in f.extensions {
            for id in byExtension[e] ?? [] where considered.insert(id).inserted {
                if let c = table[id], admits(c, f, now: now, via: .extensions) { candidates.append(id) }
            }
        }
        return pick(candidates, f)
    }

    /// Step 1: a call that already has one of the report's ids; a live one before an ended one.
    func matchByID(_ ids: [PBXCallID]) -> CallID? {
        var best: Call?
        for pid in ids {
            guard let id = byPBXID[pid], let c = table[id] else { continue }
            guard let b = best else { best = c; continue }
            if c.isLive != b.isLive {
                if c.isLive { best = c }
            } else if c.isLive ? c.id < b.id : (c.endedAt ?? 0) > (b.endedAt ?? 0) {
                best = c
            }
        }
        return best?.id
    }

    /// Whether a report may belong to `c`, found through its trunk key or its extensions.
    func admits(_ c: Call, _ f: ReportFacts, now: Int64, via path: MatchPath) -> Bool {
        if !c.isLive {
            guard let ended = c.endedAt, now - ended <= config.lateReportWindowMs else { return false }
            switch f.kind {
            case .bye:
                guard c.byeCount < 2 else { return false }
            case .alert, .ring, .answer, .answered:
                guard !c.seen.contains(f.seenFlag) else { return false }
            case .callFailed:
                guard c.answeredAt == nil, !c.seen.contains(.failed) else { return false }
            default:
                return false
            }
        }
        let pending = c.isTransferPending(now: now, windowMs: config.transferWindowMs)
        if path == .extensions && !directionFits(c, f, transferring: pending) { return false }
        switch f.kind {
        case .alert, .ring:
            if c.state == .answered && c.seen.contains(f.seenFlag) && !pending { return false }
            switch path {
            case .trunkKey:
                // A set-up report with a trunk id this call does not have (step 1 failed) is
                // another call with the same from/to/trunk.
                return pending || f.leg?.id == nil || c.trunkID == nil
            case .extensions:
                if pending { return overlapCount(f.extensions, c.parties) > 0 }
                // The caller's ALERT and RING share one callid (the caller's leg); a second ALERT
                // under a new callid is the caller dialling again (the first call's BYE was lost).
                if case .alert = f.kind, c.seen.contains(.alert) { return false }
                if let caller = f.caller, c.rolesConfirmed, !c.caller.isEmpty { return c.caller == caller }
                if f.extensions.allSatisfy({ c.extensions.contains($0) }) { return true }
                return c.isProvisional && f.caller != nil && f.caller == c.caller
            }
        case .transfer:
            return path == .trunkKey || overlapCount(f.extensions, c.extensions) > 0
        default:
            if path == .trunkKey { return true }
            guard overlapCount(f.extensions, c.extensions) > 0 else { return false }
            if pending || c.isProvisional { return true }
            return f.extensions.allSatisfy { c.extensions.contains($0) }
        }
    }

    /// Direction compatibility for a match through extensions.
    func directionFits(_ c: Call, _ f: ReportFacts, transferring: Bool) -> Bool {
        if f.direction == .internal { return true }
        if c.direction == f.direction {
            guard let ck = c.trunkKey, let fk = f.legKey else { return true }
            if ck == fk { return true }
            return transferring && ck.from == fk.from && ck.trunk == fk.trunk
        }
        // The outbound RING after the caller-side ALERT `{"ext":"106"}`.
        return f.direction == .outbound && c.isLive && c.isProvisional && f.caller == c.caller
    }

    /// The best of several candidates (see `CallTable`).
    func pick(_ candidates: [CallID], _ f: ReportFacts) -> CallID? {
        var best: Call?
        for id in candidates {
            guard let c = table[id] else { continue }
            if let b = best {
                if isBetter(c, than: b, f) { best = c }
            } else {
                best = c
            }
        }
        return best?.id
    }

    func isBetter(_ a: Call, than b: Call, _ f: ReportFacts) -> Bool {
        let pa = overlapCount(f.extensions, a.parties), pb = overlapCount(f.extensions, b.parties)
        if pa != pb { return pa > pb }
        let ea = overlapCount(f.extensions, a.extensions), eb = overlapCount(f.extensions, b.extensions)
        if ea != eb { return ea > eb }
        if f.isSetup {
            // A set-up report fills the call that still lacks one of its kind.
            let ga = !a.seen.contains(f.seenFlag), gb = !b.seen.contains(f.seenFlag)
            if ga != gb { return ga }
        }
        if a.isLive != b.isLive {
            if case .bye = f.kind { return !a.isLive }
            return a.isLive
        }
        if a.isLive { return a.id < b.id }
        let ta = a.endedAt ?? 0, tb = b.endedAt ?? 0
        if ta != tb { return ta > tb }
        return a.id > b.id
    }

    // MARK: NewCdr

    func matchCDR(_ cdr: CDR, _ f: ReportFacts, now: Int64) -> CallID? {
        if let id = matchByID(f.ids) { return id }
        guard let from = cdr.callFrom, let to = cdr.callTo, !from.isEmpty, !to.isEmpty else { return nil }
        // Ended calls, most recently ended first: the NewCdr follows the BYEs.
        var i = endedOrder.count - 1
        while i >= endedHead {
            let id = endedOrder[i]
            i -= 1
            guard let c = table[id], let ended = c.endedAt else { continue }
            if now - ended > config.cdrWindowMs { break }
            if c.cdr == nil && cdrFits(cdr, c, from: from, to: to) { return id }
        }
        // A NewCdr before the BYE: the oldest fitting live call.
        var best: CallID?
        for c in table.values where c.isLive && c.cdr == nil && cdrFits(cdr, c, from: from, to: to) {
            if best.map({ c.id < $0 }) ?? true { best = c.id }
        }
        return best
    }

    func cdrFits(_ cdr: CDR, _ c: Call, from: String, to: String) -> Bool {
        if let type = cdr.type, let d = directionOfCDRType(type), d != c.direction { return false }
        guard from == c.caller else { return false }
        if to == c.callee || c.extensions.contains(where: { $0.value == to }) { return true }
        return sameNumberWithPrefix(to, c.callee)
    }
}

func directionOfCDRType(_ type: String) -> Direction? {
    switch type.lowercased() {
    case "internal": return .internal
    case "inbound": return .inbound
    case "outbound": return .outbound
    default: return nil
    }
}

/// "16103" and "103": one is the other with a dial prefix. At least 3 digits must agree.
func sameNumberWithPrefix(_ a: String, _ b: String) -> Bool {
    let (long, short) = a.utf8.count >= b.utf8.count ? (a, b) : (b, a)
    guard short.utf8.count >= 3 else { return false }
    return long.hasSuffix(short)
}

func overlapCount(_ a: [ExtensionNumber], _ b: [ExtensionNumber]) -> Int {
    var n = 0
    for e in a where b.contains(e) { n += 1 }
    return n
}
