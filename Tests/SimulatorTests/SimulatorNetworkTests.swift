import EventLoop
import Foundation
import JSON
import XCTest
@testable import Simulator

/// The simulator on real loopback sockets: API over HTTP, report delivery on the wire, the
/// control API.
final class SimulatorNetworkTests: XCTestCase {
    func testStartupLineAndLoginOverHTTP() throws {
        let net = try SimNet()
        let line = net.sim.startupLine
        XCTAssertTrue(line.hasPrefix("simulator: api=127.0.0.1:"), line)
        XCTAssertTrue(line.contains(" control=127.0.0.1:"), line)
        XCTAssertEqual(line, "simulator: api=127.0.0.1:" + String(net.api.port) + " control=127.0.0.1:" + String(net.control.port))

        let r = try XCTUnwrap(net.pbx("login", body: text(loginBody())))
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.head.contains("\r\nAccess-control-allow-origin: *\r\n"), r.head)
        XCTAssertTrue(r.head.contains("\r\nAccess-control-allow-methods: GET, POST, OPTIONS, PUT, DELETE\r\n"), r.head)
        XCTAssertTrue(r.head.contains("Content-Type: application/json"), r.head)
        XCTAssertEqual(r.json["status"], "Success")
        XCTAssertEqual(r.json["token"]?.string?.utf8.count, 32)

        // Failures are HTTP 200 too.
        let bad = try XCTUnwrap(net.pbx("deviceinfo/query", token: "nope"))
        XCTAssertEqual(bad.status, 200)
        XCTAssertEqual(text(bad.body), #"{"status":"Failed","errno":"20004"}"#)
        let get = try XCTUnwrap(net.http(net.api, "GET", "/api/v0.0.1/login?type=json"))
        XCTAssertEqual(get.json["errno"], "20001")
    }

    func testKeepAliveClientsGetSeveralAnswersOnOneConnection() throws {
        let net = try SimNet()
        let body = text(loginBody())
        let one = "POST /api/v0.0.1/login?type=json HTTP/1.1\r\nHost: x\r\nContent-Length: " + String(body.utf8.count) + "\r\n\r\n" + body
        let two = "POST /api/v0.0.1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + String(body.utf8.count) + "\r\n\r\n" + body
        let r = try XCTUnwrap(net.exchange(net.api, Array((one + two).utf8)))
        XCTAssertEqual(text(r.raw).components(separatedBy: "HTTP/1.1 200 OK").count - 1, 2)
        XCTAssertTrue(r.closed)
    }

    func testReportIsDeliveredWithTheCapturedWireFormat() throws {
        let net = try SimNet()
        let rx = try ReportReceiver(loop: net.loop)
        let token = net.login(port: rx.port)
        XCTAssertEqual(token.utf8.count, 32)
        let call = try XCTUnwrap(net.ctl("POST", "/sim/calls", body: #"{"type":"internal","from":"101","to":"106"}"#))
        XCTAssertEqual(call.status, 200, text(call.body))
        XCTAssertTrue(net.run { rx.requests.count == 4 })
        XCTAssertEqual(rx.actions, ["ALERT", "RING", "ExtensionStatus", "ExtensionStatus"])

        let first = text(rx.requests[0])
        let body = rx.bodies[0]
        XCTAssertEqual(first, "POST  HTTP/1.1\r\nHost:127.0.0.1\r\nContent-Length:" + String(body.utf8.count)
            + "\r\nAccept: application/json\r\nContent-Type:application/json\r\nConnection:close\r\n\r\n" + body)
        let alert = try JSON.parse(body)
        XCTAssertEqual(alert["ext"]?["extid"], ["101"])
        XCTAssertEqual(alert["callid"]?.string, call.json["callids"]?.array?.first?.string)
        XCTAssertEqual(JSON.serializeString(alert), body, "compact JSON on the wire")

        // The sent log records every report with the client's answer.
        XCTAssertTrue(net.run { (net.ctl("GET", "/sim/reports")?.json["reports"]?.array?.count ?? 0) == 4 })
        let log = try XCTUnwrap(net.ctl("GET", "/sim/reports")?.json["reports"]?.array)
        XCTAssertEqual(log.map { $0["outcome"]?.string ?? "" }, ["acked", "acked", "acked", "acked"])
        XCTAssertEqual(log[0]["body"]?.string, body)
        XCTAssertEqual(log[0]["http_status"], .int(200))
        let later = try XCTUnwrap(net.ctl("GET", "/sim/reports?since=" + String(log[1]["id"]?.int64 ?? 0)))
        XCTAssertEqual(later.json["reports"]?.array?.count, 2)
        // A pushed report counts as activity on the token.
        let d = net.state()["delivery"]
        XCTAssertEqual(d?["acked"], .int(4))
    }

    func testRequestLineAndLineEndSettings() throws {
        let net = try SimNet { $0.requestLine = .registeredPath; $0.lineEnding = .lf }
        let rx = try ReportReceiver(loop: net.loop)
        _ = net.login(port: rx.port, url: "127.0.0.1:" + String(rx.port) + "/report")
        _ = net.ctl("POST", "/sim/calls", body: #"{"type":"inbound","from":"555","to":"101"}"#)
        XCTAssertTrue(net.run { rx.requests.count == 3 })
        XCTAssertTrue(text(rx.requests[0]).hasPrefix("POST /report HTTP/1.1\nHost:127.0.0.1\nContent-Length:"), text(rx.requests[0]))

        XCTAssertEqual(net.ctl("POST", "/sim/settings", body: #"{"request_line":"yeastar","line_ending":"crlf"}"#)?.status, 200)
        _ = net.ctl("POST", "/sim/calls", body: #"{"type":"inbound","from":"556","to":"102"}"#)
        XCTAssertTrue(net.run { rx.requests.count == 6 })
        XCTAssertTrue(text(rx.requests[3]).hasPrefix("POST /report HTTP/1.1\r\nUser-Agent: WebAPI\r\nHost: 127.0.0.1: " + String(rx.port) + "\r\n"))
    }

    func testNon200IsResentUntilAcknowledged() throws {
        let net = try SimNet()
        let rx = try ReportReceiver(loop: net.loop)
        rx.statuses = [500, 404]
        _ = net.login(port: rx.port)
        _ = net.ctl("POST", "/sim/calls", body: #"{"type":"inbound","from":"555","to":"101"}"#)
        XCTAssertTrue(net.run { rx.requests.count == 5 })
        // The ALERT went three times (500, 404, 200) before RING was sent: order is kept.
        XCTAssertEqual(rx.actions, ["ALERT", "ALERT", "ALERT", "RING", "ExtensionStatus"])
        XCTAssertEqual(rx.requests[0], rx.requests[1])
        let log = try XCTUnwrap(net.ctl("GET", "/sim/reports")?.json["reports"]?.array)
        XCTAssertEqual(Array(log.map { $0["outcome"]?.string ?? "" }.prefix(3)), ["status 500", "status 404", "acked"])
        XCTAssertEqual(log.map { $0["attempt"]?.int64 ?? 0 }.prefix(3), [1, 2, 3])
        XCTAssertEqual(net.state()["delivery"]?["resent"], .int(2))
        XCTAssertEqual(net.state()["counters"]?["reports_resent"], .int(2))
        XCTAssertTrue(net.run { net.state()["counters"]?["reports_acked"] == .int(3) })
    }

    func testRefusedDeliveriesAreResentThenGivenUp() throws {
        let net = try SimNet { $0.resendLimit = 2; $0.resendIntervalMs = 20 }
        let rx = try ReportReceiver(loop: net.loop)
        let port = rx.port
        rx.close()  // nobody listens there any more
        _ = net.login(port: port)
        _ = net.ctl("POST", "/sim/calls", body: #"{"type":"inbound","from":"555","to":"101"}"#)
        XCTAssertTrue(net.run { (net.state()["delivery"]?["given_up"]?.int64 ?? 0) == 3 })
        let log = try XCTUnwrap(net.ctl("GET", "/sim/reports")?.json["reports"]?.array)
        XCTAssertEqual(Array(log.map { $0["outcome"]?.string ?? "" }.prefix(3)), ["refused", "refused", "refused"])
        XCTAssertEqual(log.filter { $0["final"] == .bool(true) }.count, 3)
    }

    func testUnansweredDeliveryTimesOutAndIsResent() throws {
        let net = try SimNet { $0.deliveryTimeoutMs = 200; $0.resendLimit = 1 }
        let rx = try ReportReceiver(loop: net.loop)
        rx.silent = true
        _ = net.login(port: rx.port)
        _ = net.ctl("POST", "/sim/calls", body: #"{"type":"inbound","from":"555","to":"101"}"#)
        XCTAssertTrue(net.run { rx.requests.count == 2 })
        XCTAssertEqual(rx.requests[0], rx.requests[1])
        XCTAssertTrue(net.run { (net.state()["delivery"]?["failed_attempts"]?.int64 ?? 0) >= 2 })
        let log = try XCTUnwrap(net.ctl("GET", "/sim/reports")?.json["reports"]?.array)
        XCTAssertEqual(log.first?["outcome"], "timeout")
    }

    func testDropAndDuplicateHooks() throws {
        let net = try SimNet()
        let rx = try ReportReceiver(loop: net.loop)
        _ = net.login(port: rx.port)
        let c = try XCTUnwrap(net.ctl("POST", "/sim/calls", body: #"{"type":"internal","from":"101","to":"102","answer_after_ms":0}"#))
        XCTAssertTrue(net.run { rx.requests.count == 6 })
        let id = c.json["id"]?.int64 ?? -1
        XCTAssertEqual(net.ctl("POST", "/sim/drop-reports", body: #"{"count":2}"#)?.status, 200)
        XCTAssertEqual(net.ctl("POST", "/sim/duplicate-next", body: #"{"count":1}"#)?.json["duplicate_next"], .int(1))
        XCTAssertEqual(net.ctl("POST", "/sim/calls/" + String(id) + "/hangup", body: #"{"by":"callee"}"#)?.status, 200)
        // BYE, BYE lost; NewCdr delivered twice; two ExtensionStatus.
        XCTAssertTrue(net.run { rx.requests.count == 10 })
        net.spin(0.2)
        XCTAssertEqual(Array(rx.actions.suffix(4)), ["NewCdr", "NewCdr", "ExtensionStatus", "ExtensionStatus"])
        XCTAssertEqual(net.state()["delivery"]?["dropped"], .int(2))
        XCTAssertEqual(net.state()["delivery"]?["duplicates_sent"], .int(1))
    }

    func testLockoutOverHTTP() throws {
        let net = try SimNet()
        let bad = #"{"username":"api","password":"00000000000000000000000000000000","port":"8260"}"#
        for _ in 0..<5 { XCTAssertEqual(net.pbx("login", body: bad)?.json["errno"], "30003") }
        XCTAssertEqual(net.pbx("login", body: text(loginBody()))?.json["errno"], "20002")
        let state = net.state()
        XCTAssertEqual(state["counters"]?["logins_failed"], .int(5))
        XCTAssertEqual(state["counters"]?["logins_blocked"], .int(1))
        XCTAssertEqual(state["lockouts"]?.array?.first?["blocked"], .bool(true))
        XCTAssertEqual(state["lockouts"]?.array?.first?["client_ip"], "127.0.0.1")
    }

    func testTimeScaledTokenExpiry() throws {
        let net = try SimNet { $0.timeScale = 1800 }  // 30 minutes = 1 s
        let token = net.login(port: 9)
        XCTAssertEqual(net.pbx("heartbeat", token: token, body: #"{"ipaddr":"127.0.0.1","port":"9"}"#)?.json["status"], "Success")
        net.spin(0.5)
        XCTAssertEqual(net.pbx("extensionlist/query", token: token)?.json["status"], "Success")
        net.spin(1.1)
        XCTAssertEqual(net.pbx("heartbeat", token: token, body: #"{"ipaddr":"127.0.0.1","port":"9"}"#)?.json["errno"], "20006")
        XCTAssertEqual(net.state()["counters"]?["tokens_expired"], .int(1))
    }

    func testReportsStopWhenTheTokenDies() throws {
        let net = try SimNet { $0.timeScale = 1800 }
        let rx = try ReportReceiver(loop: net.loop)
        _ = net.login(port: rx.port)
        net.spin(1.1)
        _ = net.ctl("POST", "/sim/calls", body: #"{"type":"internal","from":"101","to":"102"}"#)
        net.spin(0.2)
        XCTAssertTrue(rx.requests.isEmpty)
        XCTAssertEqual(net.state()["counters"]?["reports_unsubscribed"], .int(4))
    }

    func testRebootSendsBootUpAndKillsTokens() throws {
        let net = try SimNet()
        let rx = try ReportReceiver(loop: net.loop)
        let token = net.login(port: rx.port)
        XCTAssertEqual(net.ctl("POST", "/sim/reboot", body: #"{"bootup_report":true}"#)?.status, 200)
        XCTAssertTrue(net.run { rx.requests.count == 1 })
        XCTAssertEqual(rx.bodies, [#"{"action":"BootUp","sn":"a09805021987"}"#])
        XCTAssertEqual(net.pbx("heartbeat", token: token, body: #"{"ipaddr":"127.0.0.1","port":"1"}"#)?.json["errno"], "20004")

        let token2 = net.login(port: rx.port)
        XCTAssertNotEqual(token2, "")
        XCTAssertEqual(net.ctl("POST", "/sim/reboot", body: #"{"bootup_report":false}"#)?.status, 200)
        net.spin(0.2)
        XCTAssertEqual(rx.requests.count, 1)
    }

    func testSilentHangAndClose() throws {
        let net = try SimNet()
        XCTAssertEqual(net.ctl("POST", "/sim/silent", body: #"{"on":true}"#)?.json["silent"], "hang")
        let hung = net.http(net.api, "POST", "/api/v0.0.1/login?type=json", body: text(loginBody()))
        XCTAssertEqual(hung?.closed, false)
        XCTAssertEqual(hung?.raw.count, 0)
        XCTAssertEqual(net.ctl("POST", "/sim/silent", body: #"{"on":true,"mode":"close"}"#)?.json["silent"], "close")
        let closed = net.http(net.api, "POST", "/api/v0.0.1/login?type=json", body: text(loginBody()))
        XCTAssertEqual(closed?.closed, true)
        XCTAssertEqual(closed?.raw.count, 0)
        XCTAssertEqual(net.ctl("POST", "/sim/silent", body: #"{"on":false}"#)?.json["silent"], "off")
        XCTAssertEqual(net.pbx("login", body: text(loginBody()))?.json["status"], "Success")
        XCTAssertEqual(net.state()["counters"]?["api_unanswered"], .int(1))
    }

    func testControlAPICallLifecycle() throws {
        let net = try SimNet()
        let token = net.login(port: 9)
        let c = try XCTUnwrap(net.ctl("POST", "/sim/calls", body: #"{"type":"inbound","from":"0551234","to":"101"}"#))
        XCTAssertEqual(c.status, 200)
        let id = String(c.json["id"]?.int64 ?? -1)
        XCTAssertEqual(c.json["state"], "ringing")
        XCTAssertEqual(c.json["inboundid"], c.json["callids"]?.array?.first)

        let q = net.pbx("inbound/query", token: token, body: "{}")?.json["inbound"]?.array
        XCTAssertEqual(q?.first?["inboundid"], c.json["inboundid"])
        XCTAssertEqual(q?.first?["status"], "Progress")

        XCTAssertEqual(net.ctl("POST", "/sim/calls/" + id + "/answer")?.json["state"], "talking")
        XCTAssertEqual(net.ctl("POST", "/sim/calls/" + id + "/answer")?.status, 409)
        let t = net.ctl("POST", "/sim/calls/" + id + "/transfer", body: #"{"to":"102"}"#)
        XCTAssertEqual(t?.status, 200)
        XCTAssertEqual(t?.json["callee_ext"], "102")
        XCTAssertEqual(net.ctl("GET", "/sim/calls")?.json["calls"]?.array?.count, 1)
        XCTAssertEqual(net.ctl("POST", "/sim/calls/" + id + "/hangup", body: #"{"by":"caller"}"#)?.json["state"], "ended")
        XCTAssertEqual(net.ctl("GET", "/sim/calls/" + id)?.json["outcome"], "hangup by caller")
        XCTAssertEqual(net.ctl("POST", "/sim/calls/" + id + "/hangup")?.status, 404)

        let f = try XCTUnwrap(net.ctl("POST", "/sim/calls", body: #"{"type":"outbound","from":"103","to":"0209876"}"#))
        let fid = String(f.json["id"]?.int64 ?? -1)
        XCTAssertEqual(net.ctl("POST", "/sim/calls/" + fid + "/fail", body: #"{"reason":486}"#)?.json["outcome"], "failed 486")

        XCTAssertEqual(net.ctl("POST", "/sim/calls", body: #"{"type":"internal","from":"101","to":"999"}"#)?.status, 400)
        XCTAssertEqual(net.ctl("POST", "/sim/calls", body: #"{"type":"conference","from":"101","to":"102"}"#)?.status, 400)
        XCTAssertEqual(net.ctl("POST", "/sim/calls/77/answer")?.status, 404)
        XCTAssertEqual(net.ctl("POST", "/sim/calls/" + fid + "/dance")?.status, 404)

        let s = net.state()
        XCTAssertEqual(s["counters"]?["calls_started"], .int(2))
        XCTAssertEqual(s["counters"]?["calls_transferred"], .int(1))
        XCTAssertEqual(s["recent_calls"]?.array?.count, 2)
        XCTAssertEqual(s["tokens"]?.array?.first?["token"]?.string, token)
    }

    func testScriptedCallRunsOnTheLoop() throws {
        let net = try SimNet { $0.timeScale = 100 }
        let rx = try ReportReceiver(loop: net.loop)
        _ = net.login(port: rx.port)
        _ = net.ctl("POST", "/sim/calls",
                    body: #"{"type":"outbound","from":"101","to":"0209876","answer_after_ms":5000,"duration_ms":"10s","hangup_by":"callee"}"#)
        XCTAssertTrue(net.run { rx.actions.contains("NewCdr") })
        XCTAssertEqual(rx.actions, ["ALERT", "RING", "ExtensionStatus", "ANSWER", "BYE", "BYE", "NewCdr", "ExtensionStatus"])
        let cdr = try JSON.parse(rx.bodies[6])
        XCTAssertEqual(cdr["talkduraction"], "10")
        XCTAssertEqual(cdr["callduraction"], "15")
    }

    func testControlSettingsTrafficAndClock() throws {
        let net = try SimNet()
        let s = try XCTUnwrap(net.ctl("GET", "/sim/settings"))
        XCTAssertEqual(s.json["sn"], "a09805021987")
        XCTAssertEqual(s.json["token_lifetime_ms"], .int(1_800_000))
        let bad = try XCTUnwrap(net.ctl("POST", "/sim/settings", body: #"{"colour":"blue"}"#))
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.json["error"], "unknown simulator setting \"colour\"")
        XCTAssertEqual(net.ctl("POST", "/sim/settings", body: #"{"shape":"square"}"#)?.status, 400)
        let ok = try XCTUnwrap(net.ctl("POST", "/sim/settings", body: #"{"busy_status":"Busy","errnos":{"bad_credentials":"20003"},"token_lifetime_ms":"1m"}"#))
        XCTAssertEqual(ok.json["busy_status"], "Busy")
        XCTAssertEqual(ok.json["errnos"]?["bad_credentials"], "20003")
        XCTAssertEqual(ok.json["token_lifetime_ms"], .int(60_000))
        XCTAssertEqual(net.pbx("login", body: #"{"username":"x","password":"y","port":"1"}"#)?.json["errno"], "20003")

        let token = net.login(port: 9)
        XCTAssertEqual(net.ctl("POST", "/sim/clock", body: #"{"advance_ms":"59s"}"#)?.status, 200)
        XCTAssertEqual(net.pbx("extensionlist/query", token: token)?.json["status"], "Success")
        XCTAssertEqual(net.ctl("POST", "/sim/clock", body: #"{"advance_ms":60000}"#)?.status, 200)
        XCTAssertEqual(net.pbx("extensionlist/query", token: token)?.json["errno"], "20006")

        let tr = try XCTUnwrap(net.ctl("POST", "/sim/traffic", body: #"{"rate":6000,"mean_duration_ms":1000}"#))
        XCTAssertEqual(tr.status, 200)
        XCTAssertTrue(net.run { (net.state()["counters"]?["calls_started"]?.int64 ?? 0) >= 5 })
        XCTAssertEqual(net.ctl("POST", "/sim/traffic", body: #"{"rate":0}"#)?.status, 200)
        XCTAssertEqual(net.ctl("POST", "/sim/traffic", body: #"{"rate":-1}"#)?.status, 400)

        XCTAssertEqual(net.ctl("GET", "/sim/nothing")?.status, 404)
        XCTAssertEqual(net.ctl("POST", "/sim/state")?.status, 405)
        XCTAssertEqual(net.ctl("POST", "/sim/calls", body: "[1,2]")?.status, 400)
    }

    func testXMLOverHTTP() throws {
        let net = try SimNet()
        let r = try XCTUnwrap(net.pbx("login", body: "<?xml version=\"1.0\"?><xml><username>api</username><password>" + md5Secret
            + "</password><port>8260</port></xml>", type: "xml"))
        XCTAssertTrue(r.head.contains("Content-Type: application/xml"), r.head)
        XCTAssertTrue(text(r.body).contains("<status>Success</status>"))
    }
}
