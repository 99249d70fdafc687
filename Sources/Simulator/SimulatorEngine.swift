import JSON

/// A control API answer: an HTTP status and a JSON body.
public struct SimControlResponse: Equatable {
    public var status: Int
    public var body: [UInt8]

    static func ok(_ v: JSONValue) -> SimControlResponse { SimControlResponse(status: 200, body: JSON.serialize(v)) }

    static func error(_ status: Int, _ message: String) -> SimControlResponse {
        SimControlResponse(status: status, body: JSON.serialize(["error": .string(message)]))
    }
}

/// The whole simulator without sockets: the PBX core, its report outbox, and the control API
/// (test hooks). The network shell (`Simulator`) feeds it requests and carries out delivery
/// attempts; tests can drive it directly.
public final class SimulatorEngine {
    public let pbx: SimulatedPBX
    public let outbox = ReportOutbox()

    public init(settings: SimulatorSettings, now: Int64, wallClockMs: Int64) {
        pbx = SimulatedPBX(settings: settings, now: now, wallClockMs: wallClockMs)
        syncOutbox()
    }

    public var settings: SimulatorSettings { pbx.settings }

    /// Outbox limits follow the settings; the resend interval is a simulated duration.
    func syncOutbox() {
        let s = pbx.settings
        outbox.resendIntervalMs = pbx.clock.realDuration(s.resendIntervalMs)
        outbox.resendLimit = s.resendLimit
        outbox.queueLimit = s.queueLimit
        outbox.duplicateAfterAck = s.duplicateAfterAck
        outbox.logLimit = s.reportLogLimit
    }

    public func enqueue(_ ds: [SimDelivery], now: Int64) {
        let wall = pbx.clock.wall(now)
        for d in ds { outbox.enqueue(d, now: now, wallMs: wall) }
    }

    // MARK: API and timers

    /// One API request; reports it causes are queued.
    public func handleAPI(_ req: SimAPIRequest, clientIP: String, now: Int64) -> SimAPIReply {
        let r = pbx.handle(req, clientIP: clientIP, now: now)
        enqueue(r.deliveries, now: now)
        return r.reply
    }

    /// Runs due PBX events and queues their reports.
    public func advance(now: Int64) {
        enqueue(pbx.advance(now: now), now: now)
    }

    /// Real ms of the next thing to do (a PBX event or a delivery attempt).
    public func nextDeadline() -> Int64? {
        let a = pbx.nextDeadline()
        let b = deliveryPaused ? nil : outbox.nextDeadline()
        guard let x = a else { return b }
        guard let y = b else { return x }
        return x < y ? x : y
    }

    /// An unreachable PBX (silent, rebooting) pushes nothing, resends included.
    var deliveryPaused: Bool { pbx.silentMode != .off || pbx.isRebooting }

    /// Attempts to make now. Reports whose token died while they waited are discarded here
    /// (delivery only while a valid token exists, §12.11).
    public func dueAttempts(now: Int64) -> [SimDeliveryAttempt] {
        guard !deliveryPaused else { return [] }
        var out: [SimDeliveryAttempt] = []
        var again = true
        while again {
            again = false
            for a in outbox.due(now: now) {
                if let token = a.delivery.token, !pbx.tokenIsLive(token, now: now) {
                    outbox.discard(a, wallMs: pbx.clock.wall(now))
                    again = true  // the next report for that destination may be due now
                } else {
                    out.append(a)
                }
            }
        }
        return out
    }

    /// The request reached the client: that is activity on its token.
    public func attemptWritten(_ a: SimDeliveryAttempt, now: Int64) {
        if let token = a.delivery.token { pbx.reportPushed(token: token, now: now) }
    }

    public func finish(_ a: SimDeliveryAttempt, outcome: SimDeliveryOutcome, now: Int64) {
        outbox.finish(a, outcome: outcome, now: now, wallMs: pbx.clock.wall(now))
    }

    /// The exact request bytes for an attempt, per the current settings.
    public func requestBytes(_ a: SimDeliveryAttempt) -> [UInt8] {
        SimReportWire.request(body: a.delivery.body, destination: a.delivery.destination,
                              form: pbx.settings.requestLine, lineEnding: pbx.settings.lineEnding)
    }

    // MARK: control API

    /// `method` and `target` of a control request (see docs/simulator.md).
    public func control(method: String, target: String, body: [UInt8], now: Int64) -> SimControlResponse {
        let req = SimAPIRequest(method: method, target: target, body: body)
        var parts: [String] = []
        for p in req.path.utf8.split(separator: UInt8(ascii: "/")) { parts.append(String(decoding: p, as: UTF8.self)) }
        guard parts.first == "sim", parts.count >= 2 else { return .error(404, "unknown control path " + req.path) }
        let args: JSONObject
        if body.isEmpty || body.allSatisfy({ SimRequestBody.isSpace($0) }) {
            args = JSONObject()
        } else {
            guard let v = try? JSON.parse(body), case .object(let o) = v else {
                return .error(400, "control request body must be a JSON object")
            }
            args = o
        }
        let get = method == "GET"
        let post = method == "POST"
        switch (parts[1], parts.count) {
        case ("state", 2):
            guard get else { return .error(405, "use GET") }
            return .ok(state(now: now))
        case ("settings", 2):
            if get { return .ok(pbx.settings.json) }
            guard post else { return .error(405, "use GET or POST") }
            var s = pbx.settings
            do { try s.apply(args) } catch { return .error(400, error.message) }
            pbx.apply(s, now: now)
            syncOutbox()
            return .ok(pbx.settings.json)
        case ("calls", 2):
            if get { return .ok(["calls": .array(pbx.calls.map(SimulatedPBX.callJSON))]) }
            guard post else { return .error(405, "use GET or POST") }
            return startCall(args, now: now)
        case ("calls", 3), ("calls", 4):
            guard let id = Int64(parts[2]) else { return .error(404, "call ids are numbers") }
            if parts.count == 3 {
                guard get else { return .error(405, "use GET") }
                guard let c = pbx.anyCall(id) else { return .error(404, SimControlError.unknownCall(id).message) }
                return .ok(SimulatedPBX.callJSON(c))
            }
            guard post else { return .error(405, "use POST") }
            return callAction(id, parts[3], args, now: now)
        case ("reboot", 2):
            guard post else { return .error(405, "use POST") }
            outbox.clear()
            let ds = pbx.reboot(bootUpReport: args["bootup_report"]?.bool, now: now)
            enqueue(ds, now: now)
            return .ok(["rebooted": true, "bootup_reports": .int(Int64(ds.count))])
        case ("silent", 2):
            guard post else { return .error(405, "use POST") }
            var mode = SimSilentMode.off
            if args["on"]?.bool ?? true {
                guard let m = SimSilentMode(name: args["mode"]?.string ?? "hang"), m != .off else {
                    return .error(400, "mode must be hang or close")
                }
                mode = m
            }
            pbx.setSilent(mode)
            return .ok(["silent": .string(mode.name)])
        case ("drop-reports", 2), ("duplicate-next", 2):
            guard post else { return .error(405, "use POST") }
            guard let n = args["count"]?.int64, n >= 0, n <= 1_000_000 else { return .error(400, "count must be 0 or more") }
            if parts[1] == "drop-reports" { outbox.dropNext = Int(n) } else { outbox.duplicateNext = Int(n) }
            return .ok(["drop_next": .int(Int64(outbox.dropNext)), "duplicate_next": .int(Int64(outbox.duplicateNext))])
        case ("reports", 2):
            guard get else { return .error(405, "use GET") }
            let since = req.queryValue("since").flatMap { Int64($0) } ?? 0
            var items: [JSONValue] = []
            for e in outbox.log where e.id > since { items.append(SimulatorEngine.logJSON(e)) }
            return .ok(["reports": .array(items)])
        case ("traffic", 2):
            guard post else { return .error(405, "use POST") }
            guard let rate = args["rate"]?.number?.double, rate >= 0 else { return .error(400, "rate must be calls per minute, 0 or more") }
            var mean: Int64? = nil
            if let m = args["mean_duration_ms"] {
                guard let v = SimDuration.from(m), v > 0 else { return .error(400, "mean_duration_ms must be a positive duration") }
                mean = v
            }
            pbx.setTraffic(ratePerMinute: rate, meanDurationMs: mean, now: now)
            return .ok(pbx.settings.json["traffic"] ?? .null)
        case ("clock", 2):
            guard post else { return .error(405, "use POST") }
            guard let ms = args["advance_ms"].flatMap(SimDuration.from), ms >= 0 else {
                return .error(400, "advance_ms must be a duration")
            }
            enqueue(pbx.advanceClock(byMs: ms, now: now), now: now)
            return .ok(["sim_time_ms": .int(pbx.simTime(now))])
        default:
            return .error(404, "unknown control path " + req.path)
        }
    }

    public func state(now: Int64) -> JSONValue {
        var o = pbx.stateJSON(now: now).object ?? JSONObject()
        let c = outbox.counters
        // The headline delivery numbers also sit with the other counters, for scripts that
        // read only `counters`.
        for (i, m) in o.members.enumerated() where m.key == "counters" {
            guard case .object(var counters) = m.value else { continue }
            counters.append("reports_sent", .int(c.sent))
            counters.append("reports_acked", .int(c.acked))
            counters.append("reports_resent", .int(c.resent))
            o.members[i].value = .object(counters)
        }
        o.append("delivery", [
            "queued": .int(c.queued), "sent": .int(c.sent), "acked": .int(c.acked), "rejected": .int(c.rejected),
            "failed_attempts": .int(c.failedAttempts), "resent": .int(c.resent),
            "duplicates_sent": .int(c.duplicatesSent), "given_up": .int(c.givenUp), "dropped": .int(c.dropped),
            "overflowed": .int(c.overflowed), "no_token": .int(c.noToken),
            "pending": .int(Int64(outbox.pendingCount)),
            "drop_next": .int(Int64(outbox.dropNext)), "duplicate_next": .int(Int64(outbox.duplicateNext)),
        ])
        return .object(o)
    }

    func startCall(_ a: JSONObject, now: Int64) -> SimControlResponse {
        guard let kind = SimCallKind(name: a["type"]?.string ?? "internal") else {
            return .error(400, "type must be internal, inbound or outbound")
        }
        guard let from = a["from"]?.string ?? a["from"]?.number?.text, let to = a["to"]?.string ?? a["to"]?.number?.text else {
            return .error(400, "a call needs \"from\" and \"to\"")
        }
        var spec = SimCallSpec(kind: kind, from: from, to: to)
        for key in ["answer_after_ms", "duration_ms"] {
            guard let v = a[key], !v.isNull else { continue }
            guard let ms = SimDuration.from(v) else { return .error(400, key + " must be a duration") }
            if key == "answer_after_ms" { spec.answerAfterMs = ms } else { spec.durationMs = ms }
        }
        if let h = a["hangup_by"]?.string {
            guard let side = SimSide(name: h) else { return .error(400, "hangup_by must be caller or callee") }
            spec.hangupBy = side
        }
        spec.fail = a["fail"]?.bool ?? false
        if let r = a["reason"]?.int64 { spec.failReason = Int(r) }
        do {
            let r = try pbx.startCall(spec, now: now)
            enqueue(r.deliveries, now: now)
            return .ok(SimulatedPBX.callJSON(r.call))
        } catch {
            return .error(error.httpStatus, error.message)
        }
    }

    func callAction(_ id: Int64, _ action: String, _ a: JSONObject, now: Int64) -> SimControlResponse {
        var side: SimSide? = nil
        if let b = a["by"]?.string {
            guard let s = SimSide(name: b) else { return .error(400, "by must be caller or callee") }
            side = s
        }
        do {
            let ds: [SimDelivery]
            switch action {
            case "answer": ds = try pbx.answer(callID: id, now: now)
            case "hangup": ds = try pbx.hangup(callID: id, by: side ?? .caller, now: now)
            case "fail": ds = try pbx.fail(callID: id, reason: Int(a["reason"]?.int64 ?? 480), now: now)
            case "transfer":
                guard let to = a["to"]?.string ?? a["to"]?.number?.text else {
                    return .error(400, "transfer needs \"to\" (an extension)")
                }
                // Default: the side that is an extension (the callee of internal calls).
                let kind = pbx.call(id)?.kind
                ds = try pbx.transfer(callID: id, by: side ?? (kind == .outbound ? .caller : .callee), to: to, now: now)
            default: return .error(404, "unknown call action " + action + " (answer, hangup, transfer, fail)")
            }
            enqueue(ds, now: now)
            guard let c = pbx.anyCall(id) else { return .error(404, SimControlError.unknownCall(id).message) }
            var o = SimulatedPBX.callJSON(c).object ?? JSONObject()
            o.append("reports", .int(Int64(ds.count)))
            return .ok(.object(o))
        } catch {
            return .error(error.httpStatus, error.message)
        }
    }

    static func logJSON(_ e: SimReportLogEntry) -> JSONValue {
        var o = JSONObject()
        o.append("id", .int(e.id))
        o.append("report_seq", .int(e.reportSeq))
        o.append("action", .string(e.action))
        o.append("callid", e.callid.map { .string($0) } ?? .null)
        o.append("destination", .string(e.destination))
        o.append("attempt", .int(Int64(e.attempt)))
        o.append("duplicate", .bool(e.duplicate))
        o.append("outcome", .string(e.outcome))
        o.append("http_status", e.httpStatus.map { .int(Int64($0)) } ?? .null)
        o.append("final", .bool(e.final))
        o.append("wall_ms", .int(e.wallMs))
        o.append("body", .string(String(decoding: e.body, as: UTF8.self)))
        return .object(o)
    }
}
