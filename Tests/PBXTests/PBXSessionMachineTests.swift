import XCTest
import Crypto
@testable import PBX

/// A scripted clock and a tiny event queue around the pure machine. Sends are either answered
/// by an automatic PBX (`onSend`) or left in `outstanding` for the test to answer by hand.
final class SessionSim {
    var m: PBXSessionMachine
    var now: Int64 = 0
    var timerAt: Int64?
    var log: [(at: Int64, action: PBXSessionAction)] = []
    var outstanding: [PBXSessionAction] = []
    var loginSends: [Int64] = []
    var heartbeatSends: [Int64] = []
    var onSend: ((PBXSessionAction) -> Void)?
    private var events: [(at: Int64, seq: Int, run: () -> Void)] = []
    private var seq = 0

    init(config: PBXSessionConfig = PBXSessionConfig(), random: @escaping (Int64) -> Int64 = { $0 / 2 }) {
        m = PBXSessionMachine(config: config, random: random)
    }

    func feed(_ actions: [PBXSessionAction]) {
        for a in actions {
            log.append((now, a))
            switch a {
            case .armTimer(let t): timerAt = t
            case .cancelTimer: timerAt = nil
            case .sendLogin, .sendHeartbeat, .sendLogout:
                if case .sendLogin = a { loginSends.append(now) }
                if case .sendHeartbeat = a { heartbeatSends.append(now) }
                if let r = onSend { r(a) } else { outstanding.append(a) }
            default: break
            }
        }
    }

    func schedule(after d: Int64, _ f: @escaping () -> Void) {
        seq += 1
        events.append((now + d, seq, f))
        events.sort { $0.at != $1.at ? $0.at < $1.at : $0.seq < $1.seq }
    }

    /// Runs timers and scheduled events up to and including `end`, then sets the clock to `end`.
    func run(until end: Int64) {
        while true {
            let nextEvent = events.first?.at
            var next: Int64? = nil
            if let t = timerAt { next = t }
            if let e = nextEvent, next == nil || e <= next! { next = e }
            guard let at = next, at <= end else { break }
            now = max(now, at)
            if let e = nextEvent, e == at {
                let ev = events.removeFirst()
                ev.run()
            } else {
                timerAt = nil
                feed(m.timerFired(now: now))
            }
        }
        now = max(now, end)
    }

    func advance(by d: Int64) { run(until: now + d) }

    /// Removes and returns the oldest outstanding send.
    func take() -> PBXSessionAction? { outstanding.isEmpty ? nil : outstanding.removeFirst() }

    func actions(since i: Int) -> [PBXSessionAction] { log[i...].map { $0.action } }

    var states: [PBXSessionState] {
        log.compactMap { if case .stateChanged(_, let to) = $0.action { return to } else { return nil } }
    }

    // Manual answers to the oldest outstanding send.
    func loginOK(_ token: String) {
        guard case .sendLogin? = take() else { return XCTFail("no login outstanding") }
        feed(m.loginSucceeded(token: token, now: now))
    }
    func loginFail(_ f: PBXFailure) {
        guard case .sendLogin? = take() else { return XCTFail("no login outstanding") }
        feed(m.loginFailed(f, now: now))
    }
    func heartbeatOK() {
        guard case .sendHeartbeat(let t)? = take() else { return XCTFail("no heartbeat outstanding") }
        feed(m.heartbeatSucceeded(token: t, now: now))
    }
    func heartbeatFail(_ f: PBXFailure) {
        guard case .sendHeartbeat(let t)? = take() else { return XCTFail("no heartbeat outstanding") }
        feed(m.heartbeatFailed(f, token: t, now: now))
    }
}

func pbxErrno(_ code: String) -> PBXErrno { PBXErrno(code: code) }
let wrongPassword = PBXFailure.rejected(pbxErrno("30003"), "login refused")
let refused = PBXFailure.transport("connection refused")

final class PBXSessionMachineTests: XCTestCase {
    let sec: Int64 = 1_000
    let minute: Int64 = 60_000

    func loggedIn(_ config: PBXSessionConfig = PBXSessionConfig()) -> SessionSim {
        let sim = SessionSim(config: config)
        sim.feed(sim.m.start(now: 0))
        sim.loginOK("T1")
        return sim
    }

    func testStateDescriptionsAreTheHealthStrings() {
        XCTAssertEqual(PBXSessionState.loggedIn.description, "logged_in")
        XCTAssertEqual(PBXSessionState.loggingIn.description, "logging_in")
        XCTAssertEqual(PBXSessionState.authFailed.description, "auth_failed")
        XCTAssertEqual(PBXSessionState.unreachable.description, "unreachable")
        XCTAssertEqual(PBXSessionState.loggedOut.description, "logged_out")
    }

    func testStartLogsInAndSuccessMakesTheTokenUsable() {
        let sim = SessionSim()
        XCTAssertEqual(sim.m.state, .loggedOut)
        sim.feed(sim.m.start(now: 0))
        XCTAssertEqual(sim.outstanding, [.sendLogin])
        XCTAssertEqual(sim.m.state, .loggingIn)
        XCTAssertNil(sim.m.usableToken)
        sim.now = 120
        let mark = sim.log.count
        sim.loginOK("T1")
        let acts = sim.actions(since: mark)
        XCTAssertTrue(acts.contains(.stateChanged(from: .loggingIn, to: .loggedIn)))
        XCTAssertTrue(acts.contains(.sessionReady(token: "T1", reason: .login)))
        XCTAssertTrue(acts.contains(.armTimer(at: 120 + 300_000)))
        XCTAssertEqual(sim.m.usableToken, "T1")
        XCTAssertEqual(sim.m.counters.loginsOK, 1)
        XCTAssertEqual(sim.m.tokenAgeMs(now: 1_120), 1_000)
        XCTAssertEqual(sim.m.lastContactAt, 120)
        // A second start is harmless.
        XCTAssertFalse(sim.m.start(now: 200).contains(.sendLogin))
    }

    func testHeartbeatCadenceOverAnHour() {
        let sim = loggedIn()
        sim.onSend = { [unowned sim] a in
            if case .sendHeartbeat(let t) = a {
                sim.schedule(after: 50) { sim.feed(sim.m.heartbeatSucceeded(token: t, now: sim.now)) }
            }
        }
        sim.run(until: 3_600_000)
        // Every 300 s after the previous heartbeat's success (50 ms round trip).
        XCTAssertEqual(sim.heartbeatSends.count, 11)
        for (i, t) in sim.heartbeatSends.enumerated() {
            XCTAssertEqual(t, Int64(i + 1) * 300_000 + Int64(i) * 50)
        }
        XCTAssertEqual(sim.m.counters.heartbeatsOK, 11)
        XCTAssertEqual(sim.m.lastHeartbeatAt, sim.heartbeatSends.last! + 50)
        XCTAssertEqual(sim.loginSends.count, 1)
        XCTAssertEqual(sim.m.state, .loggedIn)
    }

    func testConfiguredHeartbeatInterval() {
        let sim = loggedIn(PBXSessionConfig(heartbeatIntervalMs: 60_000))
        sim.advance(by: 59_999)
        XCTAssertTrue(sim.outstanding.isEmpty)
        sim.advance(by: 1)
        XCTAssertEqual(sim.outstanding, [.sendHeartbeat(token: "T1")])
    }

    func testTokenErrnoOnHeartbeatLogsInAgain() {
        for code in ["20004", "20005", "20006"] {
            let sim = loggedIn()
            sim.advance(by: 300_000)
            let mark = sim.log.count
            sim.heartbeatFail(.rejected(pbxErrno(code), "token"))
            let acts = sim.actions(since: mark)
            XCTAssertTrue(acts.contains(.sessionLost), code)
            XCTAssertTrue(acts.contains(.sendLogin), code)
            XCTAssertEqual(sim.m.state, .loggingIn)
            XCTAssertNil(sim.m.usableToken)
            XCTAssertEqual(sim.m.counters.relogins, 1)
            XCTAssertEqual(sim.m.counters.heartbeatsFailed, 1)
            sim.loginOK("T2")
            XCTAssertEqual(sim.m.usableToken, "T2")
            XCTAssertTrue(sim.actions(since: mark).contains(.sessionReady(token: "T2", reason: .relogin)))
        }
    }

    func testAnyFailedOrMalformedHeartbeatLogsInAgain() {
        for f in [PBXFailure.rejected(pbxErrno("10004"), "empty"), .malformed("HTML page")] {
            let sim = loggedIn()
            sim.advance(by: 300_000)
            sim.heartbeatFail(f)
            XCTAssertEqual(sim.outstanding, [.sendLogin])
            XCTAssertEqual(sim.m.counters.relogins, 1)
        }
    }

    func testTokenErrorOnARequestLogsInAgainOtherRefusalsDoNot() {
        let sim = loggedIn()
        sim.now = 10_000
        sim.feed(sim.m.requestFailed(.rejected(pbxErrno("10007"), "no call"), token: "T1", now: sim.now))
        XCTAssertEqual(sim.m.usableToken, "T1")
        XCTAssertTrue(sim.outstanding.isEmpty)
        // A token error from a request sent with an older token does not touch this session.
        sim.feed(sim.m.requestFailed(.rejected(pbxErrno("20004"), "no token"), token: "T0", now: sim.now))
        XCTAssertEqual(sim.m.usableToken, "T1")
        sim.feed(sim.m.requestFailed(.rejected(pbxErrno("20006"), "timed out"), token: "T1", now: sim.now))
        XCTAssertNil(sim.m.usableToken)
        XCTAssertEqual(sim.outstanding, [.sendLogin])
        XCTAssertEqual(sim.m.counters.requestsFailed, 3)
        XCTAssertEqual(sim.m.counters.relogins, 1)
        // A second token error while the login is in flight starts nothing new.
        sim.feed(sim.m.requestFailed(.rejected(pbxErrno("20006"), "timed out"), token: "T1", now: sim.now))
        XCTAssertEqual(sim.outstanding, [.sendLogin])
    }

    func testBootUpLogsInAgain() {
        let sim = loggedIn()
        sim.now = 5_000
        sim.feed(sim.m.bootUpReport(now: sim.now))
        XCTAssertEqual(sim.outstanding, [.sendLogin])
        XCTAssertNil(sim.m.usableToken)
        XCTAssertEqual(sim.m.counters.bootUps, 1)
        XCTAssertEqual(sim.m.counters.relogins, 1)
        sim.loginOK("T2")
        XCTAssertEqual(sim.m.usableToken, "T2")
    }

    func testBootUpDuringALoginChecksTheNewTokenWithAHeartbeat() {
        let sim = SessionSim()
        sim.feed(sim.m.start(now: 0))
        sim.feed(sim.m.bootUpReport(now: 10))
        sim.loginOK("T1")
        XCTAssertEqual(sim.outstanding, [.sendHeartbeat(token: "T1")])
        XCTAssertNil(sim.m.usableToken, "not usable until the heartbeat confirms it")
        sim.heartbeatOK()
        XCTAssertEqual(sim.m.usableToken, "T1")
        XCTAssertEqual(sim.m.state, .loggedIn)
        XCTAssertTrue(sim.log.contains { $0.action == .sessionReady(token: "T1", reason: .login) })
        XCTAssertEqual(sim.loginSends.count, 1)

        // Same, but the pre-reboot token is refused: log in again.
        let sim2 = SessionSim()
        sim2.feed(sim2.m.start(now: 0))
        sim2.feed(sim2.m.bootUpReport(now: 10))
        sim2.loginOK("T1")
        sim2.heartbeatFail(.rejected(pbxErrno("20004"), "no token"))
        XCTAssertEqual(sim2.outstanding, [.sendLogin])
    }

    func testBootUpWhileWaitingAfterTransportFailuresLogsInAtOnce() {
        let sim = SessionSim()
        sim.feed(sim.m.start(now: 0))
        for _ in 0..<6 { sim.loginFail(refused); sim.run(until: sim.timerAt!) }
        sim.loginFail(refused)
        XCTAssertGreaterThan(sim.timerAt! - sim.now, 30_000)
        sim.feed(sim.m.bootUpReport(now: sim.now))
        XCTAssertEqual(sim.outstanding, [.sendLogin])
    }

    func testOutageGoesUnreachableThenVerifiesWithAHeartbeatNotALogin() {
        let sim = loggedIn()
        sim.advance(by: 300_000)
        let mark = sim.log.count
        sim.heartbeatFail(.transport("timed out"))
        // One failure: still usable, a probe soon.
        XCTAssertEqual(sim.m.state, .loggedIn)
        XCTAssertEqual(sim.m.usableToken, "T1")
        XCTAssertLessThanOrEqual(sim.timerAt! - sim.now, 1_000)
        sim.run(until: sim.timerAt!)
        sim.heartbeatFail(.transport("refused"))
        XCTAssertEqual(sim.m.state, .unreachable)
        XCTAssertNil(sim.m.usableToken)
        XCTAssertTrue(sim.actions(since: mark).contains(.sessionLost))
        // Probes back off while the PBX is away, up to the 5-minute cap.
        var gaps: [Int64] = []
        for _ in 0..<12 {
            let gap = sim.timerAt! - sim.now
            gaps.append(gap)
            sim.run(until: sim.timerAt!)
            sim.heartbeatFail(.transport("refused"))
        }
        XCTAssertEqual(gaps, gaps.sorted())
        XCTAssertLessThanOrEqual(gaps.max()!, 300_000)
        XCTAssertGreaterThanOrEqual(gaps.max()!, 225_000)
        XCTAssertEqual(sim.loginSends.count, 1, "no login during the outage")
        XCTAssertEqual(sim.m.state, .unreachable)
        // The PBX comes back and still knows the token: no login, the same token is usable.
        sim.run(until: sim.timerAt!)
        let back = sim.log.count
        sim.heartbeatOK()
        XCTAssertEqual(sim.m.state, .loggedIn)
        XCTAssertEqual(sim.m.usableToken, "T1")
        XCTAssertTrue(sim.actions(since: back).contains(.sessionReady(token: "T1", reason: .recovered)))
        XCTAssertEqual(sim.loginSends.count, 1)
        XCTAssertEqual(sim.timerAt, sim.now + 300_000, "back to the normal cadence")
        XCTAssertEqual(sim.m.counters.transportErrors, 14)
    }

    func testOutageWhereThePBXForgotTheTokenLogsInAfterTheVerifyingHeartbeat() {
        let sim = loggedIn()
        sim.advance(by: 300_000)
        sim.heartbeatFail(.transport("refused"))
        sim.run(until: sim.timerAt!)
        sim.heartbeatFail(.transport("refused"))
        XCTAssertEqual(sim.m.state, .unreachable)
        sim.run(until: sim.timerAt!)
        XCTAssertEqual(sim.outstanding, [.sendHeartbeat(token: "T1")], "first contact is a heartbeat")
        sim.heartbeatFail(.rejected(pbxErrno("20006"), "expired"))
        XCTAssertEqual(sim.outstanding, [.sendLogin])
        sim.loginOK("T2")
        XCTAssertEqual(sim.m.state, .loggedIn)
        XCTAssertTrue(sim.log.contains { $0.action == .sessionReady(token: "T2", reason: .relogin) })
    }

    func testRequestTransportFailuresProbeAndThenDeclareAnOutage() {
        let sim = loggedIn()
        sim.now = 20_000
        sim.feed(sim.m.requestFailed(.transport("timed out"), token: "T1", now: sim.now))
        XCTAssertEqual(sim.m.state, .loggedIn)
        XCTAssertLessThanOrEqual(sim.timerAt!, 21_000, "probe pulled forward")
        sim.feed(sim.m.requestFailed(.transport("refused"), token: "T1", now: sim.now))
        XCTAssertEqual(sim.m.state, .unreachable)
        XCTAssertNil(sim.m.usableToken)
        sim.run(until: sim.timerAt!)
        sim.heartbeatOK()
        XCTAssertEqual(sim.m.state, .loggedIn)
        XCTAssertEqual(sim.loginSends.count, 1)
    }

    func testARequestSuccessResetsTheTransportCount() {
        let sim = loggedIn()
        sim.feed(sim.m.requestFailed(.transport("timed out"), token: "T1", now: 1_000))
        sim.feed(sim.m.requestSucceeded(token: "T1", now: 1_100))
        sim.feed(sim.m.requestFailed(.transport("timed out"), token: "T1", now: 1_200))
        XCTAssertEqual(sim.m.state, .loggedIn)
        XCTAssertEqual(sim.m.lastContactAt, 1_100)
        XCTAssertEqual(sim.m.counters.requestsOK, 1)
    }

    func testAMalformedRequestReplyTriggersAnEarlyHeartbeat() {
        let sim = loggedIn()
        sim.now = 1_000
        sim.feed(sim.m.requestFailed(.malformed("HTML"), token: "T1", now: sim.now))
        XCTAssertEqual(sim.timerAt, 2_000)
        XCTAssertEqual(sim.m.usableToken, "T1")
    }

    /// Every window of `width` ms, anchored at each event, holds at most `limit` of `times`.
    func assertEveryWindow(_ times: [Int64], width: Int64, atMost limit: Int,
                           file: StaticString = #filePath, line: UInt = #line) {
        let t = times.sorted()
        for i in t.indices {
            let n = t[i...].prefix { $0 - t[i] <= width }.count
            XCTAssertLessThanOrEqual(n, limit, "window from " + String(t[i]) + " ms", file: file, line: line)
        }
    }

    func testWrongPasswordForAnHourStaysUnderTheLockout() {
        var rng = SplitMix64(seed: 7)
        let sim = SessionSim(random: { rng.next(upTo: $0) })
        var attempts: [Int64] = []
        sim.onSend = { [unowned sim] a in
            if case .sendLogin = a {
                attempts.append(sim.now)
                sim.schedule(after: 300) { sim.feed(sim.m.loginFailed(wrongPassword, now: sim.now)) }
            }
        }
        sim.feed(sim.m.start(now: 0))
        // The operator's restarts and the PBX's BootUps do not hurry it either.
        sim.schedule(after: 90_000) { sim.feed(sim.m.bootUpReport(now: sim.now)) }
        sim.run(until: 3_600_000)
        XCTAssertEqual(sim.m.state, .authFailed)
        assertEveryWindow(attempts, width: 600_000, atMost: 4)
        // auth_failed: at most one attempt per 10 minutes.
        for (a, b) in zip(attempts, attempts.dropFirst()) { XCTAssertGreaterThanOrEqual(b - a, 600_000) }
        XCTAssertGreaterThanOrEqual(attempts.count, 5, "still retries: about every 10 minutes")
        XCTAssertLessThanOrEqual(attempts.count, 6)
        XCTAssertEqual(sim.m.counters.loginsCounted, Int64(attempts.count))
        XCTAssertTrue(sim.log.contains { if case .log(.error, let m) = $0.action { return m.contains("password") } else { return false } })
    }

    func testLockedReplyIsAnAuthFailureToo() {
        let sim = SessionSim()
        sim.feed(sim.m.start(now: 0))
        sim.loginFail(.rejected(pbxErrno("20002"), "locked"))
        XCTAssertEqual(sim.m.state, .authFailed)
        XCTAssertGreaterThanOrEqual(sim.timerAt!, 600_000)
        sim.run(until: sim.timerAt!)
        sim.loginOK("T1")
        XCTAssertEqual(sim.m.state, .loggedIn)
        XCTAssertNil(sim.m.lastLoginFailure)
    }

    /// A random mix of every kind of failure, token loss and BootUp for 6 hours, many seeds:
    /// the attempts the PBX could count never exceed 4 in any 10-minute window.
    func testRandomFailureStormsNeverExceedTheBudget() {
        var deferred: Int64 = 0
        var counted: Int64 = 0
        for seed in UInt64(1)...40 {
            var jitter = SplitMix64(seed: seed)
            var world = SplitMix64(seed: seed &* 7919)
            let sim = SessionSim(random: { jitter.next(upTo: $0) })
            var seen: [Int64] = []       // PBX receipt times of attempts it answered
            var attempts: [Int64] = []   // every attempt's send time
            var inFlight = 0
            sim.onSend = { [unowned sim] a in
                let rtt = world.next(upTo: 2_000)
                switch a {
                case .sendLogin:
                    attempts.append(sim.now)
                    inFlight += 1
                    XCTAssertEqual(inFlight, 1, "one login at a time")
                    let roll = world.next(upTo: 99)
                    let pbxSees = sim.now + rtt / 2
                    sim.schedule(after: rtt) {
                        inFlight -= 1
                        switch roll {
                        case 0..<25: seen.append(pbxSees); sim.feed(sim.m.loginFailed(wrongPassword, now: sim.now))
                        case 25..<45: seen.append(pbxSees); sim.feed(sim.m.loginFailed(.rejected(pbxErrno("10004"), "x"), now: sim.now))
                        case 45..<60: seen.append(pbxSees); sim.feed(sim.m.loginFailed(.malformed("html"), now: sim.now))
                        case 60..<85: sim.feed(sim.m.loginFailed(refused, now: sim.now))
                        default: sim.feed(sim.m.loginSucceeded(token: "T" + String(sim.now), now: sim.now))
                        }
                    }
                case .sendHeartbeat(let t):
                    let roll = world.next(upTo: 9)
                    sim.schedule(after: rtt) {
                        if roll < 5 { sim.feed(sim.m.heartbeatSucceeded(token: t, now: sim.now)) }
                        else if roll < 7 { sim.feed(sim.m.heartbeatFailed(refused, token: t, now: sim.now)) }
                        else { sim.feed(sim.m.heartbeatFailed(.rejected(pbxErrno("20004"), "x"), token: t, now: sim.now)) }
                    }
                default: break
                }
            }
            sim.feed(sim.m.start(now: 0))
            // BootUps and token errors at random moments, ask for logins out of turn.
            var t: Int64 = 0
            while t < 6 * 3_600_000 {
                t += 1 + world.next(upTo: 120_000)
                let at = t
                let kind = world.next(upTo: 1)
                sim.schedule(after: at) {
                    if kind == 0 { sim.feed(sim.m.bootUpReport(now: sim.now)) }
                    else if let tok = sim.m.usableToken {
                        sim.feed(sim.m.requestFailed(.rejected(pbxErrno("20006"), "x"), token: tok, now: sim.now))
                    }
                }
            }
            sim.run(until: 6 * 3_600_000)
            assertEveryWindow(seen, width: 600_000, atMost: 4)
            XCTAssertGreaterThan(attempts.count, 20, "seed " + String(seed))
            XCTAssertEqual(sim.m.counters.loginsCounted, Int64(seen.count))
            deferred += sim.m.counters.loginsDeferred
            counted += sim.m.counters.loginsCounted
        }
        // The storms really pushed against the budget and the auth spacing.
        XCTAssertGreaterThan(deferred, 100)
        XCTAssertGreaterThan(counted, 400)
    }

    func testTransportFailuresAtLoginBackOffButAreNotCharged() {
        // Jitter at its maximum: delays are exactly 3/4 of the nominal.
        let sim = SessionSim(random: { $0 })
        sim.feed(sim.m.start(now: 0))
        var gaps: [Int64] = []
        for _ in 0..<14 {
            sim.loginFail(refused)
            gaps.append(sim.timerAt! - sim.now)
            sim.run(until: sim.timerAt!)
        }
        let nominal: [Int64] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300, 300].map { $0 * 1_000 }
        XCTAssertEqual(gaps, nominal.map { $0 - $0 / 4 })
        XCTAssertEqual(sim.m.state, .unreachable)
        XCTAssertEqual(sim.m.budget.failuresInWindow(at: sim.now), 0)
        XCTAssertEqual(sim.m.counters.loginsFailed, 14)
        XCTAssertEqual(sim.m.counters.loginsCounted, 0)
        XCTAssertEqual(sim.m.counters.transportErrors, 14)
        // More than 4 attempts in the first 10 minutes: transport failures are not charged.
        assertEveryWindow(sim.loginSends, width: 600_000, atMost: 10)
        XCTAssertGreaterThan(sim.loginSends.filter { $0 < 600_000 }.count, 4)

        // Jitter at zero: the nominal delays.
        let sim0 = SessionSim(random: { _ in 0 })
        sim0.feed(sim0.m.start(now: 0))
        var gaps0: [Int64] = []
        for _ in 0..<11 { sim0.loginFail(refused); gaps0.append(sim0.timerAt! - sim0.now); sim0.run(until: sim0.timerAt!) }
        XCTAssertEqual(gaps0, Array(nominal.prefix(11)))
        // A success resets the backoff.
        sim0.loginOK("T1")
        sim0.feed(sim0.m.bootUpReport(now: sim0.now))
        sim0.loginFail(refused)
        XCTAssertEqual(sim0.timerAt! - sim0.now, 1_000)
    }

    func testOutOfRangeRandomnessIsClamped() {
        let sim = SessionSim(random: { _ in -5_000_000 })
        sim.feed(sim.m.start(now: 0))
        sim.loginFail(refused)
        XCTAssertEqual(sim.timerAt, 1_000)
        let sim2 = SessionSim(random: { $0 * 1_000 })
        sim2.feed(sim2.m.start(now: 0))
        sim2.loginFail(refused)
        XCTAssertEqual(sim2.timerAt, 750)
    }

    func testBudgetStopsAFifthCountedFailureInsideTheWindow() {
        let sim = SessionSim(random: { _ in 0 })
        sim.feed(sim.m.start(now: 0))
        let other = PBXFailure.rejected(pbxErrno("20008"), "wrong port")
        var failedAt: [Int64] = []
        for i in 0..<4 {
            sim.loginFail(other)
            failedAt.append(sim.now)
            if i < 3 { sim.run(until: sim.timerAt!) }
        }
        XCTAssertEqual(failedAt, [0, 1_000, 3_000, 7_000])
        // The 5th attempt waits until the first failure leaves the (605 s) window.
        XCTAssertEqual(sim.m.budget.failuresInWindow(at: sim.now), 4)
        XCTAssertTrue(sim.outstanding.isEmpty)
        XCTAssertEqual(sim.timerAt, 605_001)
        XCTAssertGreaterThanOrEqual(sim.m.counters.loginsDeferred, 1)
        XCTAssertEqual(sim.m.state, .loggingIn)
        sim.run(until: 605_001)
        XCTAssertEqual(sim.outstanding, [.sendLogin])
        sim.loginFail(other)
        // The budget would allow 606_001 (1_000 + 605_001), the backoff (16 s) says later.
        XCTAssertEqual(sim.timerAt, 621_001)
    }

    func testTokenLossStormsAreHeldByTheBudgetAfterFailures() {
        // Four counted failures, then a success, then a BootUp asks for a login at once: the
        // budget still holds it back.
        let sim = SessionSim(random: { _ in 0 })
        sim.feed(sim.m.start(now: 0))
        for _ in 0..<3 { sim.loginFail(.malformed("html")); sim.run(until: sim.timerAt!) }
        sim.loginOK("T1")
        sim.now = 10_000
        sim.feed(sim.m.requestFailed(.rejected(pbxErrno("20004"), "x"), token: "T1", now: sim.now))
        sim.loginFail(.malformed("html"))
        XCTAssertEqual(sim.m.budget.failuresInWindow(at: sim.now), 4)
        sim.feed(sim.m.bootUpReport(now: sim.now + 1))
        XCTAssertTrue(sim.outstanding.isEmpty)
        XCTAssertEqual(sim.timerAt, 605_001)
    }

    func testShutdownLogsOutThenCompletes() {
        let sim = loggedIn()
        sim.now = 50_000
        sim.feed(sim.m.shutdown(now: sim.now))
        XCTAssertEqual(sim.outstanding, [.sendLogout(token: "T1")])
        XCTAssertNil(sim.m.usableToken)
        XCTAssertNil(sim.timerAt)
        XCTAssertFalse(sim.log.contains { $0.action == .shutdownComplete })
        _ = sim.take()
        sim.feed(sim.m.logoutFinished(now: sim.now))
        XCTAssertEqual(sim.m.state, .loggedOut)
        XCTAssertTrue(sim.m.isStopped)
        XCTAssertEqual(sim.log.last?.action, .stateChanged(from: .loggedIn, to: .loggedOut))
        XCTAssertTrue(sim.log.contains { $0.action == .shutdownComplete })
        // Late replies and timers after shutdown are ignored.
        XCTAssertFalse(sim.m.timerFired(now: 999_999).contains(.sendHeartbeat(token: "T1")))
        XCTAssertFalse(sim.m.bootUpReport(now: 999_999).contains(.sendLogin))
    }

    func testShutdownWhileLoggedOutCompletesImmediately() {
        let idle = SessionSim()
        idle.feed(idle.m.shutdown(now: 0))
        XCTAssertTrue(idle.log.contains { $0.action == .shutdownComplete })
        XCTAssertTrue(idle.outstanding.isEmpty)

        let waiting = SessionSim()
        waiting.feed(waiting.m.start(now: 0))
        waiting.loginFail(wrongPassword)
        XCTAssertNotNil(waiting.timerAt)
        waiting.feed(waiting.m.shutdown(now: 10))
        XCTAssertTrue(waiting.log.contains { $0.action == .shutdownComplete })
        XCTAssertTrue(waiting.log.contains { $0.action == .cancelTimer })
        XCTAssertTrue(waiting.outstanding.isEmpty)
        XCTAssertEqual(waiting.m.state, .loggedOut)
    }

    func testShutdownDuringALoginWaitsForItThenLogsOut() {
        let sim = SessionSim()
        sim.feed(sim.m.start(now: 0))
        sim.feed(sim.m.shutdown(now: 5))
        XCTAssertFalse(sim.log.contains { $0.action == .shutdownComplete })
        sim.loginOK("T1")
        XCTAssertEqual(sim.outstanding, [.sendLogout(token: "T1")])
        XCTAssertFalse(sim.log.contains { if case .sessionReady = $0.action { return true } else { return false } })
        _ = sim.take()
        sim.feed(sim.m.logoutFinished(now: 10))
        XCTAssertTrue(sim.log.contains { $0.action == .shutdownComplete })

        let failing = SessionSim()
        failing.feed(failing.m.start(now: 0))
        failing.feed(failing.m.shutdown(now: 5))
        failing.loginFail(refused)
        XCTAssertTrue(failing.log.contains { $0.action == .shutdownComplete })
        XCTAssertTrue(failing.outstanding.isEmpty)
    }

    func testStaleHeartbeatRepliesAreIgnored() {
        let sim = loggedIn()
        XCTAssertEqual(sim.m.heartbeatSucceeded(token: "T1", now: 1).filter { if case .log = $0 { return false } else { return true } }, [])
        sim.advance(by: 300_000)
        sim.feed(sim.m.heartbeatFailed(.rejected(pbxErrno("20004"), "x"), token: "OLD", now: sim.now))
        XCTAssertEqual(sim.m.usableToken, "T1")
        XCTAssertEqual(sim.m.counters.heartbeatsFailed, 0)
    }

    func testAnEarlyTimerIsArmedAgain() {
        let sim = loggedIn()
        XCTAssertEqual(sim.m.timerFired(now: 100), [.armTimer(at: 300_000)])
    }

    func testTokenAgeAndContactTimes() {
        let sim = loggedIn()
        sim.advance(by: 300_000)
        sim.heartbeatOK()
        XCTAssertEqual(sim.m.tokenAgeMs(now: 400_000), 400_000)
        XCTAssertEqual(sim.m.lastHeartbeatAt, 300_000)
        sim.advance(by: 300_000)
        sim.heartbeatFail(.rejected(pbxErrno("20004"), "x"))
        XCTAssertNil(sim.m.tokenAgeMs(now: 600_001))
        XCTAssertEqual(sim.m.lastContactAt, 600_000)
    }

    func testConfigIsClampedToSafeValues() {
        let c = PBXSessionConfig(heartbeatIntervalMs: 1, backoffBaseMs: 0, backoffCapMs: 1,
                                 authRetryIntervalMs: 5, loginBudgetMaxFailures: 10,
                                 loginBudgetWindowMs: 10, transportFailuresBeforeUnreachable: 0)
        XCTAssertEqual(c.heartbeatIntervalMs, 1_000)
        XCTAssertEqual(c.backoffBaseMs, 100)
        XCTAssertEqual(c.backoffCapMs, 100)
        XCTAssertEqual(c.authRetryIntervalMs, 600_000)
        XCTAssertEqual(c.loginBudgetMaxFailures, 4)
        XCTAssertEqual(c.loginBudgetWindowMs, 600_000)
        XCTAssertEqual(c.transportFailuresBeforeUnreachable, 1)
        XCTAssertEqual(PBXSessionConfig().heartbeatIntervalMs, 300_000)
    }
}
