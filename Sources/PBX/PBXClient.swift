import CallModel
import Crypto
import EventLoop
import HTTP
import JSON

/// The PBX API client: the I/O shell around `PBXSessionMachine` on the event loop. It carries
/// out the machine's actions (login, heartbeat, logout, one timer), feeds it every outcome, and
/// offers the API calls the agent needs, each failing fast with `.notLoggedIn` while the
/// session has no usable token.
///
/// Every call is `POST <apiPath>/<endpoint>?token=<token>&type=json` (login: `?type=json`)
/// with a compact JSON body (reference §1, §4, §14 item 9). The PBX always answers HTTP 200;
/// success or failure is read from `status`/`errno`, and anything else is a typed error.
///
/// Completions run on the loop, exactly once, never inside the call that started them.
/// Ownership: the loop's timers and the HTTP client's exchanges hold closures that capture the
/// client until they fire; the daemon keeps one client for its lifetime.
public final class PBXClient {
    public let loop: EventLoop
    public let http: HTTPClient
    public let config: PBXClientConfig

    /// Called after every state change (`from`, `to`), after it is logged.
    public var onStateChange: ((PBXSessionState, PBXSessionState) -> Void)?
    /// Called when the token becomes usable: after a login or re-login, or when the PBX accepted
    /// the old token again after an outage. Reports may have been missed: reconcile now.
    public var onLoggedIn: ((PBXSessionReadyReason) -> Void)?
    /// Called when the token stops being usable (requests fail fast from here on).
    public var onSessionLost: (() -> Void)?

    private var log: Logger
    private var machine: PBXSessionMachine
    private var timer: TimerID?
    private var address: SocketAddress?
    private var tls: HTTPClientTLS?
    private var tlsSetupError: String?
    private var started = false
    /// Actions not yet carried out; `draining` guards against re-entrant feeding (a callback
    /// that calls back into the client) reordering them.
    private var pending: [PBXSessionAction] = []
    private var draining = false
    /// The login or logout in flight, cancelled if the shutdown wait runs out.
    private var sessionExchange: HTTPClientExchange?
    private var requestsInFlight = 0
    private var shutdownCompletions: [() -> Void] = []
    private var shutdownTimer: TimerID?
    private var shutdownFinished = false
    private static let category = "pbx"

    public init(loop: EventLoop, http: HTTPClient, config: PBXClientConfig, log: Logger) {
        self.loop = loop
        self.http = http
        self.config = config
        self.log = log
        // Jitter needs spread, not secrecy: seed from both clocks so restarts differ.
        var rng = SplitMix64(seed: UInt64(bitPattern: loop.wallClockMs()) ^ (UInt64(bitPattern: loop.nowMs) << 32))
        self.machine = PBXSessionMachine(config: config.sessionConfig, random: { rng.next(upTo: $0) })
    }

    // MARK: - Session

    public var state: PBXSessionState { machine.state }

    /// Whether requests are sent now (the session is `logged_in`).
    public var isLoggedIn: Bool { machine.usableToken != nil }

    public var health: PBXClientHealth {
        let now = loop.refreshNow()
        let wall = loop.wallClockMs()
        func toWall(_ t: Int64?) -> Int64? {
            guard let t else { return nil }
            return wall - (now - t)
        }
        var lastError: String? = nil
        if let f = machine.lastLoginFailure { lastError = f.message }
        var next: Int64? = nil
        if let t = machine.timerAt { next = max(t - now, 0) }
        return PBXClientHealth(state: machine.state, lastHeartbeatWallMs: toWall(machine.lastHeartbeatAt),
                               lastContactWallMs: toWall(machine.lastContactAt),
                               tokenAgeMs: machine.tokenAgeMs(now: now), counters: machine.counters,
                               loginFailuresInWindow: machine.loginFailuresInWindow(now: now),
                               lastLoginError: lastError, nextActionInMs: next)
    }

    /// Logs in and keeps the session alive until `shutdown`. Idempotent.
    public func start() {
        guard !started else { return }
        started = true
        if config.scheme == .https {
            do throws(TLSError) {
                let context = try TLSClientContext(caFile: config.tlsCAFile)
                tls = HTTPClientTLS(context: context, serverName: config.host)
            } catch {
                tlsSetupError = "TLS setup failed: " + error.message
                log.error(PBXClient.category, "PBX client: " + error.message)
            }
        }
        log.info(PBXClient.category, "PBX client: session with " + config.scheme.description + "://"
            + hostHeader + config.apiPath + " as user " + config.username
            + ", reports to port " + String(config.reportPort))
        feed { m, now in m.start(now: now) }
    }

    /// The report listener received a BootUp: the PBX rebooted and dropped its tokens.
    public func noteBootUp() {
        feed { m, now in m.bootUpReport(now: now) }
    }

    /// Logs out (if logged in) and then calls `completion`, at the latest after
    /// `config.logoutTimeoutMs`. Call on SIGTERM/SIGINT before exiting.
    public func shutdown(completion: @escaping () -> Void) {
        if shutdownFinished {
            loop.post(completion)
            return
        }
        shutdownCompletions.append(completion)
        if shutdownTimer == nil {
            let limit = config.logoutTimeoutMs
            shutdownTimer = loop.schedule(afterMs: limit) {
                self.shutdownTimer = nil
                self.log.warn(PBXClient.category, "PBX client: logout did not finish within "
                    + String(limit) + " ms; shutting down without it")
                self.finishShutdown()
                self.sessionExchange?.cancel()
            }
        }
        // Never started: the machine is idle and completes at once; a later `start` is a no-op.
        started = true
        feed { m, now in m.shutdown(now: now) }
    }

    // MARK: - Requests

    /// `inbound/query`: trunk calls coming in; all of them when `ids` is empty.
    public func queryInbound(ids: [PBXCallID] = [],
                             completion: @escaping (Result<[QueriedTrunkCall], PBXClientError>) -> Void) {
        request("inbound/query", body: PBXRequestBody.inboundQuery(ids: ids), decode: decodeInboundQuery, completion)
    }

    /// `outbound/query`: trunk calls going out; all of them when `ids` is empty.
    public func queryOutbound(ids: [PBXCallID] = [],
                              completion: @escaping (Result<[QueriedTrunkCall], PBXClientError>) -> Void) {
        request("outbound/query", body: PBXRequestBody.outboundQuery(ids: ids), decode: decodeOutboundQuery, completion)
    }

    /// `extensionlist/query`: every extension and its state.
    public func queryExtensions(completion: @escaping (Result<[ExtensionListEntry], PBXClientError>) -> Void) {
        request("extensionlist/query", body: PBXRequestBody.extensionListQuery(), decode: decodeExtensionList, completion)
    }

    /// `deviceinfo/query`: model, serial (the reports' `sn`), firmware.
    public func deviceInfo(completion: @escaping (Result<DeviceInfo, PBXClientError>) -> Void) {
        request("deviceinfo/query", body: PBXRequestBody.deviceInfoQuery(), decode: decodeDeviceInfo, completion)
    }

    /// `extension/hangup`: ends the extension's current call.
    public func hangupExtension(_ ext: ExtensionNumber, completion: @escaping (Result<Void, PBXClientError>) -> Void) {
        requestNoValue("extension/hangup", body: PBXRequestBody.extensionHangup(ext), completion)
    }

    /// `inbound/hangup` by `inboundid`.
    public func hangupInbound(_ id: PBXCallID, completion: @escaping (Result<Void, PBXClientError>) -> Void) {
        requestNoValue("inbound/hangup", body: PBXRequestBody.inboundHangup(id), completion)
    }

    /// `outbound/hangup` by `outboundid`.
    public func hangupOutbound(_ id: PBXCallID, completion: @escaping (Result<Void, PBXClientError>) -> Void) {
        requestNoValue("outbound/hangup", body: PBXRequestBody.outboundHangup(id), completion)
    }

    private func requestNoValue(_ endpoint: String, body: [UInt8],
                                _ completion: @escaping (Result<Void, PBXClientError>) -> Void) {
        request(endpoint, body: body, decode: { (o: JSONObject) -> Result<JSONObject, PBXWireError> in .success(o) }) { r in
            switch r {
            case .success: completion(.success(()))
            case .failure(let e): completion(.failure(e))
            }
        }
    }

    private func request<Value: Equatable & Sendable>(
        _ endpoint: String, body: [UInt8],
        decode: @escaping (JSONObject) -> Result<Value, PBXWireError>,
        _ completion: @escaping (Result<Value, PBXClientError>) -> Void
    ) {
        guard let token = machine.usableToken else {
            let state = machine.state
            loop.post { completion(.failure(.notLoggedIn(state))) }
            return
        }
        guard requestsInFlight < config.maxRequestsInFlight else {
            let limit = config.maxRequestsInFlight
            loop.post { completion(.failure(.busy(String(limit) + " requests already in flight"))) }
            return
        }
        requestsInFlight += 1
        let what = "the " + endpoint + " request"
        post(endpoint, token: token, body: body) { result in
            self.requestsInFlight -= 1
            let outcome: Result<Value, PBXFailure>
            switch result {
            case .failure(let f):
                outcome = .failure(f)
            case .success(let bytes):
                switch decodeAnswer(body: bytes, limits: self.replyLimits, decode) {
                case .success(.success(let v)): outcome = .success(v)
                case .success(.failed(let errno)): outcome = .failure(.rejected(errno, what))
                case .failure(let e): outcome = .failure(.malformed(endpoint + ": " + e.message))
                }
            }
            switch outcome {
            case .success(let v):
                self.feed { m, now in m.requestSucceeded(token: token, now: now) }
                completion(.success(v))
            case .failure(let f):
                self.log.debug(PBXClient.category, "PBX client: " + endpoint + " failed: " + f.message)
                self.feed { m, now in m.requestFailed(f, token: token, now: now) }
                completion(.failure(PBXClient.clientError(f)))
            }
        }
    }

    static func clientError(_ f: PBXFailure) -> PBXClientError {
        switch f {
        case .transport(let m): return .unreachable(m)
        case .rejected(let e, let what): return .refused(e, what)
        case .malformed(let m): return .malformed(m)
        }
    }

    // MARK: - Carrying out the machine's actions

    private func feed(_ input: (inout PBXSessionMachine, Int64) -> [PBXSessionAction]) {
        let now = loop.refreshNow()
        pending.append(contentsOf: input(&machine, now))
        guard !draining else { return }
        draining = true
        while !pending.isEmpty {
            perform(pending.removeFirst())
        }
        draining = false
    }

    private func perform(_ action: PBXSessionAction) {
        switch action {
        case .sendLogin:
            sendLogin()
        case .sendHeartbeat(let token):
            sendHeartbeat(token)
        case .sendLogout(let token):
            sendLogout(token)
        case .armTimer(let at):
            if let t = timer { loop.cancel(t) }
            timer = loop.schedule(afterMs: at - loop.refreshNow()) {
                self.timer = nil
                self.feed { m, now in m.timerFired(now: now) }
            }
        case .cancelTimer:
            if let t = timer { loop.cancel(t) }
            timer = nil
        case .stateChanged(let from, let to):
            let line = "PBX session " + from.description + " -> " + to.description
            if to == .authFailed || to == .unreachable {
                log.warn(PBXClient.category, line)
            } else {
                log.info(PBXClient.category, line)
            }
            onStateChange?(from, to)
        case .sessionReady(_, let reason):
            onLoggedIn?(reason)
        case .sessionLost:
            onSessionLost?()
        case .log(let level, let message):
            switch level {
            case .debug: log.debug(PBXClient.category, message)
            case .info: log.info(PBXClient.category, message)
            case .warning: log.warn(PBXClient.category, message)
            case .error: log.error(PBXClient.category, message)
            }
        case .shutdownComplete:
            finishShutdown()
        }
    }

    private func sendLogin() {
        let body = PBXRequestBody.login(username: config.username, passwordMD5: config.passwordMD5.reveal(),
                                        port: config.reportPort, url: config.reportURL,
                                        urltag: config.urltag, version: config.reportVersion)
        sessionExchange = post("login", token: nil, body: body) { result in
            self.sessionExchange = nil
            switch result {
            case .failure(let f):
                self.feed { m, now in m.loginFailed(f, now: now) }
            case .success(let bytes):
                switch decodeAnswer(body: bytes, limits: self.replyLimits, decodeLoginToken) {
                case .success(.success(let token)):
                    self.feed { m, now in m.loginSucceeded(token: token, now: now) }
                case .success(.failed(let errno)):
                    self.feed { m, now in m.loginFailed(.rejected(errno, "the login request"), now: now) }
                case .failure(let e):
                    self.feed { m, now in m.loginFailed(.malformed("login: " + e.message), now: now) }
                }
            }
        }
    }

    private func sendHeartbeat(_ token: String) {
        let body = PBXRequestBody.heartbeat(ipaddr: config.advertisedIP, port: config.reportPort,
                                            url: config.reportURL, urltag: config.urltag)
        post("heartbeat", token: token, body: body) { result in
            let outcome: PBXFailure?
            switch result {
            case .failure(let f):
                outcome = f
            case .success(let bytes):
                switch decodeReply(body: bytes, limits: self.replyLimits) {
                case .success(.success): outcome = nil
                case .success(.failed(let code)): outcome = .rejected(PBXErrno(code: code), "the heartbeat")
                case .failure(let e): outcome = .malformed("heartbeat: " + e.message)
                }
            }
            if let f = outcome {
                self.feed { m, now in m.heartbeatFailed(f, token: token, now: now) }
            } else {
                self.feed { m, now in m.heartbeatSucceeded(token: token, now: now) }
            }
        }
    }

    private func sendLogout(_ token: String) {
        sessionExchange = post("logout", token: token, body: PBXRequestBody.logout(),
                               timeoutMs: min(config.requestTimeoutMs, config.logoutTimeoutMs)) { result in
            self.sessionExchange = nil
            switch result {
            case .failure(let f):
                self.log.warn(PBXClient.category, "PBX client: logout failed: " + f.message)
            case .success(let bytes):
                switch decodeReply(body: bytes, limits: self.replyLimits) {
                case .success(.success): break
                case .success(.failed(let code)):
                    self.log.warn(PBXClient.category, "PBX client: logout refused: " + PBXErrno(code: code).message)
                case .failure(let e):
                    self.log.warn(PBXClient.category, "PBX client: logout reply not understood: " + e.message)
                }
            }
            self.feed { m, now in m.logoutFinished(now: now) }
        }
    }

    private func finishShutdown() {
        guard !shutdownFinished else { return }
        shutdownFinished = true
        if let t = shutdownTimer { loop.cancel(t) }
        shutdownTimer = nil
        if let t = timer { loop.cancel(t) }
        timer = nil
        let done = shutdownCompletions
        shutdownCompletions = []
        // Never inside the caller's own `shutdown` call.
        loop.post { for c in done { c() } }
    }

    // MARK: - HTTP

    private var replyLimits: JSONLimits {
        var l = PBXReply.defaultLimits
        l.maxBytes = config.maxReplyBytes
        return l
    }

    /// `Host`: the configured name or address, with the port unless it is the scheme's default.
    private var hostHeader: String {
        let name = config.host.contains(":") ? "[" + config.host + "]" : config.host
        let defaultPort: UInt16 = config.scheme == .https ? 443 : 80
        return config.port == defaultPort ? name : name + ":" + String(config.port)
    }

    /// `<apiPath>/<endpoint>?token=<token>&type=json`; login carries no token (reference §1).
    func target(_ endpoint: String, token: String?) -> String {
        var t = config.apiPath + "/" + endpoint + "?"
        if let token { t += "token=" + PBXClient.percentEncoded(token) + "&" }
        t += "type=json"
        return t
    }

    static func percentEncoded(_ s: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%")); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The PBX's address: numeric, or resolved once (blocking: `getaddrinfo`) when first needed.
    private func resolvedAddress() -> SocketAddress? {
        if let a = address { return a }
        if let a = SocketAddress(ip: config.host, port: config.port) {
            address = a
        } else if let a = SocketAddress.resolve(host: config.host, port: config.port) {
            log.info(PBXClient.category, "PBX client: " + config.host + " resolves to " + a.ip)
            address = a
        }
        return address
    }

    /// One POST; the body bytes of an HTTP 200 answer, or the failure as the machine sees it.
    @discardableResult
    private func post(_ endpoint: String, token: String?, body: [UInt8], timeoutMs: Int64? = nil,
                      _ completion: @escaping (Result<[UInt8], PBXFailure>) -> Void) -> HTTPClientExchange? {
        if let e = tlsSetupError {
            loop.post { completion(.failure(.transport(e))) }
            return nil
        }
        guard let addr = resolvedAddress() else {
            let host = config.host
            loop.post { completion(.failure(.transport("cannot resolve PBX host " + host))) }
            return nil
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: hostHeader)
        let request = HTTPRequest(method: "POST", target: target(endpoint, token: token), headers: headers,
                                  contentType: body.isEmpty ? nil : "application/json; charset=utf-8", body: body)
        let place = "POST " + endpoint + " to " + addr.description + ": "
        return http.send(request, to: addr, tls: tls, timeoutMs: timeoutMs ?? config.requestTimeoutMs) { result in
            switch result {
            case .failure(let e):
                completion(.failure(PBXClient.failure(e, place)))
            case .success(let response):
                if response.status != 200 {
                    // The PBX answers 200 to everything (reference §1): anything else is not it.
                    completion(.failure(.malformed(place + "HTTP " + String(response.status) + " " + response.reason)))
                } else {
                    completion(.success(response.body))
                }
            }
        }
    }

    /// HTTP failures: no answer at all is transport-level (the PBX may never have seen the
    /// request); an answer that was cut, oversized or not HTTP is malformed.
    static func failure(_ e: HTTPClientError, _ place: String) -> PBXFailure {
        switch e {
        case .connectFailed, .timeout, .tls, .connectionLost, .cancelled, .closedEarly(nil):
            return .transport(place + e.message)
        case .malformedResponse, .tooLarge, .closedEarly:
            return .malformed(place + e.message)
        }
    }
}
