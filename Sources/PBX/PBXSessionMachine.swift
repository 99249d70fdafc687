/// The PBX session as a pure state machine: login, heartbeat, re-login, lockout-safe backoff,
/// logout. No sockets, no clock: every input carries `now` (monotonic ms) and returns the
/// actions the shell (`PBXClient`) must carry out. This is the only place the session changes
/// state, so every rule below is tested here with a scripted clock.
///
/// Rules (reference §2, §3, §13):
/// - `start` logs in at once. A success arms the heartbeat every `heartbeatIntervalMs`.
/// - Any `Failed` or malformed heartbeat reply, a token errno (20004/20005/20006) on any
///   request, or a `BootUp` report loses the token and logs in again (subject to the budget).
/// - Transport failures of heartbeats or requests: each one schedules an early probe heartbeat
///   with backoff; after `transportFailuresBeforeUnreachable` in a row the session is
///   `unreachable` and the token unusable. The first answer verifies the *old* token with a
///   heartbeat; only if that is refused does the machine log in again (no blind login).
/// - Login failures back off exponentially with jitter (1 s doubling to 5 min). Every attempt
///   also needs the `LoginBudget` (at most 4 counted failures per rolling window), and after a
///   wrong-password or locked reply the next attempt waits at least 10 minutes (plus jitter)
///   until a login succeeds. Transport failures are not charged to the budget, but still back off.
/// - `shutdown` logs out if a token is held (waiting for a login in flight first), then
///   `shutdownComplete`; with no token it completes at once.
///
/// Replies that no longer fit (a heartbeat reply for an old token, a login reply after the
/// machine moved on) are logged at debug level and ignored: never a crash, never a state change.
public struct PBXSessionMachine {
    struct Session: Equatable {
        var token: String
        var heartbeatInFlight: Bool
        /// Whether the PBX accepted this token on the last contact. False while an outage lasts
        /// and while a token obtained during a PBX reboot is being checked.
        var verified: Bool
        /// Reported with `sessionReady` when `verified` becomes true.
        var readyReason: PBXSessionReadyReason
    }

    enum Phase: Equatable {
        case idle
        /// The timer is armed for the next login attempt.
        case awaitingLogin
        /// A login request is in flight. `shutdownPending`: log out as soon as it answers.
        case loggingIn(shutdownPending: Bool)
        case active(Session)
        case loggingOut
        case stopped
    }

    public let config: PBXSessionConfig
    public private(set) var state: PBXSessionState = .loggedOut
    public private(set) var counters = PBXSessionCounters()
    public private(set) var budget: LoginBudget
    /// Monotonic ms of the last heartbeat the PBX accepted.
    public private(set) var lastHeartbeatAt: Int64? = nil
    /// Monotonic ms of the last reply from the PBX to any call (success or `Failed`).
    public private(set) var lastContactAt: Int64? = nil
    /// Monotonic ms when the current token was issued; nil without a token.
    public private(set) var tokenObtainedAt: Int64? = nil
    /// Why the last login failed; nil after a success.
    public private(set) var lastLoginFailure: PBXFailure? = nil
    /// The deadline the shell's timer is armed for, if any.
    public private(set) var timerAt: Int64? = nil

    var phase: Phase = .idle
    private var backoffStep: Int = 0
    private var consecutiveTransportFailures: Int = 0
    /// Set by a wrong-password/locked reply, cleared by a successful login: while set, login
    /// attempts are `authRetryIntervalMs` (+ jitter) apart whatever their outcome.
    private var authFailureUnresolved = false
    private var loginNotBefore: Int64 = Int64.min
    /// A BootUp arrived while a login was in flight: the token it returns may predate the
    /// reboot, so it is checked with a heartbeat before use.
    private var verifyNextLogin = false
    private var hasLoggedIn = false
    private let random: (Int64) -> Int64

    /// `random(bound)` returns a value in `0...bound`; out-of-range values are clamped.
    public init(config: PBXSessionConfig = PBXSessionConfig(), random: @escaping (Int64) -> Int64) {
        self.config = config
        self.budget = LoginBudget(maxFailures: config.loginBudgetMaxFailures, windowMs: config.loginBudgetWindowMs)
        self.random = random
    }

    // MARK: - Queries

    /// The token requests may use now: only while `logged_in`.
    public var usableToken: String? {
        if case .active(let s) = phase, s.verified { return s.token }
        return nil
    }

    /// Age of the token held, verified or not; nil without one.
    public func tokenAgeMs(now: Int64) -> Int64? {
        guard case .active = phase, let t = tokenObtainedAt else { return nil }
        return now - t
    }

    public var isStopped: Bool { phase == .stopped }

    /// Counted login failures inside the budget window at `now`.
    public func loginFailuresInWindow(now: Int64) -> Int { budget.failuresInWindow(at: now) }

    // MARK: - Inputs

    public mutating func start(now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        guard case .idle = phase else {
            out.append(.log(.debug, "PBX session: start ignored, already started"))
            return out
        }
        out.append(.log(.info, "PBX session: logging in"))
        setState(.loggingIn)
        attemptLogin(now: now, &out)
        return finish(before, out)
    }

    public mutating func loginSucceeded(token: String, now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        guard case .loggingIn(let shutdownPending) = phase else {
            out.append(.log(.debug, "PBX session: login reply ignored, no login in progress"))
            return out
        }
        counters.loginsOK += 1
        lastContactAt = now
        tokenObtainedAt = now
        lastLoginFailure = nil
        backoffStep = 0
        consecutiveTransportFailures = 0
        authFailureUnresolved = false
        loginNotBefore = Int64.min
        if shutdownPending {
            phase = .loggingOut
            out.append(.log(.info, "PBX session: login finished during shutdown, logging out"))
            out.append(.sendLogout(token: token))
            return finish(before, out)
        }
        let reason: PBXSessionReadyReason = hasLoggedIn ? .relogin : .login
        hasLoggedIn = true
        if verifyNextLogin {
            verifyNextLogin = false
            phase = .active(Session(token: token, heartbeatInFlight: true, verified: false, readyReason: reason))
            timerAt = nil
            out.append(.log(.info, "PBX session: logged in while the PBX reported a reboot; checking the token with a heartbeat"))
            out.append(.sendHeartbeat(token: token))
        } else {
            phase = .active(Session(token: token, heartbeatInFlight: false, verified: true, readyReason: reason))
            setState(.loggedIn)
            timerAt = now + config.heartbeatIntervalMs
            out.append(.log(.info, "PBX session: logged in (" + reason.description + ")"))
        }
        return finish(before, out)
    }

    public mutating func loginFailed(_ failure: PBXFailure, now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        guard case .loggingIn(let shutdownPending) = phase else {
            out.append(.log(.debug, "PBX session: login failure ignored, no login in progress"))
            return out
        }
        counters.loginsFailed += 1
        lastLoginFailure = failure
        // A BootUp during this attempt no longer matters: the next attempt follows the reboot.
        verifyNextLogin = false
        if shutdownPending {
            stop(&out, "PBX session: login failed during shutdown (" + failure.message + "); done")
            return finish(before, out)
        }
        var level = PBXSessionLogLevel.warning
        switch failure {
        case .transport:
            // The PBX never saw this attempt, so it is not charged to the budget.
            counters.transportErrors += 1
            setState(.unreachable)
        case .rejected(let errno, _):
            lastContactAt = now
            chargeBudget(now: now)
            if errno.isAuthFailure {
                authFailureUnresolved = true
                level = .error
                setState(.authFailed)
            } else if !authFailureUnresolved {
                setState(.loggingIn)
            } else {
                setState(.authFailed)
            }
        case .malformed:
            // Something answered; assume the PBX may have counted it.
            chargeBudget(now: now)
            setState(authFailureUnresolved ? .authFailed : .loggingIn)
        }
        let desired = authFailureUnresolved ? authSpacing(now: now) : now + backoffDelay()
        scheduleLogin(at: desired, now: now, &out)
        var text = "PBX session: login failed: " + failure.message
        if authFailureUnresolved {
            text += "; check the API username and password on the PBX API page"
        }
        text += "; next attempt in " + seconds((timerAt ?? now) - now) + " ("
            + String(budget.failuresInWindow(at: now)) + " of " + String(budget.maxFailures)
            + " failed logins allowed per " + seconds(budget.windowMs) + " used)"
        out.append(.log(level, text))
        return finish(before, out)
    }

    public mutating func heartbeatSucceeded(token: String, now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        guard case .active(var s) = phase, s.token == token, s.heartbeatInFlight else {
            out.append(.log(.debug, "PBX session: stale heartbeat reply ignored"))
            return out
        }
        counters.heartbeatsOK += 1
        lastHeartbeatAt = now
        lastContactAt = now
        consecutiveTransportFailures = 0
        backoffStep = 0
        s.heartbeatInFlight = false
        if !s.verified {
            s.verified = true
            out.append(.log(.info, "PBX session: the PBX accepted the token again (" + s.readyReason.description + ")"))
        }
        phase = .active(s)
        setState(.loggedIn)
        timerAt = now + config.heartbeatIntervalMs
        return finish(before, out)
    }

    public mutating func heartbeatFailed(_ failure: PBXFailure, token: String, now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        guard case .active(var s) = phase, s.token == token, s.heartbeatInFlight else {
            if failure.isTransport { counters.transportErrors += 1 }
            out.append(.log(.debug, "PBX session: stale heartbeat failure ignored"))
            return out
        }
        counters.heartbeatsFailed += 1
        s.heartbeatInFlight = false
        switch failure {
        case .transport:
            counters.transportErrors += 1
            noteTransportFailure(&s, failure, &out)
            phase = .active(s)
            timerAt = now + backoffDelay()
            out.append(.log(.warning, "PBX session: heartbeat failed: " + failure.message
                + "; next heartbeat in " + seconds((timerAt ?? now) - now)))
        case .rejected:
            // Any Failed on a heartbeat means the token is gone (reference §2.2, §13).
            lastContactAt = now
            loseToken(now: now, &out, "heartbeat refused: " + failure.message)
        case .malformed:
            // What a dead token's heartbeat returns is undocumented; a log-in is cheaper than
            // heartbeating forever on a token the PBX may have dropped.
            loseToken(now: now, &out, "heartbeat reply not understood: " + failure.message)
        }
        return finish(before, out)
    }

    /// An API request (query, hangup) the PBX answered with Success. `token`: the one it was
    /// sent with.
    public mutating func requestSucceeded(token: String, now: Int64) -> [PBXSessionAction] {
        counters.requestsOK += 1
        lastContactAt = now
        if case .active(let s) = phase, s.token == token { consecutiveTransportFailures = 0 }
        return []
    }

    /// An API request failed. Token errors lose the token; transport failures probe and may
    /// declare an outage; other refusals (unknown call, ...) say nothing about the session.
    public mutating func requestFailed(_ failure: PBXFailure, token: String, now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        counters.requestsFailed += 1
        if failure.isTransport { counters.transportErrors += 1 }
        if case .rejected = failure { lastContactAt = now }
        guard case .active(var s) = phase, s.token == token else {
            out.append(.log(.debug, "PBX session: failure of a request sent with an old token ignored"))
            return out
        }
        switch failure {
        case .transport:
            noteTransportFailure(&s, failure, &out)
            phase = .active(s)
            if !s.heartbeatInFlight { earlierTimer(now + backoffDelay()) }
        case .rejected(let errno, _):
            consecutiveTransportFailures = 0
            if errno.isTokenError {
                loseToken(now: now, &out, "request refused: " + failure.message)
            }
        case .malformed:
            // An odd reply may be a dead token in disguise: check the session soon (cheap, no
            // lockout risk), and let the heartbeat decide.
            if !s.heartbeatInFlight { earlierTimer(now + config.backoffBaseMs) }
        }
        return finish(before, out)
    }

    /// The report listener received `{"action":"BootUp"}`: tokens do not survive a reboot.
    public mutating func bootUpReport(now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        counters.bootUps += 1
        switch phase {
        case .idle, .stopped, .loggingOut, .loggingIn(shutdownPending: true):
            out.append(.log(.debug, "PBX session: BootUp report ignored, no session"))
        case .loggingIn:
            verifyNextLogin = true
            out.append(.log(.info, "PBX session: the PBX reports a reboot during a login; the new token will be checked"))
        case .awaitingLogin:
            if authFailureUnresolved {
                out.append(.log(.info, "PBX session: the PBX reports a reboot; the next login stays at its scheduled time (credentials were refused)"))
            } else {
                backoffStep = 0
                out.append(.log(.info, "PBX session: the PBX reports a reboot; logging in now"))
                scheduleLogin(at: now, now: now, &out)
            }
        case .active:
            loseToken(now: now, &out, "the PBX reports a reboot (BootUp), its tokens are gone")
        }
        return finish(before, out)
    }

    public mutating func timerFired(now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        guard let t = timerAt else {
            out.append(.log(.debug, "PBX session: stray timer ignored"))
            return out
        }
        if now < t {
            // Early: the shell's timer is spent, so arm it again.
            out.append(.armTimer(at: t))
            return out
        }
        timerAt = nil
        let before = snapshot()
        switch phase {
        case .awaitingLogin:
            attemptLogin(now: now, &out)
        case .active(var s):
            if !s.heartbeatInFlight {
                s.heartbeatInFlight = true
                phase = .active(s)
                out.append(.sendHeartbeat(token: s.token))
            }
        case .idle, .loggingIn, .loggingOut, .stopped:
            break
        }
        return finish(before, out)
    }

    public mutating func shutdown(now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        switch phase {
        case .idle, .awaitingLogin:
            stop(&out, "PBX session: shut down, no token to log out")
        case .loggingIn(shutdownPending: false):
            phase = .loggingIn(shutdownPending: true)
            timerAt = nil
            out.append(.log(.info, "PBX session: shutting down after the login in progress (to log it out)"))
        case .active(let s):
            phase = .loggingOut
            timerAt = nil
            out.append(.log(.info, "PBX session: logging out"))
            out.append(.sendLogout(token: s.token))
        case .loggingIn(shutdownPending: true), .loggingOut, .stopped:
            out.append(.log(.debug, "PBX session: shutdown already in progress"))
        }
        return finish(before, out)
    }

    /// The logout request ended, whatever its outcome (the shell bounds the wait).
    public mutating func logoutFinished(now: Int64) -> [PBXSessionAction] {
        var out: [PBXSessionAction] = []
        let before = snapshot()
        guard case .loggingOut = phase else {
            out.append(.log(.debug, "PBX session: logout reply ignored"))
            return out
        }
        stop(&out, "PBX session: logged out")
        return finish(before, out)
    }

    // MARK: - Internals

    private struct Snapshot {
        var state: PBXSessionState
        var token: String?
        var timerAt: Int64?
    }

    private func snapshot() -> Snapshot {
        Snapshot(state: state, token: usableToken, timerAt: timerAt)
    }

    /// Appends what changed between `before` and now: state, token usability, timer.
    private func finish(_ before: Snapshot, _ body: [PBXSessionAction]) -> [PBXSessionAction] {
        var out = body
        if before.state != state { out.append(.stateChanged(from: before.state, to: state)) }
        let token = usableToken
        if before.token != token {
            if before.token != nil { out.append(.sessionLost) }
            if let t = token, case .active(let s) = phase {
                out.append(.sessionReady(token: t, reason: s.readyReason))
            }
        }
        if before.timerAt != timerAt {
            if let t = timerAt { out.append(.armTimer(at: t)) } else { out.append(.cancelTimer) }
        }
        return out
    }

    private mutating func setState(_ s: PBXSessionState) { state = s }

    private mutating func stop(_ out: inout [PBXSessionAction], _ message: String) {
        phase = .stopped
        timerAt = nil
        tokenObtainedAt = nil
        setState(.loggedOut)
        out.append(.log(.info, message))
        out.append(.shutdownComplete)
    }

    private mutating func chargeBudget(now: Int64) {
        budget.recordFailure(at: now)
        counters.loginsCounted += 1
    }

    /// Logs in at `now` if the budget and the auth spacing allow it, else arms the timer for
    /// the earliest allowed moment.
    private mutating func attemptLogin(now: Int64, _ out: inout [PBXSessionAction]) {
        let earliest = max(loginNotBefore, budget.nextAllowed(at: now))
        if earliest > now {
            counters.loginsDeferred += 1
            phase = .awaitingLogin
            timerAt = earliest
            out.append(.log(.warning, "PBX session: login postponed " + seconds(earliest - now)
                + " to stay clear of the PBX's 10-minute lockout"))
            return
        }
        phase = .loggingIn(shutdownPending: false)
        timerAt = nil
        out.append(.sendLogin)
    }

    private mutating func scheduleLogin(at desired: Int64, now: Int64, _ out: inout [PBXSessionAction]) {
        let at = max(desired, loginNotBefore, budget.nextAllowed(at: now))
        if at > desired { counters.loginsDeferred += 1 }
        if at <= now {
            attemptLogin(now: now, &out)
        } else {
            phase = .awaitingLogin
            timerAt = at
        }
    }

    private mutating func loseToken(now: Int64, _ out: inout [PBXSessionAction], _ why: String) {
        counters.relogins += 1
        tokenObtainedAt = nil
        backoffStep = 0
        consecutiveTransportFailures = 0
        setState(.loggingIn)
        out.append(.log(.warning, "PBX session: " + why + "; logging in again"))
        scheduleLogin(at: now, now: now, &out)
    }

    private mutating func noteTransportFailure(_ s: inout Session, _ failure: PBXFailure,
                                               _ out: inout [PBXSessionAction]) {
        consecutiveTransportFailures += 1
        guard consecutiveTransportFailures >= config.transportFailuresBeforeUnreachable,
              state != .unreachable else { return }
        if s.verified {
            s.verified = false
            s.readyReason = .recovered
        }
        setState(.unreachable)
        out.append(.log(.error, "PBX session: PBX unreachable after " + String(consecutiveTransportFailures)
            + " transport failures in a row (" + failure.message + "); requests fail until a heartbeat gets through"))
    }

    private mutating func earlierTimer(_ t: Int64) {
        if let cur = timerAt, cur <= t { return }
        timerAt = t
    }

    /// Next exponential delay: d = min(cap, base * 2^step), drawn from [3/4 d, d].
    private mutating func backoffDelay() -> Int64 {
        var d = config.backoffBaseMs
        var i = 0
        while i < backoffStep && d < config.backoffCapMs { d *= 2; i += 1 }
        d = min(d, config.backoffCapMs)
        if backoffStep < 64 { backoffStep += 1 }
        return d - draw(d / 4)
    }

    /// After a credentials refusal: no attempt before `authRetryIntervalMs` + jitter.
    private mutating func authSpacing(now: Int64) -> Int64 {
        loginNotBefore = now + config.authRetryIntervalMs + draw(config.authRetryJitterMs)
        return loginNotBefore
    }

    private func draw(_ bound: Int64) -> Int64 {
        guard bound > 0 else { return 0 }
        return min(max(random(bound), 0), bound)
    }

    private func seconds(_ ms: Int64) -> String {
        String((max(ms, 0) + 999) / 1000) + " s"
    }
}
