/// The call model and the reports each step produces (§10.2, §10.3, §11, §12.14–§12.17).
///
/// Leg ids per report, taken from the captures (A = `legA`, B = `legB`):
///
/// | report | internal | outbound | inbound |
/// |---|---|---|---|
/// | ALERT | A, ext [caller] | B, ext caller, no sn | B, inbound(id A) |
/// | RING | A, ext [callee, caller] | A, outbound(id A) + ext, no sn | B, ext + inbound(id A) |
/// | ANSWER | A, ext [callee, caller] | B, ext + outbound(id A) | A, ext + inbound(id A) |
/// | BYE 1 | A, [hanger, other] | A, hanger first, outboundid A | A, hanger first, inboundid A |
/// | BYE 2 | B, [other, hanger] | B, other first, outboundid B | B, other first, inboundid B |
/// | NewCdr, CallFailed | A | A | A |
///
/// The inbound BYEs have no capture; they mirror the outbound pair (§10.2).
extension SimulatedPBX {
    // MARK: control entry points

    /// Starts a call (ALERT, RING, ExtensionStatus) and schedules its script.
    public func startCall(_ spec: SimCallSpec, now: Int64) throws(SimControlError) -> (call: SimCall, deliveries: [SimDelivery]) {
        try validate(spec)
        guard calls.count < SimulatedPBX.maxLiveCalls else {
            throw .wrongState("the simulated PBX already has " + String(SimulatedPBX.maxLiveCalls) + " live calls")
        }
        let t = clock.sim(now)
        let (call, out) = beginCall(spec, t: t, now: now)
        return (call, out)
    }

    public func answer(callID: Int64, now: Int64) throws(SimControlError) -> [SimDelivery] {
        guard let i = callIndex(callID) else { throw .unknownCall(callID) }
        guard calls[i].state == .ringing else { throw .wrongState("call " + String(callID) + " is already answered") }
        return answerCall(i, t: clock.sim(now), now: now)
    }

    /// Ends the call as a phone hang-up by `side` (default: the caller). A ringing call ends as
    /// CallFailed 480 (the only reason OpenVox documents).
    public func hangup(callID: Int64, by side: SimSide = .caller, now: Int64) throws(SimControlError) -> [SimDelivery] {
        guard let i = callIndex(callID) else { throw .unknownCall(callID) }
        let t = clock.sim(now)
        if calls[i].state == .ringing { return failCall(i, reason: 480, t: t, now: now) }
        return hangupCall(i, by: side, t: t, now: now)
    }

    public func fail(callID: Int64, reason: Int = 480, now: Int64) throws(SimControlError) -> [SimDelivery] {
        guard let i = callIndex(callID) else { throw .unknownCall(callID) }
        guard calls[i].state == .ringing else { throw .wrongState("call " + String(callID) + " was answered; hang it up instead") }
        return failCall(i, reason: reason, t: clock.sim(now), now: now)
    }

    /// Blind transfer of an answered call by the extension on `side` to extension `target`:
    /// Tranfer report, the transferring extension goes idle, the target takes its place.
    public func transfer(callID: Int64, by side: SimSide, to target: String, now: Int64) throws(SimControlError) -> [SimDelivery] {
        guard let i = callIndex(callID) else { throw .unknownCall(callID) }
        guard calls[i].state == .talking else { throw .wrongState("only an answered call can be transferred") }
        guard calls[i].extensionOn(side) != nil else {
            throw .wrongState("the " + side.name + " of call " + String(callID) + " is not an extension")
        }
        try requireExtension(target)
        guard !calls[i].extensions.contains(target) else { throw .invalid("extension " + target + " is already in the call") }
        return transferCall(i, by: side, to: target, t: clock.sim(now), now: now)
    }

    func requireExtension(_ e: String) throws(SimControlError) {
        guard settings.extensions.contains(e) else { throw .unknownExtension(e) }
        guard !settings.unavailableExtensions.contains(e) else { throw .extensionUnavailable(e) }
    }

    func validate(_ spec: SimCallSpec) throws(SimControlError) {
        guard !spec.from.isEmpty, !spec.to.isEmpty else { throw .invalid("a call needs \"from\" and \"to\"") }
        switch spec.kind {
        case .internal:
            try requireExtension(spec.from)
            try requireExtension(spec.to)
            guard spec.from != spec.to else { throw .invalid("an extension cannot call itself") }
        case .inbound:
            try requireExtension(spec.to)
        case .outbound:
            try requireExtension(spec.from)
        }
        if let a = spec.answerAfterMs, a < 0 { throw .invalid("answer_after_ms must not be negative") }
        if let d = spec.durationMs, d < 0 { throw .invalid("duration_ms must not be negative") }
    }

    // MARK: steps

    func nextLeg(_ now: Int64) -> String {
        legSequence += 1
        return String(SimCalendar.floorDiv(clock.wall(now), 1000)) + "." + String(legSequence)
    }

    func beginCall(_ spec: SimCallSpec, t: Int64, now: Int64) -> (SimCall, [SimDelivery]) {
        let legA = nextLeg(now)
        _ = nextLeg(now)  // the captures' leg pairs are always two apart
        let legB = nextLeg(now)
        let call = SimCall(
            id: nextCallID, kind: spec.kind,
            callerExt: spec.kind == .inbound ? nil : spec.from,
            calleeExt: spec.kind == .outbound ? nil : spec.to,
            external: spec.kind == .inbound ? spec.from : (spec.kind == .outbound ? spec.to : nil),
            inboundTo: spec.kind == .inbound ? spec.to : nil,
            outboundFrom: spec.kind == .outbound ? spec.from : nil,
            trunk: settings.trunk, legA: legA, legB: legB, state: .ringing,
            startedAt: t, startedWallMs: clock.wall(now))
        nextCallID += 1
        calls.append(call)
        counters.callsStarted += 1

        if spec.fail {
            schedule(.fail(call.id, spec.failReason), at: t + (spec.answerAfterMs ?? settings.ringTimeoutMs))
        } else if let a = spec.answerAfterMs {
            schedule(.answer(call.id), at: t + a)
            if let d = spec.durationMs { schedule(.hangup(call.id, spec.hangupBy), at: t + a + d) }
        }
        // A call created without `answer_after_ms` rings until a test answers, hangs up or fails it.

        let alert = SimReport.call(alertReport(call))
        let ring = SimReport.call(ringReport(call))
        var pair = [alert, ring]
        switch settings.alertRingOrder {
        case .alertFirst: break
        case .ringFirst: pair = [ring, alert]
        case .random: if random.below(2) == 1 { pair = [ring, alert] }
        }
        return (call, publish(arrange(pair, statusReports(call.extensions)), t: t))
    }

    func answerCall(_ i: Int, t: Int64, now: Int64) -> [SimDelivery] {
        calls[i].state = .talking
        calls[i].answeredAt = t
        counters.callsAnswered += 1
        let c = calls[i]
        var reports = [SimReport.call(answerReport(c))]
        if settings.answerPair { reports.append(.call(answeredReport(c))) }
        return publish(arrange(reports, statusReports(c.extensions)), t: t)
    }

    func hangupCall(_ i: Int, by side: SimSide, t: Int64, now: Int64) -> [SimDelivery] {
        var c = calls.remove(at: i)
        c.state = .ended
        c.endedAt = t
        c.outcome = "hangup by " + side.name
        counters.callsCompleted += 1
        remember(c)
        var reports = [SimReport.call(byeReport(c, hanger: side, second: false)),
                       SimReport.call(byeReport(c, hanger: side, second: true))]
        reports.append(.cdr(cdr(c, status: "ANSWERED")))
        return publish(arrange(reports, statusReports(c.extensions)), t: t)
    }

    func failCall(_ i: Int, reason: Int, t: Int64, now: Int64) -> [SimDelivery] {
        var c = calls.remove(at: i)
        c.state = .ended
        c.endedAt = t
        c.outcome = "failed " + String(reason)
        counters.callsFailed += 1
        remember(c)
        var reports = [SimReport.call(failedReport(c, reason: reason))]
        if settings.byeAfterCallFailed {
            reports.append(.call(byeReport(c, hanger: .caller, second: false)))
            reports.append(.call(byeReport(c, hanger: .caller, second: true)))
        }
        if settings.cdrAfterCallFailed {
            reports.append(.cdr(cdr(c, status: reason == 480 || reason == 487 ? "NO ANSWER" : "FAILED")))
        }
        return publish(arrange(reports, statusReports(c.extensions)), t: t)
    }

    func transferCall(_ i: Int, by side: SimSide, to target: String, t: Int64, now: Int64) -> [SimDelivery] {
        let before = calls[i]
        guard let transferer = before.extensionOn(side) else { return [] }
        let report: SimCallReport
        if before.kind == .internal {
            let leg = side == .caller ? before.legA : before.legB
            report = SimCallReport(action: "Tranfer", callid: leg, reason: nil,
                                   parties: [.ext([target, transferer])], extidArray: true, omitSN: false)
        } else {
            report = SimCallReport(action: "Tranfer", callid: before.legA, reason: nil,
                                   parties: [.ext([target]), trunkParty(before, id: before.legA)],
                                   extidArray: false, omitSN: false)
        }
        // The target's channel replaces the transferer's leg.
        if side == .caller {
            calls[i].callerExt = target
            if before.kind == .internal { calls[i].legA = nextLeg(now) } else { calls[i].legB = nextLeg(now) }
        } else {
            calls[i].calleeExt = target
            calls[i].legB = nextLeg(now)
        }
        calls[i].held = false
        counters.callsTransferred += 1
        return publish(arrange([.call(report)], statusReports([transferer, target])), t: t)
    }

    // MARK: ExtensionStatus

    /// The state an extension is in, from every live call.
    func derivedStatus(_ ext: String) -> String {
        var ringing = false
        for c in calls {
            if c.state == .talking && c.extensions.contains(ext) { return settings.busyStatus }
            if c.state == .ringing {
                if c.callerExt == ext { return settings.busyStatus }
                if c.calleeExt == ext { ringing = true }
            }
        }
        return ringing ? "Ringing" : "Idle"
    }

    /// ExtensionStatus reports for the extensions whose state changed.
    func statusReports(_ exts: [String]) -> [SimReport] {
        var out: [SimReport] = []
        var seen: [String] = []
        for e in exts where !seen.contains(e) {
            seen.append(e)
            let now = derivedStatus(e)
            if now != (reportedStatus[e] ?? "Idle") {
                reportedStatus[e] = now
                out.append(.extensionStatus(extension: e, status: now))
            }
        }
        return out
    }

    /// Places ExtensionStatus reports before or after the call reports of the same step.
    func arrange(_ callReports: [SimReport], _ statuses: [SimReport]) -> [SimReport] {
        switch settings.statusPlacement {
        case .afterCallReports: return callReports + statuses
        case .beforeCallReports: return statuses + callReports
        case .random: return random.below(2) == 0 ? callReports + statuses : statuses + callReports
        }
    }

    // MARK: report contents

    func trunkParty(_ c: SimCall, id: String) -> SimParty {
        if c.kind == .inbound {
            return .inbound(from: c.external ?? "", to: c.inboundTo ?? "", trunk: c.trunk, id: id)
        }
        return .outbound(from: c.outboundFrom ?? "", to: c.external ?? "", trunk: c.trunk, id: id)
    }

    func extParty(_ c: SimCall) -> SimParty {
        .ext([c.kind == .inbound ? (c.calleeExt ?? "") : (c.callerExt ?? "")])
    }

    func alertReport(_ c: SimCall) -> SimCallReport {
        switch c.kind {
        case .internal:
            return SimCallReport(action: "ALERT", callid: c.legA, reason: nil, parties: [.ext([c.callerExt ?? ""])],
                                 extidArray: true, omitSN: false)
        case .outbound:
            return SimCallReport(action: "ALERT", callid: c.legB, reason: nil, parties: [extParty(c)],
                                 extidArray: false, omitSN: true)
        case .inbound:
            return SimCallReport(action: "ALERT", callid: c.legB, reason: nil, parties: [trunkParty(c, id: c.legA)],
                                 extidArray: false, omitSN: false)
        }
    }

    func ringReport(_ c: SimCall) -> SimCallReport {
        switch c.kind {
        case .internal:
            return SimCallReport(action: "RING", callid: c.legA, reason: nil,
                                 parties: [.ext([c.calleeExt ?? "", c.callerExt ?? ""])], extidArray: true, omitSN: false)
        case .outbound:
            return SimCallReport(action: "RING", callid: c.legA, reason: nil,
                                 parties: [trunkParty(c, id: c.legA), extParty(c)], extidArray: false, omitSN: true)
        case .inbound:
            return SimCallReport(action: "RING", callid: c.legB, reason: nil,
                                 parties: [extParty(c), trunkParty(c, id: c.legA)], extidArray: false, omitSN: false)
        }
    }

    func answerReport(_ c: SimCall) -> SimCallReport {
        switch c.kind {
        case .internal:
            return SimCallReport(action: "ANSWER", callid: c.legA, reason: nil,
                                 parties: [.ext([c.calleeExt ?? "", c.callerExt ?? ""])], extidArray: true, omitSN: false)
        case .outbound:
            return SimCallReport(action: "ANSWER", callid: c.legB, reason: nil,
                                 parties: [extParty(c), trunkParty(c, id: c.legA)], extidArray: false, omitSN: false)
        case .inbound:
            return SimCallReport(action: "ANSWER", callid: c.legA, reason: nil,
                                 parties: [extParty(c), trunkParty(c, id: c.legA)], extidArray: false, omitSN: false)
        }
    }

    /// ANSWERED (with `answerPair`): the caller's view, parties caller first. No OpenVox
    /// capture exists; the shape follows Yeastar's ANSWERED examples.
    func answeredReport(_ c: SimCall) -> SimCallReport {
        switch c.kind {
        case .internal:
            return SimCallReport(action: "ANSWERED", callid: c.legA, reason: nil,
                                 parties: [.ext([c.callerExt ?? "", c.calleeExt ?? ""])], extidArray: true, omitSN: false)
        case .outbound:
            return SimCallReport(action: "ANSWERED", callid: c.legA, reason: nil,
                                 parties: [extParty(c), trunkParty(c, id: c.legA)], extidArray: false, omitSN: false)
        case .inbound:
            return SimCallReport(action: "ANSWERED", callid: c.legA, reason: nil,
                                 parties: [trunkParty(c, id: c.legA), extParty(c)], extidArray: false, omitSN: false)
        }
    }

    /// The two BYEs: the first on leg A lists the party that hung up first, the second on leg B
    /// lists the other party first (§10.1, captures .1775/.1777 and .1962/.1964).
    func byeReport(_ c: SimCall, hanger: SimSide, second: Bool) -> SimCallReport {
        let leg = second ? c.legB : c.legA
        let first = second ? hanger.other : hanger
        switch c.kind {
        case .internal:
            let a = c.extensionOn(first) ?? ""
            let b = c.extensionOn(first.other) ?? ""
            return SimCallReport(action: "BYE", callid: leg, reason: nil, parties: [.ext([a, b])],
                                 extidArray: true, omitSN: false)
        case .outbound, .inbound:
            // The extension is the caller of an outbound call and the callee of an inbound one.
            let extSide: SimSide = c.kind == .outbound ? .caller : .callee
            let parties = first == extSide ? [extParty(c), trunkParty(c, id: leg)] : [trunkParty(c, id: leg), extParty(c)]
            return SimCallReport(action: "BYE", callid: leg, reason: nil, parties: parties, extidArray: false, omitSN: false)
        }
    }

    /// CallFailed: `reason` before `callid` (OpenVox: a bare number).
    func failedReport(_ c: SimCall, reason: Int) -> SimCallReport {
        switch c.kind {
        case .internal:
            return SimCallReport(action: "CallFailed", callid: c.legA, reason: reason,
                                 parties: [.ext([c.callerExt ?? "", c.calleeExt ?? ""])], extidArray: true, omitSN: false)
        case .outbound:
            return SimCallReport(action: "CallFailed", callid: c.legA, reason: reason,
                                 parties: [trunkParty(c, id: c.legA), extParty(c)], extidArray: false, omitSN: false)
        case .inbound:
            return SimCallReport(action: "CallFailed", callid: c.legA, reason: reason,
                                 parties: [extParty(c), trunkParty(c, id: c.legA)], extidArray: false, omitSN: false)
        }
    }

    func cdr(_ c: SimCall, status: String) -> SimCDR {
        let end = c.endedAt ?? c.startedAt
        let talk = c.answeredAt.map { (end - $0) / 1000 } ?? 0
        let to = c.kind == .outbound ? settings.dialPrefix + c.to : c.to
        return SimCDR(callid: c.legA,
                      timestart: SimCalendar.dateTime(unixMs: c.startedWallMs, utcOffsetMinutes: settings.utcOffsetMinutes),
                      callfrom: c.from, callto: to, callDuration: (end - c.startedAt) / 1000, talkDuration: talk,
                      status: status, type: c.kind.cdrType, trunkName: c.kind == .internal ? "" : c.trunk)
    }
}
