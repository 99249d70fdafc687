import JSON

/// What `GET /sim/state` shows of the PBX: sessions, lockouts, calls with every id, counters.
extension SimulatedPBX {
    /// Jumps the simulated clock forward (test hook §12.23 "clock control") and runs what
    /// became due. Tokens idle for longer than their lifetime die on the spot.
    public func advanceClock(byMs ms: Int64, now: Int64) -> [SimDelivery] {
        clock.jump(byMs: ms)
        return advance(now: now)
    }

    public func stateJSON(now: Int64) -> JSONValue {
        let t = clock.sim(now)
        expireTokens(t)
        var tokens: [JSONValue] = []
        for s in sessions {
            var o = JSONObject()
            o.append("token", .string(s.token))
            o.append("client_ip", .string(s.clientIP))
            o.append("destination", s.destination.map { .string($0.key) } ?? .null)
            o.append("version", s.version.map { .string($0) } ?? .null)
            o.append("login_seq", .int(s.loginSeq))
            o.append("idle_ms", .int(t - s.lastActivity))
            o.append("expires_in_ms", .int(s.lastActivity + settings.tokenLifetimeMs - t))
            o.append("heartbeats", .int(s.heartbeats))
            o.append("receives_reports", .bool(subscribers().contains { $0.token == s.token }))
            tokens.append(.object(o))
        }
        var locks: [JSONValue] = []
        for ip in lockouts.keys.sorted() {
            guard let l = lockouts[ip] else { continue }
            let blockedFor = l.blockedUntil.map { $0 - t } ?? 0
            locks.append([
                "client_ip": .string(ip),
                "failures": .int(Int64(l.failures)),
                "blocked": .bool(blockedFor > 0),
                "blocked_for_ms": .int(blockedFor > 0 ? blockedFor : 0),
            ])
        }
        var exts: [JSONValue] = []
        for e in settings.extensions {
            exts.append(["extnumber": .string(e), "status": .string(listStatus(e)),
                         "reported": .string(reportedStatus[e] ?? "Idle")])
        }
        let c = counters
        let countersObject: JSONObject = [
            "api_requests": .int(c.apiRequests), "api_failures": .int(c.apiFailures),
            "api_unanswered": .int(c.apiUnanswered),
            "logins_ok": .int(c.loginsOK), "logins_failed": .int(c.loginsFailed),
            "logins_blocked": .int(c.loginsBlocked), "lockouts": .int(c.lockouts),
            "heartbeats": .int(c.heartbeatRequests), "heartbeats_ok": .int(c.heartbeatsOK),
            "heartbeats_failed": .int(c.heartbeatRequests - c.heartbeatsOK), "logouts": .int(c.logouts), "tokens_expired": .int(c.tokensExpired), "tokens_evicted": .int(c.tokensEvicted),
            "calls_started": .int(c.callsStarted), "calls_answered": .int(c.callsAnswered),
            "calls_failed": .int(c.callsFailed), "calls_completed": .int(c.callsCompleted),
            "calls_transferred": .int(c.callsTransferred), "api_hangups": .int(c.apiHangups),
            "reports_generated": .int(c.reportsGenerated), "reports_unsubscribed": .int(c.reportsUnsubscribed),
            "reports_suppressed": .int(c.reportsSuppressed), "traffic_calls_skipped": .int(c.trafficCallsSkipped),
            "reboots": .int(c.reboots),
        ]
        return [
            "sim_time_ms": .int(t),
            "wall_ms": .int(clock.wall(now)),
            "time_scale": .number(JSONNumber(text: SimulatorSettings.decimal(clock.scale)) ?? JSONNumber(1)),
            "silent": .string(silentMode.name),
            "rebooting": .bool(rebootingUntil != nil),
            "sn": .string(settings.sn),
            "leg_sequence": .int(legSequence),
            "traffic_rate": .number(JSONNumber(text: SimulatorSettings.decimal(settings.traffic.ratePerMinute)) ?? JSONNumber(0)),
            "tokens": .array(tokens),
            "lockouts": .array(locks),
            "calls": .array(calls.map(SimulatedPBX.callJSON)),
            "recent_calls": .array(recentCalls.map(SimulatedPBX.callJSON)),
            "extensions": .array(exts),
            "counters": .object(countersObject),
        ]
    }

    public static func callJSON(_ c: SimCall) -> JSONValue {
        var o = JSONObject()
        o.append("id", .int(c.id))
        o.append("type", .string(c.kind.name))
        o.append("from", .string(c.from))
        o.append("to", .string(c.to))
        o.append("state", .string(c.state.name))
        o.append("caller_ext", c.callerExt.map { .string($0) } ?? .null)
        o.append("callee_ext", c.calleeExt.map { .string($0) } ?? .null)
        o.append("external", c.external.map { .string($0) } ?? .null)
        o.append("trunk", c.kind == .internal ? .null : .string(c.trunk))
        // Every id the reports of this call carry: legA (ALERT/RING/ANSWER/first BYE/CDR per
        // call type) and legB (the other reports and the second BYE).
        o.append("callids", [.string(c.legA), .string(c.legB)])
        if c.kind == .inbound { o.append("inboundid", .string(c.legA)) }
        if c.kind == .outbound { o.append("outboundid", .string(c.legA)) }
        o.append("held", .bool(c.held))
        o.append("started_ms", .int(c.startedAt))
        o.append("answered_ms", c.answeredAt.map { .int($0) } ?? .null)
        o.append("ended_ms", c.endedAt.map { .int($0) } ?? .null)
        o.append("outcome", c.outcome.isEmpty ? .null : .string(c.outcome))
        return .object(o)
    }
}
