import JSON
import XCTest
@testable import Simulator

/// Login, lockout, token lifetime, heartbeat, logout and the API envelope (§1–§3, §12.1–§12.9).
final class SimulatedPBXSessionTests: XCTestCase {
    let minute: Int64 = 60_000

    func testLoginWithMD5PasswordReturns32HexToken() {
        let pbx = makePBX()
        let r = pbx.handle(endpoint: "login", body: loginBody(), clientIP: "10.0.0.5", now: 0)
        XCTAssertEqual(r.status, "Success")
        let token = r.json["token"]?.string ?? ""
        XCTAssertEqual(token.utf8.count, 32)
        XCTAssertTrue(token.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        // Key order as in openvox-login-response-success-1.json.
        XCTAssertEqual(signature(r.json), signature(try Payloads.value("openvox-login-response-success-1.json")))
        XCTAssertEqual(pbx.sessions.first?.destination, SimDestination(host: "10.0.0.5", port: 8260, path: ""))
    }

    func testLoginAcceptsURLTagAsNumberOrString() throws {
        let pbx = makePBX()
        // The OV capture sends "urltag":1 (a number) with an absolute url.
        var body = text(try Payloads.bytes("openvox-login-request-1.json"))
        body = body.replacingOccurrences(of: "xiaoshao", with: "api")
            .replacingOccurrences(of: "e10adc3949ba59abbe56e057f20f883e", with: md5Secret)
        XCTAssertEqual(pbx.handle(endpoint: "login", body: Array(body.utf8), clientIP: "10.0.0.5", now: 0).status, "Success")
        XCTAssertEqual(pbx.sessions.last?.destination, SimDestination(host: "172.16.6.150", port: 8260, path: ""))

        login(pbx, ip: "10.0.0.6", body: loginBody(port: "8260", url: "110.22.2.3:8261/report", urltag: "1"))
        XCTAssertEqual(pbx.sessions.last?.destination, SimDestination(host: "110.22.2.3", port: 8261, path: "/report"))

        login(pbx, ip: "10.0.0.7", body: loginBody(port: "8262", url: "report", urltag: "0"))
        XCTAssertEqual(pbx.sessions.last?.destination, SimDestination(host: "10.0.0.7", port: 8262, path: "/report"))
    }

    func testAbsoluteURLCanLoseToIPAndPort() {
        let pbx = makePBX { $0.absoluteURLWins = false }
        login(pbx, ip: "10.0.0.6", body: loginBody(port: "8260", url: "110.22.2.3:8261/report", urltag: "1"))
        XCTAssertEqual(pbx.sessions.last?.destination, SimDestination(host: "10.0.0.6", port: 8260, path: "/report"))
    }

    func testBadCredentialsFailWith30003() throws {
        let pbx = makePBX()
        let r = pbx.handle(endpoint: "login", body: loginBody(password: "e10adc3949ba59abbe56e057f20f883e"),
                           clientIP: "10.0.0.5", now: 0)
        XCTAssertEqual(r.response.map { text($0.body) }, #"{"status":"Failed","errno":"30003"}"#)
        XCTAssertEqual(signature(r.json), signature(try Payloads.value("openvox-login-response-failed-1.json")))
        // Clear-text password and upper-case MD5 are wrong too.
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(password: "secret"), clientIP: "10.0.0.9", now: 0).errno, "30003")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(password: md5Secret.uppercased()), clientIP: "10.0.0.9", now: 0).errno, "30003")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(user: "admin"), clientIP: "10.0.0.9", now: 0).errno, "30003")
        XCTAssertEqual(pbx.counters.loginsFailed, 4)
    }

    func testFiveBadLoginsBlockTheIPForTenMinutesEvenWithTheRightPassword() {
        let pbx = makePBX()
        let bad = loginBody(password: "00000000000000000000000000000000")
        for i in 0..<5 {
            XCTAssertEqual(pbx.handle(endpoint: "login", body: bad, clientIP: "10.0.0.5", now: Int64(i) * 1000).errno, "30003")
        }
        XCTAssertTrue(pbx.isBlocked(clientIP: "10.0.0.5", now: 5000))
        // Right password, still blocked: 20002.
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "10.0.0.5", now: 5_000).errno, "20002")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "10.0.0.5", now: 4_000 + 10 * minute - 1).errno, "20002")
        // Another IP is not affected.
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "10.0.0.6", now: 6_000).status, "Success")
        XCTAssertEqual(pbx.counters.loginsBlocked, 2)
        XCTAssertEqual(pbx.counters.lockouts, 1)
        // Ten minutes after the fifth failure the block is gone.
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "10.0.0.5", now: 4_000 + 10 * minute).status, "Success")
        XCTAssertNil(pbx.lockouts["10.0.0.5"])
    }

    func testTheLockingFailureCanAlreadyAnswerWithTheLockoutCode() {
        let pbx = makePBX { $0.lockingFailureReturnsLockout = true }
        let bad = loginBody(password: "00000000000000000000000000000000")
        var codes: [String?] = []
        for _ in 0..<6 { codes.append(pbx.handle(endpoint: "login", body: bad, clientIP: "10.0.0.5", now: 0).errno) }
        XCTAssertEqual(codes, ["30003", "30003", "30003", "30003", "20002", "20002"])
    }

    func testASuccessfulLoginResetsTheFailureCount() {
        let pbx = makePBX()
        let bad = loginBody(password: "00000000000000000000000000000000")
        for _ in 0..<4 { _ = pbx.handle(endpoint: "login", body: bad, clientIP: "10.0.0.5", now: 0) }
        login(pbx, ip: "10.0.0.5")
        for _ in 0..<4 { _ = pbx.handle(endpoint: "login", body: bad, clientIP: "10.0.0.5", now: 0) }
        XCTAssertFalse(pbx.isBlocked(clientIP: "10.0.0.5", now: 0))
        login(pbx, ip: "10.0.0.5")
    }

    func testLoginErrnosAreConfigurable() {
        let pbx = makePBX { $0.errnos.badCredentials = "20003"; $0.errnos.lockedOut = "99999"; $0.lockoutFailures = 2 }
        let bad = loginBody(password: "00000000000000000000000000000000")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: bad, clientIP: "1.1.1.1", now: 0).errno, "20003")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: bad, clientIP: "1.1.1.1", now: 0).errno, "20003")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "1.1.1.1", now: 0).errno, "99999")
    }

    func testLoginNeedsAValidPort() {
        let pbx = makePBX()
        XCTAssertEqual(pbx.handle(endpoint: "login", body: Array(#"{"username":"api","password":"\#(md5Secret)"}"#.utf8),
                                  clientIP: "1.1.1.1", now: 0).errno, "10004")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(port: "70000"), clientIP: "1.1.1.1", now: 0).errno, "20008")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(port: "x"), clientIP: "1.1.1.1", now: 0).errno, "20008")
    }

    func testTokenErrorsMissingUnknownExpired() {
        let pbx = makePBX()
        let token = login(pbx)
        XCTAssertEqual(pbx.handle(endpoint: "deviceinfo/query", clientIP: "127.0.0.1", now: 0).errno, "20005")
        XCTAssertEqual(api(pbx, "deviceinfo/query", token: "0123456789abcdef0123456789abcdef").errno, "20004")
        XCTAssertEqual(api(pbx, "deviceinfo/query", token: token, now: 30 * minute - 1).status, "Success")
        // Idle for 30 minutes after the last request: dead, and reported as expired.
        XCTAssertEqual(api(pbx, "deviceinfo/query", token: token, now: 60 * minute - 1).errno, "20006")
        XCTAssertEqual(pbx.counters.tokensExpired, 1)
        XCTAssertTrue(pbx.sessions.isEmpty)
    }

    func testTokenExpiresAfterThirtyIdleMinutes() {
        let pbx = makePBX()
        let token = login(pbx)
        XCTAssertTrue(pbx.tokenIsLive(token, now: 30 * minute - 1))
        XCTAssertEqual(pbx.tokenRemainingMs(token, now: 10 * minute), 20 * minute)
        XCTAssertFalse(pbx.tokenIsLive(token, now: 30 * minute))
        XCTAssertEqual(api(pbx, "heartbeat", token: token, body: #"{"ipaddr":"127.0.0.1","port":"8260"}"#, now: 30 * minute).errno, "20006")
    }

    func testEveryRequestHeartbeatAndPushedReportRestartsTheTokenTimer() {
        let pbx = makePBX()
        let token = login(pbx)
        XCTAssertEqual(api(pbx, "extensionlist/query", token: token, now: 20 * minute).status, "Success")
        XCTAssertEqual(api(pbx, "heartbeat", token: token, body: #"{"ipaddr":"127.0.0.1","port":"8260"}"#, now: 45 * minute).status, "Success")
        pbx.reportPushed(token: token, now: 70 * minute)
        XCTAssertTrue(pbx.tokenIsLive(token, now: 100 * minute - 1))
        XCTAssertFalse(pbx.tokenIsLive(token, now: 100 * minute))
        // A failed request with the token still counts as activity only when the token is live.
        pbx.reportPushed(token: token, now: 101 * minute)
        XCTAssertFalse(pbx.tokenIsLive(token, now: 101 * minute))
    }

    func testTimeScaleShortensTheTokenLifetime() {
        let pbx = makePBX { $0.timeScale = 600 }
        let token = login(pbx)
        XCTAssertTrue(pbx.tokenIsLive(token, now: 2_999))
        XCTAssertFalse(pbx.tokenIsLive(token, now: 3_000))
        // The lockout window shrinks the same way: 10 minutes = 1 real second.
        let bad = loginBody(password: "00000000000000000000000000000000")
        for _ in 0..<5 { _ = pbx.handle(endpoint: "login", body: bad, clientIP: "9.9.9.9", now: 4_000) }
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "9.9.9.9", now: 4_999).errno, "20002")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "9.9.9.9", now: 5_000).status, "Success")
    }

    func testChangingTheTimeScaleKeepsSimulatedTimeContinuous() {
        let pbx = makePBX()
        let token = login(pbx)
        var s = pbx.settings
        s.timeScale = 60
        pbx.apply(s, now: 10 * minute)  // 10 simulated minutes gone
        XCTAssertTrue(pbx.tokenIsLive(token, now: 10 * minute + 19_999))  // +20 sim minutes - 60 ms
        XCTAssertFalse(pbx.tokenIsLive(token, now: 10 * minute + 20_000))
    }

    func testHeartbeatRequiresIPAndPortAndReRegistersTheDestination() throws {
        let pbx = makePBX()
        let token = login(pbx, ip: "10.0.0.5")
        XCTAssertEqual(api(pbx, "heartbeat", token: token, body: #"{"port":"8280"}"#).errno, "10004")
        XCTAssertEqual(api(pbx, "heartbeat", token: token, body: #"{"ipaddr":"10.0.0.9"}"#).errno, "10004")
        XCTAssertEqual(api(pbx, "heartbeat", token: token, body: #"{"ipaddr":"10.0.0.9","port":"0"}"#).errno, "20008")
        let hb = text(try Payloads.bytes("openvox-heartbeat-request-1.json"))
        let r = api(pbx, "heartbeat", token: token, body: hb)
        XCTAssertEqual(r.response.map { text($0.body) }, try Payloads.compact("openvox-generic-success-response-1.json"))
        XCTAssertEqual(pbx.sessions[0].destination, SimDestination(host: "172.16.6.150", port: 8280, path: ""))
        XCTAssertEqual(api(pbx, "heartbeat", token: token, body: #"{"ipaddr":"10.0.0.9","port":"9000","url":"hook"}"#).status, "Success")
        XCTAssertEqual(pbx.sessions[0].destination, SimDestination(host: "10.0.0.9", port: 9000, path: "/hook"))
        XCTAssertEqual(pbx.counters.heartbeatsOK, 2)
        XCTAssertEqual(pbx.counters.heartbeatRequests, 5)
    }

    func testLogoutKillsTheTokenAndItsReports() {
        let pbx = makePBX()
        let token = login(pbx)
        XCTAssertEqual(api(pbx, "logout", token: token).status, "Success")
        XCTAssertEqual(api(pbx, "deviceinfo/query", token: token).errno, "20004")
        let (_, out) = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102"))
        XCTAssertTrue(out.isEmpty)
        XCTAssertEqual(pbx.counters.reportsUnsubscribed, 4)
    }

    func testOnlyPOSTIsAccepted() {
        let pbx = makePBX()
        let token = login(pbx)
        let r = pbx.handle(endpoint: "deviceinfo/query", query: [SimField("token", token)], clientIP: "127.0.0.1", now: 0, method: "GET")
        XCTAssertEqual(r.errno, "20001")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "127.0.0.1", now: 0, method: "GET").errno, "20001")
    }

    func testUnknownEndpointsAndTheYeastarPrefixAreUnsupported() {
        let pbx = makePBX()
        let token = login(pbx)
        XCTAssertEqual(api(pbx, "extension/dial_magic", token: token).errno, "10003")
        let r = pbx.handle(SimAPIRequest(method: "POST", target: "/api/v1.1.0/login?type=json", body: loginBody()),
                           clientIP: "127.0.0.1", now: 0)
        XCTAssertEqual(r.errno, "10003")
    }

    func testMalformedBodiesAnswerFormatErrors() {
        let pbx = makePBX()
        XCTAssertEqual(pbx.handle(endpoint: "login", body: Array("{\"username\":".utf8), clientIP: "1.1.1.1", now: 0).errno, "10001")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: Array("<xml><a>1</b></xml>".utf8), clientIP: "1.1.1.1", now: 0).errno, "10002")
        XCTAssertEqual(pbx.handle(endpoint: "login", body: Array("[1]".utf8), clientIP: "1.1.1.1", now: 0).errno, "10001")
    }

    func testXMLLoginAndXMLResponses() throws {
        let pbx = makePBX()
        var body = text(try Payloads.bytes("openvox-login-request-xml-1.txt"))
        body = body.replacingOccurrences(of: "e10adc3949ba59abbe56e057f20f883e", with: md5Secret)
        let r = pbx.handle(SimAPIRequest(method: "POST", target: "/api/v0.0.1/login?type=xml", body: Array(body.utf8)),
                           clientIP: "10.0.0.5", now: 0)
        let xml = text(r.response?.body ?? [])
        XCTAssertEqual(r.response?.format, .xml)
        XCTAssertTrue(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<xml>\n<status>Success</status>\n<token>"), xml)
        let token = pbx.sessions[0].token
        let info = pbx.handle(SimAPIRequest(method: "POST", target: "/api/v0.0.1/deviceinfo/query?token=" + token + "&type=xml", body: []),
                              clientIP: "10.0.0.5", now: 0)
        let infoXML = text(info.response?.body ?? [])
        for tag in ["<deviceinfo>", "<devicename>UC501</devicename>", "<sn>a09805021987</sn>", "<uptime>", "</deviceinfo>\n</xml>"] {
            XCTAssertTrue(infoXML.contains(tag), infoXML)
        }
        let hb = pbx.handle(SimAPIRequest(method: "POST", target: "/api/v0.0.1/heartbeat?token=" + token + "&type=xml",
                                          body: Array("<xml><ipaddr>10.0.0.5</ipaddr><port>8261</port></xml>".utf8)),
                            clientIP: "10.0.0.5", now: 0)
        XCTAssertEqual(text(hb.response?.body ?? []), "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<xml>\n<status>Success</status>\n</xml>\n")
    }

    func testSilentPBXDoesNotAnswer() {
        let pbx = makePBX()
        pbx.setSilent(.hang)
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "1.1.1.1", now: 0).reply, .noAnswer(.hang))
        pbx.setSilent(.close)
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "1.1.1.1", now: 0).reply, .noAnswer(.close))
        pbx.setSilent(.off)
        XCTAssertEqual(pbx.handle(endpoint: "login", body: loginBody(), clientIP: "1.1.1.1", now: 0).status, "Success")
        XCTAssertEqual(pbx.counters.apiUnanswered, 2)
    }

    func testSessionsAndFailureRecordsAreBounded() {
        let pbx = makePBX()
        let first = login(pbx, now: 0)
        for i in 1...SimulatedPBX.maxSessions { login(pbx, now: Int64(i)) }
        XCTAssertEqual(pbx.sessions.count, SimulatedPBX.maxSessions)
        XCTAssertEqual(pbx.counters.tokensEvicted, 1)
        XCTAssertEqual(api(pbx, "deviceinfo/query", token: first, now: 1_000).errno, "20004")
        let bad = loginBody(password: "00000000000000000000000000000000")
        for _ in 0..<5 { _ = pbx.handle(endpoint: "login", body: bad, clientIP: "9.9.9.9", now: 0) }
        for i in 0...SimulatedPBX.maxLockoutRecords {
            _ = pbx.handle(endpoint: "login", body: bad, clientIP: "10.1." + String(i / 256) + "." + String(i % 256), now: 0)
        }
        XCTAssertLessThanOrEqual(pbx.lockouts.count, SimulatedPBX.maxLockoutRecords)
        XCTAssertTrue(pbx.isBlocked(clientIP: "9.9.9.9", now: 1))
    }

    func testSubscriberModes() {
        // every-token: two clients, two destinations; the same destination twice gets one copy.
        var pbx = makePBX()
        login(pbx, ip: "10.0.0.1")
        login(pbx, ip: "10.0.0.2")
        login(pbx, ip: "10.0.0.2")
        var out = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102")).1
        XCTAssertEqual(Set(out.map { $0.destination.host }), ["10.0.0.1", "10.0.0.2"])
        XCTAssertEqual(out.count, 8)
        XCTAssertEqual(out.filter { $0.destination.host == "10.0.0.2" }.map { $0.token }.first, pbx.sessions[2].token)

        pbx = makePBX { $0.subscribers = .latestLogin }
        let first = login(pbx, ip: "10.0.0.1")
        login(pbx, ip: "10.0.0.2")
        out = pbx.start(SimCallSpec(kind: .internal, from: "101", to: "102")).1
        XCTAssertEqual(Set(out.map { $0.destination.host }), ["10.0.0.2"])
        XCTAssertEqual(api(pbx, "deviceinfo/query", token: first, ip: "10.0.0.1").status, "Success")

        pbx = makePBX { $0.subscribers = .replaceOnLogin }
        let old = login(pbx, ip: "10.0.0.1")
        login(pbx, ip: "10.0.0.2")
        XCTAssertEqual(api(pbx, "deviceinfo/query", token: old, ip: "10.0.0.1").errno, "20004")
    }
}
