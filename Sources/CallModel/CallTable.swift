/// The live-call table: the one place call state is written. Pure: no I/O, no clock (every
/// mutating call takes `now`, Int64 ms), no logging; it returns `Effect` values for the shell.
///
/// Writers: `apply(_:now:)` (reports), `reconcile(_:now:)` (the PBX's queries),
/// `noteHangupRequested(id:now:)`, `markStale(now:)` / `noteContact(now:)`, `expire(now:)`.
/// A call changes state only in `transition(_:_:now:)` (like Kamailio's `next_state_dlg`), and
/// it ends only by a BYE, a CallFailed or reconciliation; never by a hang-up request, a PBX
/// that cannot be reached, or a BootUp.
///
/// ## Correlation: which call a report belongs to
///
/// The PBX has no per-call id: `callid` is per leg (the two BYEs of one call differ, an outbound
/// ALERT and RING differ, `inboundid`/`outboundid` sometimes equal the callid and sometimes not;
/// reference §11). A report is matched to a call by, in order:
///
/// 1. **Ids.** Any of its `callid`, `inboundid`, `outboundid` already known for a call (live or
///    ended). Ids are never reused by the PBX, so this match is taken whatever the call's state.
/// 2. **Trunk key** (reports with an `inbound`/`outbound` object): a call of the same direction
///    whose latest trunk object has the same from/to/trunk. While a call is transferring, the
///    `to` may differ (same direction, from and trunk).
/// 3. **Extensions**: a call that involves one of the report's extensions, if the report is
///    compatible with it (below).
///
/// Candidates in steps 2 and 3 are live calls and calls that ended within
/// `lateReportWindowMs` and can still take this report (a second BYE; a late ALERT, RING or
/// ANSWER of a kind the call never saw; a CallFailed after the BYE of an unanswered call).
/// Compatibility, by report kind:
/// - **ALERT/RING** (set-up; ALERT lists the caller, RING the callee first, then the caller):
///   an answered call takes a set-up report only if it never saw one of that kind (out of order)
///   or is transferring. Matched by extensions, the report's caller must be the call's caller
///   (a ring group's second RING joins the call; a new call to a busy extension does not), or,
///   where roles are unknown, every extension of the report must already be in the call. A
///   second ALERT under a new callid is a new call: a caller's ALERT and RING share the caller
///   leg's callid, so this is the caller dialling again after a lost BYE. Matched
///   by trunk key, a set-up report carrying a trunk id the call does not know is another call
///   (two calls from one number to one DID).
/// - **ANSWER/ANSWERED, BYE, CallFailed**: matched by extensions, every extension of the report
///   must be in the call, unless the call still has an open role (known only from an ALERT) or
///   is transferring: then one in common is enough.
/// - **Tranfer**: one extension in common.
/// - **Direction**: a report with only extensions fits any call. A trunk report fits calls of its
///   direction with the same trunk key; an outbound report also fits a provisional call (known
///   only from the caller-side ALERT `{"ext":"106"}`) with the same caller, which becomes
///   outbound: the outbound ALERT and RING of one call end up in ONE call.
///
/// Among several candidates the best is the one sharing the most current parties, then the most
/// involved extensions; then, for ALERT/RING, a call that has not seen one of that kind yet;
/// then, for a BYE, an ended call still waiting for its second BYE before a
/// live one (absorbing a first BYE by mistake leaves a call that reconciliation ends; ending a
/// live call by mistake cannot be undone), for other reports a live call first; then the oldest
/// live call, or the most recently ended one.
///
/// A NewCdr matches by its `callid`, else by `callfrom` = caller and `callto` = callee (or an
/// involved extension, or one number a suffix of the other: outbound CDRs carry the dialled
/// digits with the route prefix, "16103" for `to` "103"), `type` = direction: first among calls
/// ended within `cdrWindowMs`, most recent first, then live calls (a NewCdr before the BYE).
///
/// ## What each report does
///
/// - ALERT/RING: ringing; creates the call if none matches. RING states roles (callee first).
/// - ANSWER/ANSWERED: answered; creates the call as answered if none matches (agent restarted
///   mid-call, ring reports off). Its extensions become the call's parties.
/// - BYE: the first ends the call (`hangup(by:)` the first listed party); the second is absorbed
///   by the ended call (no event, no anomaly). A BYE that matches nothing is an anomaly and
///   creates nothing.
/// - CallFailed: ends a ringing call with `failed(reason)`; up to two BYEs may follow. Unmatched,
///   it records an ended call (a failed attempt is complete information). For an answered call
///   it is an anomaly and the call stays live: CallFailed means "never connected".
/// - Tranfer: lists the call's extensions; the OpenVox captures put the initiator last
///   (`["102","101"]` when 101 transfers; `"102"` alone when 102 transfers an inbound call), so
///   the last listed is the initiator and leaves `parties` if the call was answered. The target
///   is not in the report: for `transferWindowMs` the call admits a new extension (or a new trunk
///   `to`) from a later report; the next ANSWER completes it. Unmatched: anomaly.
/// - NewCdr: attaches the CDR (ended or live call); a NewCdr matching nothing is a no-op, counted
///   in `unmatchedCDRs`, not an anomaly.
/// - ExtensionStatus: updates `extensions`; never deduplicated (the same body can legitimately
///   come again later).
/// - BootUp: `.relogin`, and the table is marked stale. Calls are kept: a reboot drops them, but
///   the next two polls end them as `reconciled`, and calls the PBX kept are not lost on a guess.
/// - Any report for an ended call, other than the above, is an anomaly; the call stays ended.
/// - Call reports whose `digest` was applied within `dedupeWindowMs` give `.duplicate` and are
///   not applied again. Digest 0 means "none" and is never deduplicated.
public struct CallTable: Sendable {
    public let config: CallTableConfig
    public internal(set) var counters = CallTableCounters()
    /// When the table became stale (PBX unreachable or session down); nil when fresh.
    public internal(set) var staleSince: Int64?
    /// The last successful exchange with the PBX (`noteContact`, `reconcile`).
    public internal(set) var lastGoodContact: Int64?
    public internal(set) var lastReconcileAt: Int64?
    public internal(set) var liveCount: Int = 0
    /// Extension number → last known state.
    public internal(set) var extensions: [ExtensionNumber: ExtensionState] = [:]

    var table: [CallID: Call] = [:]
    var byPBXID: [PBXCallID: CallID] = [:]
    var byExtension: [ExtensionNumber: [CallID]] = [:]
    var byTrunkKey: [TrunkKey: [CallID]] = [:]
    var transferring: Set<CallID> = []
    /// Ended calls in the order they ended, from `endedHead`: expiry and eviction order.
    var endedOrder: [CallID] = []
    var endedHead = 0
    var digests: RecentDigests
    var nextID: Int64

    /// `firstID` lets the shell keep agent ids from repeating across restarts (e.g. seed it from
    /// the wall clock); the table only ever counts up from it.
    public init(config: CallTableConfig = CallTableConfig(), firstID: Int64 = 1) {
        self.config = config
        self.digests = RecentDigests(capacity: config.dedupeCapacity, windowMs: config.dedupeWindowMs)
        self.nextID = firstID
    }

    // MARK: Queries

    /// Live and recently ended calls, by agent id.
    public var calls: [Call] { table.values.sorted { $0.id < $1.id } }

    public func call(id: CallID) -> Call? { table[id] }

    /// The call whose agent id is `pbxID` as decimal text, or that has `pbxID` among its PBX ids.
    public func call(matching pbxID: String) -> Call? {
        if let n = Int64(pbxID), let c = table[CallID(n)] { return c }
        if let id = byPBXID[PBXCallID(pbxID)] { return table[id] }
        return nil
    }

    /// Fresh: reconciled at least once and not stale since.
    public var isFresh: Bool { staleSince == nil && lastReconcileAt != nil }

    public func extensionState(_ number: ExtensionNumber) -> ExtensionState? { extensions[number] }

    // MARK: Session health

    /// The PBX cannot be reached or the session is down. Nothing ends; the table is marked stale
    /// from the first such call on, and missing-call counters stand still until a real snapshot.
    public mutating func markStale(now: Int64) {
        if staleSince == nil { staleSince = now }
    }

    /// A successful exchange with the PBX. It does not clear staleness: reports may have been
    /// lost while the session was down, so only a reconciliation makes the table fresh again.
    public mutating func noteContact(now: Int64) {
        lastGoodContact = now
    }

    // MARK: Reports

    public mutating func apply(_ report: Report, now: Int64) -> [Effect] {
        counters.reportsReceived += 1
        switch report.kind {
        case .bootUp:
            counters.reportsApplied += 1
            // The reboot dropped the PBX's calls and its reports: unconfirmed until reconciled.
            markStale(now: now)
            return [.relogin]
        case .extensionStatus(let number, let status):
            counters.reportsApplied += 1
            if setExtension(number, status, now: now) { return [] }
            return anomaly("ExtensionStatus for " + number.value + " refused: extension table full ("
                + String(config.maxExtensionStates) + ")")
        default:
            break
        }
        if report.digest != 0 && digests.contains(report.digest, now: now) {
            counters.duplicates += 1
            return [.duplicate]
        }
        counters.reportsApplied += 1
        let refusedBefore = counters.refusedCalls
        let effects = applyCallReport(ReportFacts(report), now: now)
        // A report refused at the live-call limit was not applied: its resend may be, later.
        if report.digest != 0 && counters.refusedCalls == refusedBefore {
            digests.insert(report.digest, now: now)
        }
        return effects
    }

    mutating func applyCallReport(_ f: ReportFacts, now: Int64) -> [Effect] {
        switch f.kind {
        case .alert, .ring:
            return applySetup(f, now: now)
        case .answer, .answered:
            return applyAnswer(f, now: now)
        case .bye:
            return applyBye(f, now: now)
        case .callFailed(let reason):
            return applyFailed(f, reason: reason, now: now)
        case .transfer:
            return applyTransfer(f, now: now)
        case .newCdr(let cdr):
            return applyCDR(f, cdr: cdr, now: now)
        case .invite, .incoming, .dtmf, .configChange, .playPromptEnd, .bootUp, .extensionStatus:
            counters.ignoredReports += 1
            return []
        }
    }

    mutating func applySetup(_ f: ReportFacts, now: Int64) -> [Effect] {
        if let id = correlate(f, now: now), var call = table[id] {
            if !call.isLive { return lateReport(f, call, now: now) }
            var changed = absorb(f, into: &call, now: now)
            changed = addParties(f.extensions, to: &call) || changed
            store(call)
            return changed ? [event(.updated, call)] : []
        }
        guard var call = newCall(f, now: now) else { return refused(f) }
        _ = absorb(f, into: &call, now: now)
        _ = addParties(callerFirst(f.extensions, caller: call.caller), to: &call)
        store(call)
        return [event(.started, call)]
    }

    mutating func applyAnswer(_ f: ReportFacts, now: Int64) -> [Effect] {
        if let id = correlate(f, now: now), var call = table[id] {
            if !call.isLive { return lateReport(f, call, now: now) }
            var changed = absorb(f, into: &call, now: now)
            changed = takeAnswerParties(f, into: &call) || changed
            if call.transferPendingSince != nil {
                call.transferPendingSince = nil
                changed = true
            }
            let kind = transition(&call, .answer, now: now)
            store(call)
            if let kind { return [event(kind, call)] }
            return changed ? [event(.updated, call)] : []
        }
        guard var call = newCall(f, now: now) else { return refused(f) }
        _ = absorb(f, into: &call, now: now)
        _ = takeAnswerParties(f, into: &call)
        _ = transition(&call, .answer, now: now)
        store(call)
        return [event(.started, call), event(.answered, call)]
    }

    mutating func applyBye(_ f: ReportFacts, now: Int64) -> [Effect] {
        guard let id = correlate(f, now: now), var call = table[id] else {
            return anomaly(f.summary + " matches no live or recently ended call; nothing ended")
        }
        if !call.isLive {
            if call.byeCount < 2, let ended = call.endedAt, now - ended <= config.lateReportWindowMs {
                absorbIDs(f, into: &call, now: now)
                call.byeCount += 1
                store(call)
                counters.absorbedByes += 1
                return []
            }
            return lateReport(f, call, now: now)
        }
        _ = absorb(f, into: &call, now: now)
        call.byeCount += 1
        _ = transition(&call, .hangup(by: f.firstListedParty), now: now)
        store(call)
        return [event(.ended, call)]
    }

    mutating func applyFailed(_ f: ReportFacts, reason: FailureReason?, now: Int64) -> [Effect] {
        if let id = correlate(f, now: now), var call = table[id] {
            if !call.isLive {
                // BYE first, CallFailed second: the order is not documented, keep the reason.
                if case .hangup? = call.endReason, call.answeredAt == nil, !call.seen.contains(.failed),
                   let ended = call.endedAt, now - ended <= config.lateReportWindowMs {
                    absorbIDs(f, into: &call, now: now)
                    call.endReason = .failed(reason)
                    store(call)
                    return [event(.updated, call)]
                }
                return lateReport(f, call, now: now)
            }
            _ = absorb(f, into: &call, now: now)
            if call.state == .answered {
                store(call)
                return anomaly(f.summary + " for call " + call.id.description
                    + ", which was answered; CallFailed means never connected, so the call stays live and reconciliation decides")
            }
            _ = transition(&call, .failed(reason), now: now)
            store(call)
            return [event(.ended, call)]
        }
        guard var call = newCall(f, now: now) else { return refused(f) }
        _ = absorb(f, into: &call, now: now)
        _ = addParties(callerFirst(f.extensions, caller: call.caller), to: &call)
        _ = transition(&call, .failed(reason), now: now)
        store(call)
        return [event(.started, call), event(.ended, call)]
    }

    mutating func applyTransfer(_ f: ReportFacts, now: Int64) -> [Effect] {
        guard let id = correlate(f, now: now), var call = table[id] else {
            return anomaly(f.summary + " matches no live call; transfer ignored")
        }
        if !call.isLive { return lateReport(f, call, now: now) }
        _ = absorb(f, into: &call, now: now)
        let by = f.extensions.last
        call.transfers.append(CallTransfer(at: now, listed: f.extensions, by: by))
        if call.transfers.count > config.maxTransfersPerCall { call.transfers.removeFirst() }
        call.transferCount += 1
        call.transferPendingSince = now
        if call.state == .answered, let by { call.parties.removeAll { $0 == by } }
        store(call)
        return [event(.updated, call)]
    }

    mutating func applyCDR(_ f: ReportFacts, cdr: CDR, now: Int64) -> [Effect] {
        guard let id = matchCDR(cdr, f, now: now), var call = table[id] else {
            counters.unmatchedCDRs += 1
            return []
        }
        absorbIDs(f, into: &call, now: now)
        call.cdr = cdr
        store(call)
        return [event(.cdr, call)]
    }

    // MARK: The state machine

    enum CallInput {
        case answer
        case hangup(by: String?)
        case failed(FailureReason?)
        case reconciled
    }

    /// The only place a call's `state` changes. Returns the event for the change, or nil when the
    /// input leaves the state as it is (ANSWER of an answered call; anything once ended; a
    /// CallFailed for an answered call, which the caller reports as an anomaly).
    mutating func transition(_ call: inout Call, _ input: CallInput, now: Int64) -> CallEventKind? {
        switch (call.state, input) {
        case (.ended, _):
            return nil
        case (.ringing, .answer):
            call.state = .answered
            call.answeredAt = now
            return .answered
        case (.answered, .answer):
            return nil
        case (.answered, .failed):
            return nil
        case (_, .hangup(let by)):
            return end(&call, .hangup(by: by), now: now)
        case (.ringing, .failed(let reason)):
            return end(&call, .failed(reason), now: now)
        case (_, .reconciled):
            counters.reconciledEnds += 1
            return end(&call, .reconciled, now: now)
        }
    }

    private mutating func end(_ call: inout Call, _ reason: EndReason, now: Int64) -> CallEventKind {
        call.state = .ended
        call.endedAt = now
        call.endReason = reason
        call.transferPendingSince = nil
        counters.callsEnded += 1
        return .ended
    }

    // MARK: Helpers

    func event(_ kind: CallEventKind, _ call: Call) -> Effect {
        .event(CallEvent(kind: kind, call: call))
    }

    mutating func anomaly(_ message: String) -> [Effect] {
        counters.anomalies += 1
        return [.anomaly(message)]
    }

    mutating func refused(_ f: ReportFacts) -> [Effect] {
        counters.refusedCalls += 1
        return anomaly(f.summary + " refused: " + String(liveCount) + " live calls is the limit")
    }

    mutating func lateReport(_ f: ReportFacts, _ call: Call, now: Int64) -> [Effect] {
        var ago = ""
        if let ended = call.endedAt { ago = " " + String(now - ended) + " ms ago" }
        var why = "ended"
        if let r = call.endReason { why = r.detail }
        return anomaly(f.summary + " for call " + call.id.description + ", which ended" + ago
            + " (" + why + "); the call stays ended")
    }

    /// A new call from a report, or nil at the live-call limit.
    mutating func newCall(_ f: ReportFacts, now: Int64) -> Call? {
        guard liveCount < config.maxLiveCalls else { return nil }
        let id = CallID(nextID)
        nextID += 1
        counters.callsStarted += 1
        var call = Call(id: id, direction: f.direction, caller: f.caller ?? "", callee: f.callee ?? "", now: now)
        call.rolesConfirmed = f.rolesDefinite
        return call
    }

    /// Takes what a report adds to a live call: ids, trunk leg and direction, roles, extensions.
    /// Returns whether something worth an `.updated` event changed: direction, roles, trunk
    /// object, extensions. New PBX ids alone are bookkeeping (each leg brings one).
    mutating func absorb(_ f: ReportFacts, into call: inout Call, now: Int64) -> Bool {
        var changed = false
        for id in f.ids { _ = addPBXID(id, to: &call) }
        if let leg = f.leg {
            if call.direction == .internal && f.direction == .outbound && call.isProvisional {
                // The caller-side ALERT of an outbound call carries only `ext`.
                call.direction = .outbound
                changed = true
            }
            if call.direction == f.direction {
                if call.leg == nil {
                    if call.caller.isEmpty || !call.rolesConfirmed || call.caller == leg.from { call.caller = leg.from }
                    if call.callee.isEmpty || !call.rolesConfirmed { call.callee = leg.to }
                    call.rolesConfirmed = true
                }
                let kept = TrunkLeg(from: leg.from, to: leg.to, trunk: leg.trunk, id: leg.id ?? call.leg?.id)
                if let old = call.leg, old.from == kept.from, old.to == kept.to, old.trunk == kept.trunk {
                    call.leg = kept
                } else {
                    call.leg = kept
                    changed = true
                }
                if let legID = leg.id { call.trunkID = legID }
            }
        } else if call.direction == .internal {
            if f.rolesDefinite {
                if let c = f.caller, call.caller != c, call.caller.isEmpty || !call.rolesConfirmed {
                    // A guess from an ANSWER had them the other way round.
                    if call.callee == c { call.callee = call.caller }
                    call.caller = c
                    changed = true
                }
                if let c = f.callee, call.callee != c, call.caller != c, call.callee.isEmpty || !call.rolesConfirmed {
                    call.callee = c
                    changed = true
                }
                call.rolesConfirmed = true
            } else if call.callee.isEmpty, let other = f.extensions.first(where: { $0.value != call.caller }) {
                call.callee = other.value
                changed = true
            }
        }
        for e in f.extensions { changed = addExtension(e, to: &call) || changed }
        call.lastReportAt = now
        call.seen.insert(f.seenFlag)
        return changed
    }

    /// What a report adds to an ended call: its ids only (so later resends and the NewCdr find it).
    func absorbIDs(_ f: ReportFacts, into call: inout Call, now: Int64) {
        for id in f.ids { _ = addPBXID(id, to: &call) }
        call.lastReportAt = now
        call.seen.insert(f.seenFlag)
    }

    /// ANSWER lists who is talking: those become the parties. For an internal call listing one
    /// extension, the other side is kept. A ring group's answering member becomes the callee.
    mutating func takeAnswerParties(_ f: ReportFacts, into call: inout Call) -> Bool {
        guard !f.extensions.isEmpty else { return false }
        var parties: [ExtensionNumber] = []
        if call.direction == .internal {
            if f.extensions.count == 1 {
                parties = call.parties
                if !parties.contains(f.extensions[0]) { parties.append(f.extensions[0]) }
            } else {
                parties = callerFirst(f.extensions, caller: call.caller)
            }
        } else {
            parties = f.extensions
        }
        if parties.count > config.maxExtensionsPerCall { parties.removeLast(parties.count - config.maxExtensionsPerCall) }
        var changed = false
        if call.direction == .internal, !f.extensions.contains(where: { $0.value == call.callee }),
           let answerer = f.extensions.first(where: { $0.value != call.caller }) {
            call.callee = answerer.value
            changed = true
        }
        if parties != call.parties {
            call.parties = parties
            changed = true
        }
        return changed
    }

    /// `parties` keep the caller first (the extension a hang-up by `extid` uses), then the rest
    /// in report order.
    func callerFirst(_ exts: [ExtensionNumber], caller: String) -> [ExtensionNumber] {
        guard let c = exts.firstIndex(where: { $0.value == caller }), c != 0 else { return exts }
        var ordered = [exts[c]]
        for (i, e) in exts.enumerated() where i != c { ordered.append(e) }
        return ordered
    }

    func addPBXID(_ id: PBXCallID, to call: inout Call) -> Bool {
        if call.pbxIDs.contains(id) { return false }
        call.pbxIDs.append(id)
        if call.pbxIDs.count > config.maxPBXIDsPerCall { call.pbxIDs.removeFirst(call.pbxIDs.count - config.maxPBXIDsPerCall) }
        return true
    }

    func addExtension(_ e: ExtensionNumber, to call: inout Call) -> Bool {
        if call.extensions.contains(e) || call.extensions.count >= config.maxExtensionsPerCall { return false }
        call.extensions.append(e)
        return true
    }

    func addParties(_ exts: [ExtensionNumber], to call: inout Call) -> Bool {
        var changed = false
        for e in exts where !call.parties.contains(e) && call.parties.count < config.maxExtensionsPerCall {
            call.parties.append(e)
            changed = true
        }
        return changed
    }

    /// Returns false when the extension is new and the table is full.
    mutating func setExtension(_ number: ExtensionNumber, _ status: ExtensionStatus, now: Int64) -> Bool {
        if var s = extensions[number] {
            if s.status != status {
                s.status = status
                s.changedAt = now
            }
            s.updatedAt = now
            extensions[number] = s
            return true
        }
        guard extensions.count < config.maxExtensionStates else { return false }
        extensions[number] = ExtensionState(status: status, changedAt: now, updatedAt: now)
        return true
    }
}
