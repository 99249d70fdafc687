import Crypto
import JSON

/// Login, lockout, heartbeat, logout and token lifetime (§2, §12.5–§12.9).
extension SimulatedPBX {
    func sessionIndex(_ token: String) -> Int? {
        for (i, s) in sessions.enumerated() where s.token == token { return i }
        return nil
    }

    /// Moves tokens idle for `tokenLifetimeMs` to the dead list. Activity is any API request
    /// with the token, any heartbeat, and any report pushed to its destination.
    func expireTokens(_ t: Int64) {
        var kept: [SimSession] = []
        for s in sessions {
            if t - s.lastActivity >= settings.tokenLifetimeMs {
                counters.tokensExpired += 1
                buryToken(s.token)
            } else {
                kept.append(s)
            }
        }
        if kept.count != sessions.count { sessions = kept }
    }

    func buryToken(_ token: String) {
        deadTokens.append(token)
        if deadTokens.count > SimulatedPBX.deadTokenMemory { deadTokens.removeFirst() }
    }

    /// Whether `token` may still receive reports (checked by the shell before every attempt).
    public func tokenIsLive(_ token: String, now: Int64) -> Bool {
        expireTokens(clock.sim(now))
        return sessionIndex(token) != nil
    }

    /// A report was written to the token's destination: that is activity, the idle timer
    /// restarts (§2.1: "a report pushed by the PBX").
    public func reportPushed(token: String, now: Int64) {
        let t = clock.sim(now)
        expireTokens(t)
        if let i = sessionIndex(token) { sessions[i].lastActivity = t }
    }

    /// Simulated ms left before an idle token dies; nil when the token is not live.
    public func tokenRemainingMs(_ token: String, now: Int64) -> Int64? {
        let t = clock.sim(now)
        expireTokens(t)
        guard let i = sessionIndex(token) else { return nil }
        return sessions[i].lastActivity + settings.tokenLifetimeMs - t
    }

    public func isBlocked(clientIP: String, now: Int64) -> Bool {
        guard let l = lockouts[clientIP], let until = l.blockedUntil else { return false }
        return clock.sim(now) < until
    }

    func login(_ f: [SimField], clientIP: String, format: SimResponseFormat, t: Int64) -> SimAPIResponse {
        let e = settings.errnos
        var record = lockouts[clientIP] ?? SimLockout()
        if let until = record.blockedUntil {
            if t < until {
                counters.loginsBlocked += 1
                return .failed(e.lockedOut, format: format)
            }
            record = SimLockout()
            lockouts[clientIP] = nil
        }
        let expected = md5Hex(Array(settings.password.utf8))
        guard f.value("username") == settings.username, f.value("password") == expected else {
            counters.loginsFailed += 1
            record.failures += 1
            if record.failures >= settings.lockoutFailures {
                record.blockedUntil = t + settings.lockoutMs
                counters.lockouts += 1
                lockouts[clientIP] = record
                return .failed(settings.lockingFailureReturnsLockout ? e.lockedOut : e.badCredentials, format: format)
            }
            lockouts[clientIP] = record
            trimLockouts(t)
            return .failed(e.badCredentials, format: format)
        }
        guard let port = f.value("port") else { return .failed(e.missingParameter, format: format) }
        guard let dest = SimDestination.from(ip: clientIP, port: port, url: f.value("url"), urltag: f.value("urltag"),
                                             absoluteURLWins: settings.absoluteURLWins) else {
            return .failed(e.wrongPort, format: format)
        }
        lockouts[clientIP] = nil
        // Replaced tokens read as unknown afterwards, like logged-out ones: they did not time out.
        if settings.subscribers == .replaceOnLogin { sessions = [] }
        if sessions.count >= SimulatedPBX.maxSessions {
            var oldest = 0
            for (i, s) in sessions.enumerated() where s.lastActivity < sessions[oldest].lastActivity { oldest = i }
            sessions.remove(at: oldest)
            counters.tokensEvicted += 1
        }
        var token = random.hexToken()
        while sessionIndex(token) != nil || deadTokens.contains(token) { token = random.hexToken() }
        loginSeq += 1
        sessions.append(SimSession(token: token, clientIP: clientIP, destination: dest, version: f.value("version"),
                                   loginSeq: loginSeq, createdAt: t, lastActivity: t))
        counters.loginsOK += 1
        return .success([JSONMember(key: "token", value: .string(token))], format: format)
    }

    /// Keeps the failure records bounded: blocking records stay, counting ones go first.
    func trimLockouts(_ t: Int64) {
        guard lockouts.count > SimulatedPBX.maxLockoutRecords else { return }
        var keep: [String: SimLockout] = [:]
        for (ip, l) in lockouts {
            if let until = l.blockedUntil, until > t { keep[ip] = l }
        }
        lockouts = keep
    }

    /// Requires `ipaddr` and `port`; re-registers the destination. The idle timer was already
    /// restarted by the token check.
    func heartbeat(_ f: [SimField], session s: Int, format: SimResponseFormat) -> SimAPIResponse {
        let e = settings.errnos
        guard let ip = f.value("ipaddr"), let port = f.value("port") else {
            return .failed(e.missingParameter, format: format)
        }
        guard let dest = SimDestination.from(ip: ip, port: port, url: f.value("url"), urltag: f.value("urltag"),
                                             absoluteURLWins: settings.absoluteURLWins) else {
            return .failed(e.wrongPort, format: format)
        }
        sessions[s].destination = dest
        sessions[s].heartbeats += 1
        counters.heartbeatsOK += 1
        return .success(format: format)
    }

    /// Invalidates the token (it then reads as unknown, not expired) and stops its reports.
    func logout(session s: Int, format: SimResponseFormat) -> SimAPIResponse {
        sessions.remove(at: s)
        counters.logouts += 1
        return .success(format: format)
    }
}
