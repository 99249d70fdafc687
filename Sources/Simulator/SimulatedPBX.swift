import JSON

/// What the API handler produced: the reply, and reports that the request caused (a hangup).
public struct SimAPIResult: Equatable {
    public var reply: SimAPIReply
    public var deliveries: [SimDelivery]

    public var response: SimAPIResponse? { reply.response }
}

enum SimTimerEvent: Equatable {
    case answer(Int64)
    case hangup(Int64, SimSide)
    case fail(Int64, Int)
    case trafficArrival(generation: Int64)
    case rebootDone
}

struct SimTimer: Equatable {
    var at: Int64
    var seq: Int64
    var event: SimTimerEvent
}

/// The simulated OpenVox UC PBX, without sockets or clocks of its own: the shell passes the
/// real monotonic time `now` (ms) into every call and carries out the returned deliveries.
///
/// One instance is the whole PBX: API sessions and lockouts, the live-call model, the report
/// generator and the test hooks. Everything that decides what the PBX says lives here, so it is
/// tested without the network.
public final class SimulatedPBX {
    public private(set) var settings: SimulatorSettings
    var clock: SimClock
    var random: SimRandom
    public internal(set) var counters = SimCounters()

    public internal(set) var sessions: [SimSession] = []
    /// Tokens that died of old age, so they answer "expired" rather than "unknown"; bounded.
    var deadTokens: [String] = []
    static let deadTokenMemory = 1024
    public internal(set) var lockouts: [String: SimLockout] = [:]
    /// Live tokens kept at most; a login beyond it evicts the least recently active token
    /// (which then reads as unknown). Real firmware limits are unknown; this only bounds memory.
    public static let maxSessions = 256
    /// Failed-login records kept at most; beyond it records that are not blocking are dropped.
    public static let maxLockoutRecords = 4096
    /// Live calls at most: control requests beyond it are refused (409).
    public static let maxLiveCalls = 1000
    var loginSeq: Int64 = 0

    public internal(set) var calls: [SimCall] = []
    /// Ended calls, newest last, for the control API.
    public internal(set) var recentCalls: [SimCall] = []
    static let recentCallMemory = 50
    var nextCallID: Int64 = 1
    /// The PBX-wide channel sequence behind every callid ("<epoch>.<seq>"); restarts at a reboot
    /// like Asterisk's.
    public internal(set) var legSequence: Int64 = 0
    /// Last ExtensionStatus sent per extension.
    var reportedStatus: [String: String] = [:]

    var timers: [SimTimer] = []
    var timerSeq: Int64 = 0
    var trafficGeneration: Int64 = 0

    public internal(set) var silentMode = SimSilentMode.off
    /// Simulated ms until which the PBX is restarting (API silent, nothing sent).
    var rebootingUntil: Int64?
    var bootUpPending: [(SimDestination, SimReportShape)] = []
    var bootWallMs: Int64
    var reportSeq: Int64 = 0

    public static let apiPrefix = "/api/v0.0.1/"

    /// - Parameters:
    ///   - now: real monotonic ms (the shell's `EventLoop.nowMs`).
    ///   - wallClockMs: Unix time in ms at `now`; callid epochs and dates derive from it.
    public init(settings: SimulatorSettings, now: Int64, wallClockMs: Int64) {
        self.settings = settings
        clock = SimClock(now: now, wallClockMs: wallClockMs, scale: settings.timeScale)
        random = SimRandom(seed: settings.seed)
        bootWallMs = wallClockMs
        if settings.traffic.ratePerMinute > 0 { scheduleTrafficArrival(from: 0) }
    }

    /// Simulated ms at real time `now`.
    public func simTime(_ now: Int64) -> Int64 { clock.sim(now) }

    public var isRebooting: Bool { rebootingUntil != nil }

    // MARK: settings and switches

    /// Replaces the settings from `now` on. A changed time scale keeps simulated time
    /// continuous; changed traffic settings restart the generator.
    public func apply(_ s: SimulatorSettings, now: Int64) {
        let old = settings
        settings = s
        if s.timeScale != old.timeScale { clock.setScale(s.timeScale, now: now) }
        if s.seed != old.seed { random = SimRandom(seed: s.seed) }
        if s.traffic != old.traffic { restartTraffic(now: now) }
    }

    public func setSilent(_ mode: SimSilentMode) { silentMode = mode }

    // MARK: API

    /// Convenience for tests: `POST /api/v0.0.1/<endpoint>?<query>` with `type=json` unless given.
    public func handle(endpoint: String, query: [SimField] = [], body: [UInt8] = [], clientIP: String, now: Int64,
                       method: String = "POST") -> SimAPIResult {
        var q = query
        if !q.contains(where: { $0.name == "type" }) { q.append(SimField("type", "json")) }
        return handle(SimAPIRequest(method: method, path: SimulatedPBX.apiPrefix + endpoint, query: q, body: body),
                      clientIP: clientIP, now: now)
    }

    /// One API request. HTTP status is always 200; the body says Success or Failed + errno.
    public func handle(_ req: SimAPIRequest, clientIP: String, now: Int64) -> SimAPIResult {
        if rebootingUntil != nil {
            counters.apiUnanswered += 1
            return SimAPIResult(reply: .noAnswer(.close), deliveries: [])
        }
        if silentMode != .off {
            counters.apiUnanswered += 1
            return SimAPIResult(reply: .noAnswer(silentMode), deliveries: [])
        }
        let t = clock.sim(now)
        expireTokens(t)
        counters.apiRequests += 1
        let format: SimResponseFormat = req.queryValue("type") == "xml" ? .xml : .json
        var deliveries: [SimDelivery] = []
        let response = route(req, format: format, clientIP: clientIP, t: t, now: now, deliveries: &deliveries)
        if response.errno != nil { counters.apiFailures += 1 }
        return SimAPIResult(reply: .respond(response), deliveries: deliveries)
    }

    private func route(_ req: SimAPIRequest, format: SimResponseFormat, clientIP: String, t: Int64, now: Int64,
                       deliveries: inout [SimDelivery]) -> SimAPIResponse {
        let e = settings.errnos
        let prefix = Array(SimulatedPBX.apiPrefix.utf8)
        let path = Array(req.path.utf8)
        guard path.count > prefix.count, Array(path[0..<prefix.count]) == prefix else {
            return .failed(e.unsupportedRequest, format: format)
        }
        let endpoint = String(decoding: path[prefix.count...], as: UTF8.self)
        if endpoint == "heartbeat" { counters.heartbeatRequests += 1 }
        guard req.method == "POST" else { return .failed(e.postOnly, format: format) }

        if endpoint == "login" {
            let fields: [SimField]
            do { fields = try SimRequestBody.fields(req.body) } catch {
                return .failed(error == .badJSON ? e.badJSON : e.badXML, format: format)
            }
            return login(fields, clientIP: clientIP, format: format, t: t)
        }

        guard let token = req.queryValue("token"), !token.isEmpty else { return .failed(e.tokenMissing, format: format) }
        guard let s = sessionIndex(token) else {
            return .failed(deadTokens.contains(token) ? e.tokenExpired : e.tokenUnknown, format: format)
        }
        sessions[s].lastActivity = t
        let fields: [SimField]
        do { fields = try SimRequestBody.fields(req.body) } catch {
            return .failed(error == .badJSON ? e.badJSON : e.badXML, format: format)
        }

        switch endpoint {
        case "heartbeat": return heartbeat(fields, session: s, format: format)
        case "logout": return logout(session: s, format: format)
        case "inbound/query": return queryTrunkCalls(.inbound, fields, format: format)
        case "outbound/query": return queryTrunkCalls(.outbound, fields, format: format)
        case "extensionlist/query": return extensionList(format: format)
        case "deviceinfo/query": return deviceInfo(format: format, now: now)
        case "extension/hangup": return hangupExtension(fields, format: format, t: t, now: now, deliveries: &deliveries)
        case "inbound/hangup": return hangupTrunkCall(.inbound, fields, format: format, t: t, now: now, deliveries: &deliveries)
        case "outbound/hangup": return hangupTrunkCall(.outbound, fields, format: format, t: t, now: now, deliveries: &deliveries)
        case "extension/hold": return hold(fields, on: true, format: format)
        case "extension/unhold": return hold(fields, on: false, format: format)
        default: return .failed(e.unsupportedRequest, format: format)
        }
    }

    // MARK: timers

    /// Real monotonic ms of the next scheduled event (answer, hangup, traffic arrival, reboot
    /// end), or nil. The shell calls `advance(now:)` when it is reached.
    public func nextDeadline() -> Int64? {
        guard let first = timers.first else { return nil }
        return clock.real(first.at)
    }

    /// Runs every event due at `now` and returns the reports to deliver.
    public func advance(now: Int64) -> [SimDelivery] {
        let t = clock.sim(now)
        var out: [SimDelivery] = []
        while let first = timers.first, first.at <= t {
            timers.removeFirst()
            run(first, now: now, into: &out)
        }
        expireTokens(t)
        return out
    }

    func schedule(_ event: SimTimerEvent, at: Int64) {
        timerSeq += 1
        let timer = SimTimer(at: at, seq: timerSeq, event: event)
        var i = timers.count
        while i > 0 && timers[i - 1].at > at { i -= 1 }
        timers.insert(timer, at: i)
    }

    private func run(_ timer: SimTimer, now: Int64, into out: inout [SimDelivery]) {
        let t = timer.at
        switch timer.event {
        case .answer(let id):
            if let i = callIndex(id), calls[i].state == .ringing { out += answerCall(i, t: t, now: now) }
        case .hangup(let id, let side):
            if let i = callIndex(id), calls[i].state == .talking { out += hangupCall(i, by: side, t: t, now: now) }
        case .fail(let id, let reason):
            if let i = callIndex(id), calls[i].state == .ringing { out += failCall(i, reason: reason, t: t, now: now) }
        case .trafficArrival(let generation):
            guard generation == trafficGeneration else { return }
            out += trafficArrival(t: t, now: now)
        case .rebootDone:
            rebootingUntil = nil
            bootWallMs = clock.wall(now)
            let pending = bootUpPending
            bootUpPending = []
            out += bootUpDeliveries(pending)
        }
    }

    // MARK: reboot

    /// Simulated restart (§12.10): every token and block is forgotten, live calls vanish
    /// without reports, the channel sequence restarts. With `bootUpReport` (default: the
    /// setting) `{"action":"BootUp","sn":…}` goes to every destination registered before the
    /// reboot, after `rebootDurationMs` of silence.
    public func reboot(bootUpReport: Bool? = nil, now: Int64) -> [SimDelivery] {
        let t = clock.sim(now)
        expireTokens(t)
        var targets: [(SimDestination, SimReportShape)] = []
        for s in subscribers() {
            if let d = s.destination { targets.append((d, shape(for: s))) }
        }
        sessions = []
        deadTokens = []
        lockouts = [:]
        for c in calls {
            var ended = c
            ended.state = .ended
            ended.endedAt = t
            ended.outcome = "reboot"
            remember(ended)
        }
        calls = []
        reportedStatus = [:]
        timers.removeAll { timer in
            switch timer.event {
            case .trafficArrival: return false
            default: return true
            }
        }
        legSequence = 0
        counters.reboots += 1
        let send = bootUpReport ?? settings.bootUpReport
        if settings.rebootDurationMs > 0 {
            rebootingUntil = t + settings.rebootDurationMs
            bootUpPending = send ? targets : []
            schedule(.rebootDone, at: t + settings.rebootDurationMs)
            return []
        }
        bootWallMs = clock.wall(now)
        return send ? bootUpDeliveries(targets) : []
    }

    private func bootUpDeliveries(_ targets: [(SimDestination, SimReportShape)]) -> [SimDelivery] {
        guard !targets.isEmpty else { return [] }
        reportSeq += 1
        counters.reportsGenerated += 1
        var out: [SimDelivery] = []
        for (d, shape) in targets {
            out.append(SimDelivery(reportSeq: reportSeq, action: "BootUp", callid: nil,
                                   body: SimReportRenderer.body(.bootUp, shape: shape, sn: settings.sn),
                                   destination: d, token: nil))
        }
        return out
    }

    // MARK: publishing

    /// The sessions that receive reports now: live tokens with a destination, one per
    /// destination (the most recent login), restricted by `subscribers`.
    func subscribers() -> [SimSession] {
        var live: [SimSession] = []
        for s in sessions where s.destination != nil { live.append(s) }
        live.sort { $0.loginSeq > $1.loginSeq }
        if settings.subscribers == .latestLogin, let newest = live.first { return [newest] }
        var seen: [String] = []
        var out: [SimSession] = []
        for s in live {
            guard let d = s.destination, !seen.contains(d.key) else { continue }
            seen.append(d.key)
            out.append(s)
        }
        return out
    }

    func shape(for s: SimSession) -> SimReportShape {
        if settings.honourLoginVersion && s.version == "1.0.2" { return .yeastar102 }
        return settings.shape
    }

    /// Turns report events into one delivery per subscriber, in order.
    func publish(_ reports: [SimReport], t: Int64) -> [SimDelivery] {
        expireTokens(t)
        var out: [SimDelivery] = []
        let subs = subscribers()
        for r in reports {
            reportSeq += 1
            counters.reportsGenerated += 1
            if silentMode != .off || rebootingUntil != nil {
                counters.reportsSuppressed += 1
                continue
            }
            if subs.isEmpty {
                counters.reportsUnsubscribed += 1
                continue
            }
            for s in subs {
                guard let d = s.destination else { continue }
                out.append(SimDelivery(reportSeq: reportSeq, action: r.action, callid: r.callid,
                                       body: SimReportRenderer.body(r, shape: shape(for: s), sn: settings.sn),
                                       destination: d, token: s.token))
            }
        }
        return out
    }

    // MARK: call lookup

    func callIndex(_ id: Int64) -> Int? {
        for (i, c) in calls.enumerated() where c.id == id { return i }
        return nil
    }

    /// A live call by id.
    public func call(_ id: Int64) -> SimCall? {
        guard let i = callIndex(id) else { return nil }
        return calls[i]
    }

    /// A live or recently ended call by id.
    public func anyCall(_ id: Int64) -> SimCall? {
        if let c = call(id) { return c }
        for c in recentCalls.reversed() where c.id == id { return c }
        return nil
    }

    func remember(_ c: SimCall) {
        recentCalls.append(c)
        if recentCalls.count > SimulatedPBX.recentCallMemory { recentCalls.removeFirst() }
    }
}
