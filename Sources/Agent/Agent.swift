import CSystem
import CallModel
import Crypto
import EventLoop
import HTTP
import JSON
import PBX

public struct AgentError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Counters of the agent's own decisions, beside the table's and the listener's.
public struct AgentCounters: Equatable {
    public var reconciliations: Int64 = 0
    public var reconcileFailures: Int64 = 0
    public var hangupRequests: Int64 = 0
    public var hangupsConfirmed: Int64 = 0
    public var hangupsUnconfirmed: Int64 = 0
    public var hangupsRefused: Int64 = 0
    public var hangupsUnavailable: Int64 = 0
    public var relogins: Int64 = 0
}

/// The running agent: the PBX session, the report listener, the live-call table, the
/// reconciliation timer and the native API, all on one event loop.
///
/// The table is the core; this class only carries out what it decides. Calls end only through
/// `CallTable` (a BYE, a CallFailed, or two polls that no longer show the call); a PBX that
/// cannot be reached marks the table stale and ends nothing.
public final class Agent {
    public let loop: EventLoop
    public let config: AgentConfig
    public private(set) var log: Logger
    public internal(set) var table: CallTable
    public internal(set) var counters = AgentCounters()
    public let pbx: PBXClient
    public let reports: ReportListener
    public private(set) var api: APIServer?
    /// Every call event, for the demo's one-line-per-event output and later the event stream.
    public var onCallEvent: ((CallEvent) -> Void)?

    var waiters: [CallID: [HangupWaiter]] = [:]
    private var reconcileTimer: TimerID?
    private var expiryTimer: TimerID?
    private var reconcileInFlight = false
    private var lastReportWallMs: Int64?
    private var shuttingDown = false
    private let http: HTTPClient

    /// Binds the report listener (its port is what the PBX is told) and prepares the PBX
    /// session; `start()` binds the API and logs in. `timeScale` speeds up the PBX session's
    /// clock (heartbeats, backoff, the login budget) for tests that cross 10-minute windows in
    /// seconds; 1 in production.
    public init(loop: EventLoop, config: AgentConfig, log: Logger, timeScale: Int64 = 1) throws(AgentError) {
        self.loop = loop
        self.config = config
        self.log = log
        var tableConfig = CallTableConfig()
        tableConfig.endedRetentionMs = config.calls.endedRetentionMs
        self.table = CallTable(config: tableConfig)
        self.http = HTTPClient(loop: loop)
        let listen = config.reports.listen
        guard let reportsAddress = SocketAddress(ip: listen.host.description, port: listen.port) else {
            throw AgentError("[reports] listen " + listen.description + ": not a usable address")
        }
        _ = csys_mkdir_p(config.agent.stateDir, 0o750)
        var deliver: ((Report) -> Void)?
        let listener: ReportListener
        do {
            listener = try ReportListener(loop: loop, address: reportsAddress, config: config.reports, log: log) { report in
                deliver?(report)
            }
        } catch {
            throw AgentError("[reports] listen " + reportsAddress.description + ": " + error.message)
        }
        let advertise = try Agent.advertisedAddress(config: config, boundPort: listener.localAddress.port)
        self.reports = listener
        self.pbx = PBXClient(loop: loop, http: http,
                             config: Agent.pbxClientConfig(config, advertise: advertise, timeScale: timeScale), log: log)
        deliver = { [self] report in self.received(report) }
    }

    /// The address the PBX sends reports to: `[reports] advertise`, else the address this
    /// host's route to the PBX leaves from, with the listen port.
    static func advertisedAddress(config: AgentConfig, boundPort: UInt16) throws(AgentError) -> (ip: String, port: UInt16) {
        if let a = config.reports.advertise { return (a.host.description, a.port) }
        let listen = config.reports.listen
        if !listen.host.isUnspecified { return (listen.host.description, boundPort) }
        let url = config.pbx.url
        guard let pbx = SocketAddress.resolve(host: url.hostText, port: url.port) else {
            throw AgentError("[pbx] url: cannot resolve " + url.hostText + "; set [reports] advertise")
        }
        guard let source = SocketAddress.routeSource(to: pbx) else {
            throw AgentError("no route to the PBX at " + pbx.description + "; set [reports] advertise")
        }
        return (source, boundPort)
    }

    static func pbxClientConfig(_ c: AgentConfig, advertise: (ip: String, port: UInt16), timeScale: Int64) -> PBXClientConfig {
        let scale = max(timeScale, 1)
        var tuning = PBXSessionConfig()
        tuning.backoffBaseMs = max(tuning.backoffBaseMs / scale, 1)
        tuning.backoffCapMs = max(tuning.backoffCapMs / scale, 1)
        tuning.authRetryIntervalMs = max(tuning.authRetryIntervalMs / scale, 1)
        tuning.authRetryJitterMs = tuning.authRetryJitterMs / scale
        tuning.loginBudgetWindowMs = max(tuning.loginBudgetWindowMs / scale, 1)
        let md5: String
        switch c.pbx.credential.form {
        case .password: md5 = md5Hex(Array(c.pbx.credential.reveal().utf8))
        case .md5Hex: md5 = c.pbx.credential.reveal()
        }
        return PBXClientConfig(
            scheme: c.pbx.url.scheme == .https ? .https : .http,
            host: c.pbx.url.hostText, port: c.pbx.url.port, apiPath: c.pbx.apiPath,
            username: c.pbx.username, passwordMD5: md5,
            reportPort: advertise.port,
            reportURL: Agent.reportURL(ip: advertise.ip, port: advertise.port, path: c.reports.path),
            urltag: .absolute, reportVersion: c.pbx.reportVersion, advertisedIP: advertise.ip,
            heartbeatIntervalMs: max(c.pbx.heartbeatIntervalMs / scale, 1),
            requestTimeoutMs: c.pbx.requestTimeoutMs, tlsCAFile: c.pbx.caFile,
            sessionTuning: tuning)
    }

    /// `host:port/path`, no scheme: the absolute form (`urltag` 1) that works behind NAT.
    static func reportURL(ip: String, port: UInt16, path: String) -> String {
        let host = ip.contains(":") ? "[" + ip + "]" : ip
        return host + ":" + String(port) + (path == "/" ? "" : path)
    }

    // MARK: start and stop

    public func start() throws(AgentError) {
        let listen = config.api.listen
        guard let apiAddress = SocketAddress(ip: listen.host.description, port: listen.port) else {
            throw AgentError("[api] listen " + listen.description + ": not a usable address")
        }
        do {
            api = try APIServer(agent: self, address: apiAddress)
        } catch {
            throw AgentError("[api] listen " + apiAddress.description + ": " + error.message)
        }
        pbx.onStateChange = { [self] from, to in self.sessionChanged(from: from, to: to) }
        pbx.onLoggedIn = { [self] _ in self.reconcileNow() }
        pbx.start()
        scheduleReconcile()
        scheduleExpiry()
    }

    /// Logs out of the PBX (bounded by the client's logout timeout), answers waiting hangups,
    /// closes the listeners, then calls `done`.
    public func shutdown(_ done: @escaping () -> Void) {
        guard !shuttingDown else { return }
        shuttingDown = true
        if let t = reconcileTimer { loop.cancel(t) }
        if let t = expiryTimer { loop.cancel(t) }
        for (id, list) in waiters {
            for w in list { finishWaiter(w, id: id, outcome: .shuttingDown) }
        }
        waiters = [:]
        reports.close()
        pbx.shutdown { [self] in
            self.api?.close()
            self.log.info("agent", "stopped")
            done()
        }
    }

    // MARK: reports

    private func received(_ report: Report) {
        let now = loop.wallClockMs()
        lastReportWallMs = now
        apply(table.apply(report, now: now))
    }

    func apply(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .event(let event):
                log.debug("calls", event.description)
                onCallEvent?(event)
                if event.kind == .ended { callEnded(event.call) }
            case .relogin:
                counters.relogins += 1
                log.info("pbx", "BootUp report: the PBX restarted; logging in again")
                pbx.noteBootUp()
            case .anomaly(let message):
                log.debug("calls", "anomaly: " + message)
            case .duplicate:
                break
            }
        }
    }

    // MARK: reconciliation

    private func sessionChanged(from: PBXSessionState, to: PBXSessionState) {
        log.info("pbx", "session " + from.description + " -> " + to.description)
        if to != .loggedIn { table.markStale(now: loop.wallClockMs()) }
    }

    private func scheduleReconcile() {
        reconcileTimer = loop.schedule(afterMs: config.pbx.reconcileIntervalMs) { [self] in
            self.reconcileNow()
            self.scheduleReconcile()
        }
    }

    private func scheduleExpiry() {
        expiryTimer = loop.schedule(afterMs: 10_000) { [self] in
            self.table.expire(now: self.loop.wallClockMs())
            self.scheduleExpiry()
        }
    }

    /// Asks the PBX for its trunk calls and extension states and lets the table compare.
    /// Any failure marks the table stale: an unanswered query is not evidence that calls ended.
    func reconcileNow() {
        guard !reconcileInFlight, !shuttingDown else { return }
        guard pbx.isLoggedIn else {
            table.markStale(now: loop.wallClockMs())
            return
        }
        reconcileInFlight = true
        pbx.queryInbound { [self] inbound in
            guard case .success(let inCalls) = inbound else { return self.reconcileFailed(inbound.failureMessage) }
            self.pbx.queryOutbound { outbound in
                guard case .success(let outCalls) = outbound else { return self.reconcileFailed(outbound.failureMessage) }
                self.pbx.queryExtensions { exts in
                    guard case .success(let list) = exts else { return self.reconcileFailed(exts.failureMessage) }
                    self.reconcileInFlight = false
                    self.counters.reconciliations += 1
                    let snapshot = PBXSnapshot(trunkCalls: inCalls + outCalls, extensions: list)
                    self.apply(self.table.reconcile(snapshot, now: self.loop.wallClockMs()))
                }
            }
        }
    }

    private func reconcileFailed(_ message: String) {
        reconcileInFlight = false
        counters.reconcileFailures += 1
        if table.staleSince == nil { log.warn("calls", "reconciliation failed, table marked stale: " + message) }
        table.markStale(now: loop.wallClockMs())
    }

    // MARK: health

    public var lastReportAgeMs: Int64? {
        guard let t = lastReportWallMs else { return nil }
        return max(loop.wallClockMs() - t, 0)
    }
}

extension Result where Failure == PBXClientError {
    var failureMessage: String {
        if case .failure(let e) = self { return e.message }
        return ""
    }
}
