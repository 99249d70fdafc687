import XCTest
import Foundation
import CallModel
import Crypto
import EventLoop
import HTTP
@testable import PBX

/// The client over real loopback against `PBXClientFakePBX`.
final class PBXClientTests: XCTestCase {
    var pbx: PBXClientFakePBX!
    var loop: EventLoop!
    var logLines: [String] = []
    let passwordMD5 = md5Hex(Array("s3cret-pw".utf8))

    override func setUpWithError() throws {
        loop = try EventLoop()
        logLines = []
    }

    override func tearDown() {
        pbx?.stop()
        loop?.close()
        pbx = nil
        loop = nil
    }

    static let loginOK = "{\"status\":\"Success\",\"token\":\"813b621cfe8eecf445a2ce1f4a079ffe\"}"
    static let token = "813b621cfe8eecf445a2ce1f4a079ffe"

    /// A fake PBX that logs in, heartbeats and logs out successfully, and answers other
    /// endpoints with `other`.
    func startPBX(login: String = PBXClientTests.loginOK,
                  other: @escaping (PBXClientFakePBX.Request) -> PBXClientFakePBX.Reply = { _ in .json("{\"status\":\"Success\"}") }) {
        pbx = PBXClientFakePBX { req in
            switch req.endpoint {
            case "login": return .json(login)
            case "heartbeat", "logout": return .json("{\"status\":\"Success\"}")
            default: return other(req)
            }
        }
    }

    func makeClient(port: UInt16? = nil, version: String? = nil, heartbeatMs: Int64 = 300_000,
                    timeoutMs: Int64 = 2_000, logoutTimeoutMs: Int64 = 2_000,
                    maxReplyBytes: Int = 1 << 20) -> PBXClient {
        var logger = Logger(level: .debug, writesToStderr: false)
        logger.hook = { [unowned self] r in self.logLines.append(r.line) }
        let config = PBXClientConfig(host: "127.0.0.1", port: port ?? pbx.port, username: "api",
                                     passwordMD5: passwordMD5, reportPort: 8260,
                                     reportURL: "192.0.2.7:8260/report", urltag: .absolute,
                                     reportVersion: version, advertisedIP: "192.0.2.7",
                                     heartbeatIntervalMs: heartbeatMs, requestTimeoutMs: timeoutMs,
                                     logoutTimeoutMs: logoutTimeoutMs, maxReplyBytes: maxReplyBytes)
        return PBXClient(loop: loop, http: HTTPClient(loop: loop), config: config, log: logger)
    }

    /// Runs the loop until `done()` or `timeoutMs`; false on timeout.
    @discardableResult
    func run(until done: @escaping () -> Bool, timeoutMs: Int64 = 5_000) -> Bool {
        let deadline = loop.refreshNow() + timeoutMs
        var ok = false
        func poll() {
            if done() { ok = true; loop.stop(); return }
            if loop.refreshNow() >= deadline { loop.stop(); return }
            loop.schedule(afterMs: 2) { poll() }
        }
        loop.post { poll() }
        loop.run()
        return ok
    }

    func requests(_ endpoint: String) -> [PBXClientFakePBX.Request] {
        pbx.requests.filter { $0.endpoint == endpoint }
    }

    func loggedInClient(_ other: @escaping (PBXClientFakePBX.Request) -> PBXClientFakePBX.Reply = { _ in .json("{\"status\":\"Success\"}") },
                        heartbeatMs: Int64 = 300_000) -> PBXClient {
        startPBX(other: other)
        let c = makeClient(heartbeatMs: heartbeatMs)
        c.start()
        XCTAssertTrue(run(until: { c.state == .loggedIn }))
        return c
    }

    // MARK: - Login and heartbeat on the wire

    func testLoginSendsTheMD5PasswordAndTheReportDestination() throws {
        startPBX()
        let c = makeClient(version: "1.0.2")
        var states: [String] = []
        var readyReasons: [PBXSessionReadyReason] = []
        c.onStateChange = { from, to in states.append(from.description + ">" + to.description) }
        c.onLoggedIn = { readyReasons.append($0) }
        c.start()
        XCTAssertTrue(run(until: { c.state == .loggedIn }))
        let login = try XCTUnwrap(requests("login").first)
        XCTAssertEqual(login.method, "POST")
        XCTAssertEqual(login.path, "/api/v0.0.1/login")
        XCTAssertEqual(login.query, ["type": "json"], "login carries no token")
        XCTAssertEqual(login.headers["content-type"], "application/json; charset=utf-8")
        XCTAssertEqual(login.headers["host"], "127.0.0.1:" + String(pbx.port))
        let body = try XCTUnwrap(login.json)
        XCTAssertEqual(body["username"] as? String, "api")
        XCTAssertEqual(body["password"] as? String, passwordMD5)
        XCTAssertEqual((body["password"] as? String)?.count, 32)
        XCTAssertEqual(body["port"] as? String, "8260")
        XCTAssertEqual(body["url"] as? String, "192.0.2.7:8260/report")
        XCTAssertEqual(body["urltag"] as? Int, 1)
        XCTAssertEqual(body["version"] as? String, "1.0.2")
        XCTAssertEqual(states, ["logged_out>logging_in", "logging_in>logged_in"])
        XCTAssertEqual(readyReasons, [.login])
        XCTAssertTrue(c.isLoggedIn)
        XCTAssertEqual(c.health.counters.loginsOK, 1)
        XCTAssertNotNil(c.health.tokenAgeMs)
        XCTAssertNotNil(c.health.lastContactWallMs)
        // Neither the password hash nor the token is ever logged.
        XCTAssertFalse(logLines.isEmpty)
        for l in logLines {
            XCTAssertFalse(l.contains(passwordMD5), l)
            XCTAssertFalse(l.contains(PBXClientTests.token), l)
        }
    }

    func testLoginOmitsVersionWhenNotConfigured() throws {
        startPBX()
        let c = makeClient()
        c.start()
        XCTAssertTrue(run(until: { c.state == .loggedIn }))
        let body = try XCTUnwrap(requests("login").first?.json)
        XCTAssertNil(body["version"])
    }

    func testHeartbeatCarriesTheTokenAndTheReportDestination() throws {
        let c = loggedInClient(heartbeatMs: 1_000)
        XCTAssertTrue(run(until: { self.requests("heartbeat").count >= 2 }, timeoutMs: 4_000))
        let hb = try XCTUnwrap(requests("heartbeat").first)
        XCTAssertEqual(hb.path, "/api/v0.0.1/heartbeat")
        XCTAssertEqual(hb.query, ["token": PBXClientTests.token, "type": "json"])
        let body = try XCTUnwrap(hb.json)
        XCTAssertEqual(body["ipaddr"] as? String, "192.0.2.7")
        XCTAssertEqual(body["port"] as? String, "8260")
        XCTAssertEqual(body["url"] as? String, "192.0.2.7:8260/report")
        XCTAssertEqual(body["urltag"] as? String, "1")
        XCTAssertTrue(run(until: { c.health.counters.heartbeatsOK >= 2 }))
        XCTAssertNotNil(c.health.lastHeartbeatWallMs)
        XCTAssertEqual(requests("login").count, 1)
    }

    // MARK: - Login failures

    func testFailedLoginMapsTheErrnoAndGoesAuthFailed() {
        startPBX(login: "{\"status\":\"Failed\",\"errno\":\"30003\"}")
        let c = makeClient()
        c.start()
        XCTAssertTrue(run(until: { c.state == .authFailed }))
        let h = c.health
        XCTAssertEqual(h.counters.loginsFailed, 1)
        XCTAssertEqual(h.counters.loginsCounted, 1)
        XCTAssertEqual(h.loginFailuresInWindow, 1)
        XCTAssertTrue(h.lastLoginError?.contains("wrong API username or password") ?? false, h.lastLoginError ?? "nil")
        XCTAssertTrue(h.lastLoginError?.contains("30003") ?? false)
        XCTAssertGreaterThanOrEqual(h.nextActionInMs ?? 0, 590_000, "next attempt no sooner than 10 minutes")
        XCTAssertTrue(logLines.contains { $0.contains("error pbx:") && $0.contains("password") })
    }

    func testHTMLLoginReplyIsMalformed() {
        startPBX()
        pbx.handler = { _ in .http(status: 200, contentType: "text/html", body: "<!DOCTYPE html><html><body>Login</body></html>") }
        let c = makeClient()
        c.start()
        XCTAssertTrue(run(until: { c.health.counters.loginsFailed >= 1 }))
        XCTAssertEqual(c.state, .loggingIn)
        XCTAssertTrue(c.health.lastLoginError?.contains("HTML") ?? false, c.health.lastLoginError ?? "nil")
        XCTAssertEqual(c.health.counters.loginsCounted, 1, "someone answered: charged to the budget")
    }

    func testConnectionRefusedIsUnreachableAndNotCharged() {
        pbx = PBXClientFakePBX()
        let c = makeClient(port: PBXClientFakePBX.closedPort())
        c.start()
        XCTAssertTrue(run(until: { c.state == .unreachable }))
        XCTAssertEqual(c.health.counters.loginsCounted, 0)
        XCTAssertGreaterThanOrEqual(c.health.counters.transportErrors, 1)
        XCTAssertTrue(c.health.lastLoginError?.contains("unreachable") ?? false, c.health.lastLoginError ?? "nil")
        // Retries with backoff (about 1 s).
        XCTAssertTrue(run(until: { c.health.counters.loginsFailed >= 2 }, timeoutMs: 3_000))
    }

    func testLoginTimeoutIsUnreachable() {
        startPBX()
        pbx.handler = { _ in .hang }
        let c = makeClient(timeoutMs: 300)
        c.start()
        XCTAssertTrue(run(until: { c.state == .unreachable }, timeoutMs: 3_000))
        XCTAssertTrue(c.health.lastLoginError?.contains("300 ms") ?? false, c.health.lastLoginError ?? "nil")
        XCTAssertEqual(c.health.counters.loginsCounted, 0)
    }

    func testTruncatedAndNon200RepliesAreMalformed() {
        startPBX()
        let body = PBXClientTests.loginOK
        pbx.handler = { _ in
            .raw(Array(("HTTP/1.1 200 OK\r\nContent-Length: 500\r\nConnection: close\r\n\r\n" + body).utf8))
        }
        let c = makeClient()
        c.start()
        XCTAssertTrue(run(until: { c.health.counters.loginsFailed >= 1 }))
        XCTAssertEqual(c.health.counters.loginsCounted, 1)
        XCTAssertNotEqual(c.state, .loggedIn)

        let c2Lines = logLines.count
        pbx.handler = { _ in .http(status: 502, contentType: "text/plain", body: "bad gateway") }
        let c2 = makeClient()
        c2.start()
        XCTAssertTrue(run(until: { c2.health.counters.loginsFailed >= 1 }))
        XCTAssertTrue(c2.health.lastLoginError?.contains("HTTP 502") ?? false, c2.health.lastLoginError ?? "nil")
        XCTAssertGreaterThan(logLines.count, c2Lines)
    }

    // MARK: - Requests

    func testRequestsFailFastWhenNotLoggedIn() {
        startPBX()
        let c = makeClient()
        var result: Result<[QueriedTrunkCall], PBXClientError>? = nil
        c.queryInbound { result = $0 }
        XCTAssertNil(result, "never inside the call")
        XCTAssertTrue(run(until: { result != nil }))
        guard case .failure(let e)? = result else { return XCTFail("expected a failure") }
        XCTAssertEqual(e, .notLoggedIn(.loggedOut))
        XCTAssertTrue(e.isServiceUnavailable)
        XCTAssertFalse(e.isRefusal)
        XCTAssertTrue(pbx.requests.isEmpty)
    }

    func testQueriesCarryTheTokenAndDecodeTheReplies() throws {
        let inbound = String(decoding: try PBXPayloadFiles.bytes("openvox-inbound-query-response-1.json"), as: UTF8.self)
        let extList = String(decoding: try PBXPayloadFiles.bytes("openvox-extensionlist-response-1.json"), as: UTF8.self)
        let device = String(decoding: try PBXPayloadFiles.bytes("openvox-deviceinfo-response-1.json"), as: UTF8.self)
        let outbound = String(decoding: try PBXPayloadFiles.bytes("openvox-outbound-query-response-1.json"), as: UTF8.self)
        let c = loggedInClient { req in
            switch req.endpoint {
            case "inbound/query": return .json(inbound)
            case "outbound/query": return .json(outbound)
            case "extensionlist/query": return .json(extList)
            case "deviceinfo/query": return .json(device)
            default: return .json("{\"status\":\"Success\"}")
            }
        }
        var calls: [QueriedTrunkCall]? = nil
        var outCalls: [QueriedTrunkCall]? = nil
        var exts: [ExtensionListEntry]? = nil
        var info: DeviceInfo? = nil
        c.queryInbound { if case .success(let v) = $0 { calls = v } }
        c.queryOutbound(ids: [PBXCallID("1.1"), PBXCallID("2.2")]) { if case .success(let v) = $0 { outCalls = v } }
        c.queryExtensions { if case .success(let v) = $0 { exts = v } }
        c.deviceInfo { if case .success(let v) = $0 { info = v } }
        XCTAssertTrue(run(until: { calls != nil && outCalls != nil && exts != nil && info != nil }))
        XCTAssertEqual(calls?.first?.id, PBXCallID("1589881290.963"))
        XCTAssertEqual(calls?.first?.calleeExtension, ExtensionNumber("101"))
        XCTAssertEqual(outCalls?.count, 1)
        XCTAssertEqual(exts?.count, 3)
        XCTAssertEqual(info?.serial, "a09805021987")
        let q = try XCTUnwrap(requests("inbound/query").first)
        XCTAssertEqual(q.query, ["token": PBXClientTests.token, "type": "json"])
        XCTAssertEqual(String(decoding: q.body, as: UTF8.self), "{}")
        let o = try XCTUnwrap(requests("outbound/query").first)
        XCTAssertEqual(o.json?["outboundid"] as? String, "1.1,2.2")
        XCTAssertEqual(c.health.counters.requestsOK, 4)
    }

    func testHangupsSendTheIdAndMapRefusals() throws {
        let c = loggedInClient { req in
            switch req.endpoint {
            case "extension/hangup": return .json("{\"status\":\"Failed\",\"errno\":\"10006\"}")
            default: return .json("{\"status\":\"Success\"}")
            }
        }
        var ext: Result<Void, PBXClientError>? = nil
        var inb: Result<Void, PBXClientError>? = nil
        var outb: Result<Void, PBXClientError>? = nil
        c.hangupExtension(ExtensionNumber("101")) { ext = $0 }
        c.hangupInbound(PBXCallID("1589938168.1111")) { inb = $0 }
        c.hangupOutbound(PBXCallID("1589938378.1130")) { outb = $0 }
        XCTAssertTrue(run(until: { ext != nil && inb != nil && outb != nil }))
        guard case .failure(let e)? = ext else { return XCTFail("expected refusal") }
        XCTAssertEqual(e.errno, .extensionNotFound)
        XCTAssertTrue(e.isRefusal)
        XCTAssertFalse(e.isTransport)
        XCTAssertTrue(e.message.contains("extension does not exist"), e.message)
        XCTAssertTrue(e.message.contains("extension/hangup"), e.message)
        if case .failure(let err)? = inb { XCTFail(err.message) }
        if case .failure(let err)? = outb { XCTFail(err.message) }
        XCTAssertEqual(requests("extension/hangup").first?.json?["extid"] as? String, "101")
        XCTAssertEqual(requests("inbound/hangup").first?.json?["inboundid"] as? String, "1589938168.1111")
        XCTAssertEqual(requests("outbound/hangup").first?.json?["outboundid"] as? String, "1589938378.1130")
        XCTAssertEqual(c.state, .loggedIn, "an unknown extension says nothing about the session")
        XCTAssertEqual(requests("login").count, 1)
    }

    func testTokenErrorOnARequestFailsItAndLogsInAgain() {
        var reasons: [PBXSessionReadyReason] = []
        let c = loggedInClient { _ in .json("{\"status\":\"Failed\",\"errno\":\"20004\"}") }
        c.onLoggedIn = { reasons.append($0) }
        var result: Result<[ExtensionListEntry], PBXClientError>? = nil
        c.queryExtensions { result = $0 }
        XCTAssertTrue(run(until: { result != nil }))
        guard case .failure(let e)? = result else { return XCTFail("expected a refusal") }
        XCTAssertEqual(e.errno, .noSuchToken)
        XCTAssertTrue(run(until: { self.requests("login").count == 2 && c.state == .loggedIn }))
        XCTAssertEqual(reasons, [.relogin])
        XCTAssertEqual(c.health.counters.relogins, 1)
    }

    func testHTMLRequestReplyIsMalformedAndOversizedToo() {
        let big = "{\"status\":\"Success\",\"extlist\":[" + String(repeating: "{\"extnumber\":\"100\",\"status\":\"Idle\"},", count: 200) + "{\"extnumber\":\"1\",\"status\":\"Idle\"}]}"
        startPBX(other: { req in
            req.endpoint == "inbound/query"
                ? .http(status: 200, contentType: "text/html", body: "<html><body>proxy error</body></html>")
                : .json(big)
        })
        let c = makeClient(maxReplyBytes: 2_048)
        c.start()
        XCTAssertTrue(run(until: { c.state == .loggedIn }))
        var r1: Result<[QueriedTrunkCall], PBXClientError>? = nil
        var r2: Result<[ExtensionListEntry], PBXClientError>? = nil
        c.queryInbound { r1 = $0 }
        c.queryExtensions { r2 = $0 }
        XCTAssertTrue(run(until: { r1 != nil && r2 != nil }))
        guard case .failure(.malformed(let m1))? = r1 else { return XCTFail("expected malformed") }
        XCTAssertTrue(m1.contains("HTML"), m1)
        guard case .failure(.malformed(let m2))? = r2 else { return XCTFail("expected malformed") }
        XCTAssertTrue(m2.contains("limit"), m2)
    }

    func testRequestsToAPBXThatWentAwayAreUnreachable() {
        let c = loggedInClient()
        pbx.handler = { _ in .close }
        var r: Result<Void, PBXClientError>? = nil
        c.hangupExtension(ExtensionNumber("101")) { r = $0 }
        XCTAssertTrue(run(until: { r != nil }))
        guard case .failure(let e)? = r else { return XCTFail("expected failure") }
        XCTAssertTrue(e.isTransport, e.message)
        XCTAssertTrue(e.isServiceUnavailable)
    }

    func testBootUpLogsInAgain() {
        let c = loggedInClient()
        c.noteBootUp()
        XCTAssertTrue(run(until: { self.requests("login").count == 2 && c.state == .loggedIn }))
        XCTAssertEqual(c.health.counters.bootUps, 1)
    }

    func testOutageIsVerifiedWithAHeartbeatNotALogin() {
        let c = loggedInClient(heartbeatMs: 1_000)
        var reasons: [PBXSessionReadyReason] = []
        var lost = 0
        c.onLoggedIn = { reasons.append($0) }
        c.onSessionLost = { lost += 1 }
        // The PBX stops answering: connections close without a reply.
        pbx.handler = { _ in .close }
        XCTAssertTrue(run(until: { c.state == .unreachable }, timeoutMs: 5_000))
        XCTAssertEqual(lost, 1)
        var r: Result<[QueriedTrunkCall], PBXClientError>? = nil
        c.queryInbound { r = $0 }
        XCTAssertTrue(run(until: { r != nil }))
        guard case .failure(.notLoggedIn(.unreachable))? = r else { return XCTFail("fails fast while unreachable") }
        // It comes back and still knows the token.
        pbx.handler = { _ in .json("{\"status\":\"Success\"}") }
        XCTAssertTrue(run(until: { c.state == .loggedIn }, timeoutMs: 5_000))
        XCTAssertEqual(reasons, [.recovered])
        XCTAssertEqual(requests("login").count, 1, "no blind login after the outage")
        XCTAssertGreaterThanOrEqual(c.health.counters.transportErrors, 2)
        XCTAssertEqual(c.health.counters.loginsCounted, 0)
    }

    func testTLSSetupFailureIsReportedAndNeverReachesThePBX() {
        startPBX()
        var logger = Logger(level: .debug, writesToStderr: false)
        logger.hook = { [unowned self] r in self.logLines.append(r.line) }
        let config = PBXClientConfig(scheme: .https, host: "127.0.0.1", port: pbx.port, username: "api",
                                     passwordMD5: passwordMD5, reportPort: 8260, advertisedIP: "192.0.2.7",
                                     tlsCAFile: "/nonexistent/ca.pem")
        let c = PBXClient(loop: loop, http: HTTPClient(loop: loop), config: config, log: logger)
        c.start()
        XCTAssertTrue(run(until: { c.state == .unreachable }))
        XCTAssertTrue(c.health.lastLoginError?.contains("TLS") ?? false, c.health.lastLoginError ?? "nil")
        XCTAssertTrue(pbx.requests.isEmpty)
    }

    func testTLSToAPlainHTTPServerIsTransportLevel() {
        startPBX()
        let config = PBXClientConfig(scheme: .https, host: "127.0.0.1", port: pbx.port, username: "api",
                                     passwordMD5: passwordMD5, reportPort: 8260, advertisedIP: "192.0.2.7",
                                     requestTimeoutMs: 500)
        let c = PBXClient(loop: loop, http: HTTPClient(loop: loop), config: config,
                          log: Logger(level: .error, writesToStderr: false))
        c.start()
        XCTAssertTrue(run(until: { c.health.counters.loginsFailed >= 1 }, timeoutMs: 3_000))
        XCTAssertEqual(c.state, .unreachable)
        XCTAssertEqual(c.health.counters.loginsCounted, 0)
    }

    // MARK: - Shutdown

    func testShutdownLogsOutWithTheToken() throws {
        let c = loggedInClient()
        var done = false
        c.shutdown { done = true }
        XCTAssertTrue(run(until: { done }))
        let logout = try XCTUnwrap(requests("logout").first)
        XCTAssertEqual(logout.query, ["token": PBXClientTests.token, "type": "json"])
        XCTAssertTrue(logout.body.isEmpty)
        XCTAssertEqual(c.state, .loggedOut)
        var r: Result<DeviceInfo, PBXClientError>? = nil
        c.deviceInfo { r = $0 }
        XCTAssertTrue(run(until: { r != nil }))
        guard case .failure(.notLoggedIn(.loggedOut))? = r else { return XCTFail("requests after shutdown fail fast") }
        // A second shutdown completes at once.
        var again = false
        c.shutdown { again = true }
        XCTAssertTrue(run(until: { again }))
    }

    func testShutdownWaitIsBoundedWhenThePBXHangs() {
        let c = loggedInClient()
        pbx.handler = { _ in .hang }
        var doneAt: Int64? = nil
        let start = loop.refreshNow()
        let limit: Int64 = 2_000   // makeClient's logoutTimeoutMs
        c.shutdown { doneAt = self.loop.refreshNow() }
        XCTAssertTrue(run(until: { doneAt != nil }, timeoutMs: 5_000))
        let waited = (doneAt ?? 0) - start
        XCTAssertGreaterThanOrEqual(waited, limit - 50)
        XCTAssertLessThan(waited, limit + 1_000)
        XCTAssertEqual(requests("logout").count, 1)
    }

    func testShutdownBeforeStartCompletesWithoutContactingThePBX() {
        startPBX()
        let c = makeClient()
        var done = false
        c.shutdown { done = true }
        XCTAssertFalse(done)
        XCTAssertTrue(run(until: { done }))
        XCTAssertTrue(pbx.requests.isEmpty)
    }

    func testTargetsAndEncoding() {
        startPBX()
        let c = makeClient()
        XCTAssertEqual(c.target("login", token: nil), "/api/v0.0.1/login?type=json")
        XCTAssertEqual(c.target("inbound/query", token: "ab12"), "/api/v0.0.1/inbound/query?token=ab12&type=json")
        XCTAssertEqual(PBXClient.percentEncoded("a b&c=d"), "a%20b%26c%3Dd")
        XCTAssertEqual(PBXClientConfig(host: "h", username: "u", passwordMD5: "ABCDEF", reportPort: 1,
                                       advertisedIP: "1.2.3.4").passwordMD5.reveal(), "abcdef")
        XCTAssertEqual(PBXClientConfig(host: "h", apiPath: "api/v0.0.1/", username: "u", passwordMD5: "x",
                                       reportPort: 1, advertisedIP: "1.2.3.4").apiPath, "/api/v0.0.1")
    }
}
