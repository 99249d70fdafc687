import CallModel
import JSON
import PBX

/// `GET /v1/health`. `ok`: logged in and the table reconciled; `down`: the session cannot
/// recover without an admin (wrong credentials, or not running); `degraded`: anything in
/// between (logging in, PBX unreachable, table stale), while the agent keeps serving what it knows.
enum AgentHealth {
    static func status(session: PBXSessionState, fresh: Bool) -> String {
        switch session {
        case .authFailed, .loggedOut: return "down"
        case .loggedIn: return fresh ? "ok" : "degraded"
        case .loggingIn, .unreachable: return "degraded"
        }
    }

    static func json(_ agent: Agent) -> JSONValue {
        let h = agent.pbx.health
        let table = agent.table
        var pbx = JSONObject()
        pbx.append("session", .string(h.state.description))
        pbx.append("last_heartbeat", CallJSON.time(h.lastHeartbeatWallMs))
        pbx.append("last_contact", CallJSON.time(h.lastContactWallMs))
        pbx.append("last_report_age_s", agent.lastReportAgeMs.map { .int($0 / 1000) } ?? .null)
        pbx.append("token_age_s", h.tokenAgeMs.map { .int($0 / 1000) } ?? .null)
        pbx.append("login_failures_in_window", .int(Int64(h.loginFailuresInWindow)))
        pbx.append("last_login_error", CallJSON.optional(h.lastLoginError))

        var t = JSONObject()
        t.append("fresh", .bool(table.isFresh))
        t.append("stale_since", CallJSON.time(table.staleSince))
        t.append("last_good_contact", CallJSON.time(table.lastGoodContact))
        t.append("last_reconcile", CallJSON.time(table.lastReconcileAt))
        t.append("live_calls", .int(Int64(table.liveCount)))
        t.append("calls_kept", .int(Int64(table.calls.count)))

        let c = counters(session: h.counters, table: table.counters, reports: agent.reports.counters, agent: agent.counters)

        var o = JSONObject()
        o.append("status", .string(status(session: h.state, fresh: table.isFresh)))
        o.append("pbx", .object(pbx))
        o.append("table", .object(t))
        o.append("counters", .object(c))
        return .object(o)
    }

    /// The `counters` member of `/v1/health`: every counter is `Int64`, so none wraps on the
    /// 32-bit appliances (SelfTest writes them past 2^32).
    static func counters(session s: PBXSessionCounters, table tc: CallTableCounters,
                         reports r: ReportListenerCounters, agent a: AgentCounters) -> JSONObject {
        var c = JSONObject()
        c.append("logins_ok", .int(s.loginsOK))
        c.append("logins_failed", .int(s.loginsFailed))
        c.append("heartbeats_ok", .int(s.heartbeatsOK))
        c.append("heartbeats_failed", .int(s.heartbeatsFailed))
        c.append("relogins", .int(s.relogins))
        c.append("transport_errors", .int(s.transportErrors))
        c.append("reports_applied", .int(tc.reportsApplied))
        c.append("reports_duplicate", .int(tc.duplicates))
        c.append("report_anomalies", .int(tc.anomalies))
        c.append("calls_started", .int(tc.callsStarted))
        c.append("calls_ended", .int(tc.callsEnded))
        c.append("calls_reconciled_ended", .int(tc.reconciledEnds))
        c.append("calls_learned", .int(tc.learnedCalls))
        c.append("calls_refused_over_limit", .int(tc.refusedCalls))
        c.append("reports_received", .int(r.received))
        c.append("reports_rejected", .int(r.rejected))
        c.append("reports_forbidden", .int(r.forbidden))
        c.append("reports_http_errors", .int(r.httpErrors))
        c.append("dead_letters", .int(r.deadLettered))
        c.append("dead_letter_failures", .int(r.deadLetterFailures))
        var q = JSONObject()
        for (_, name) in ReportQuirks.all { q.append(name, .int(r.quirks[name] ?? 0)) }
        c.append("report_quirks", .object(q))
        c.append("reconciliations", .int(a.reconciliations))
        c.append("reconcile_failures", .int(a.reconcileFailures))
        c.append("hangup_requests", .int(a.hangupRequests))
        c.append("hangups_confirmed", .int(a.hangupsConfirmed))
        c.append("hangups_unconfirmed", .int(a.hangupsUnconfirmed))
        c.append("hangups_refused", .int(a.hangupsRefused))
        c.append("hangups_unavailable", .int(a.hangupsUnavailable))
        return c
    }
}
