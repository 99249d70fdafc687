import JSON
import XCTest
@testable import Simulator

/// Command line, settings JSON and the engine's control routing without sockets.
final class SimulatorOptionsTests: XCTestCase {
    func testCommandLine() throws {
        let o = try SimulatorOptions.parse([
            "--api", "127.0.0.1:0", "--control", "127.0.0.1:0", "--username", "api", "--password", "pw",
            "--time-scale", "600", "--rate", "2.5", "--mean-duration", "90s", "--extensions", "201-203,300",
            "--seed", "7", "--shape", "legacy", "--sn", "X1", "--settings", #"{"answer_pair":true}"#, "--log-level", "debug",
        ])
        XCTAssertEqual(o.api, "127.0.0.1:0")
        XCTAssertEqual(o.control, "127.0.0.1:0")
        XCTAssertEqual(o.settings.password, "pw")
        XCTAssertEqual(o.settings.timeScale, 600)
        XCTAssertEqual(o.settings.traffic.ratePerMinute, 2.5)
        XCTAssertEqual(o.settings.traffic.meanDurationMs, 90_000)
        XCTAssertEqual(o.settings.extensions, ["201", "202", "203", "300"])
        XCTAssertEqual(o.settings.seed, 7)
        XCTAssertTrue(o.seedGiven)
        XCTAssertEqual(o.settings.shape, .legacy)
        XCTAssertEqual(o.settings.sn, "X1")
        XCTAssertTrue(o.settings.answerPair)
        XCTAssertEqual(o.logLevel, .debug)
        XCTAssertNil(try SimulatorOptions.parse(["--control", "off"]).control)
        XCTAssertFalse(try SimulatorOptions.parse([]).seedGiven)
    }

    func testCommandLineErrors() {
        for args in [["--api"], ["--time-scale", "0"], ["--rate", "x"], ["--mean-duration", "soon"], ["--extensions", "a-b"],
                     ["--shape", "round"], ["--bogus"], ["--settings", "[]"], ["--settings", #"{"nope":1}"#], ["--seed", "-1"]] {
            XCTAssertThrowsError(try SimulatorOptions.parse(args), args.joined(separator: " "))
        }
        XCTAssertEqual(runSimulator(arguments: ["--bogus"]), 2)
        XCTAssertEqual(runSimulator(arguments: ["--help"]), 0)
        XCTAssertEqual(runSimulator(arguments: ["--api", "localhost:1"]), 2)
    }

    func testDurationsAndExtensionLists() {
        XCTAssertEqual(SimDuration.parse("250ms"), 250)
        XCTAssertEqual(SimDuration.parse("60s"), 60_000)
        XCTAssertEqual(SimDuration.parse("30m"), 1_800_000)
        XCTAssertEqual(SimDuration.parse("2h"), 7_200_000)
        XCTAssertEqual(SimDuration.parse("15"), 15)
        XCTAssertNil(SimDuration.parse("s"))
        XCTAssertNil(SimDuration.parse("5d"))
        XCTAssertEqual(SimExtensionList.parse("101-103, 200"), ["101", "102", "103", "200"])
        XCTAssertNil(SimExtensionList.parse("105-101"))
        XCTAssertNil(SimExtensionList.parse(""))
    }

    func testSettingsJSONRoundTrip() throws {
        var s = SimulatorSettings()
        s.shape = .yeastar102
        s.timeScale = 2.5
        s.traffic.ratePerMinute = 0.5
        s.errnos.tokenExpired = "99"
        s.requestLine = .yeastar
        s.subscribers = .latestLogin
        var back = SimulatorSettings()
        try back.apply(XCTUnwrap(s.json.object))
        XCTAssertEqual(back, s)
        XCTAssertEqual(SimulatorSettings.decimal(2.5), "2.5")
        XCTAssertEqual(SimulatorSettings.decimal(600), "600")
        XCTAssertEqual(SimulatorSettings.decimal(0.1), "0.1")
    }

    func testSettingsErrorsLeaveSettingsUnchanged() {
        var s = SimulatorSettings()
        let before = s
        XCTAssertThrowsError(try s.apply(["sn": "new", "lockout_failures": 0]))
        XCTAssertEqual(s, before)
        XCTAssertThrowsError(try s.apply(["time_scale": 0]))
        XCTAssertThrowsError(try s.apply(["errnos": ["made_up": "1"]])) { e in
            XCTAssertEqual((e as? SimSettingsError)?.message, "unknown simulator setting \"errnos.made_up\"")
        }
        XCTAssertThrowsError(try s.apply(["traffic": ["fail_percent": 101]]))
        XCTAssertEqual(s, before)
    }

    func testEngineControlWithoutSockets() throws {
        let engine = SimulatorEngine(settings: SimulatorSettings(), now: 0, wallClockMs: 1_600_000_000_000)
        func ctl(_ m: String, _ path: String, _ body: String = "") -> (Int, JSONValue) {
            let r = engine.control(method: m, target: path, body: Array(body.utf8), now: 0)
            return (r.status, (try? JSON.parse(r.body)) ?? .null)
        }
        _ = engine.handleAPI(SimAPIRequest(method: "POST", target: "/api/v0.0.1/login", body: loginBody(port: "9")),
                             clientIP: "127.0.0.1", now: 0)
        let (status, call) = ctl("POST", "/sim/calls", #"{"type":"internal","from":"101","to":"102","answer_after_ms":0}"#)
        XCTAssertEqual(status, 200)
        engine.advance(now: 0)
        XCTAssertEqual(engine.outbox.pendingCount, 6)
        let attempts = engine.dueAttempts(now: 0)
        XCTAssertEqual(attempts.count, 1, "one report in flight per destination")
        XCTAssertTrue(text(engine.requestBytes(attempts[0])).hasPrefix("POST  HTTP/1.1\r\nHost:127.0.0.1\r\n"))
        engine.attemptWritten(attempts[0], now: 0)
        engine.finish(attempts[0], outcome: .acknowledged, now: 0)
        XCTAssertEqual(engine.outbox.pendingCount, 5)

        XCTAssertEqual(ctl("POST", "/sim/silent", #"{"on":true,"mode":"close"}"#).0, 200)
        XCTAssertTrue(engine.dueAttempts(now: 0).isEmpty, "a silent PBX pushes nothing")
        XCTAssertEqual(ctl("POST", "/sim/silent", #"{"on":false}"#).0, 200)
        XCTAssertEqual(engine.dueAttempts(now: 0).count, 1)

        let id = String(call["id"]?.int64 ?? 0)
        XCTAssertEqual(ctl("GET", "/sim/calls/" + id).1["state"], "talking")
        XCTAssertEqual(ctl("POST", "/sim/reboot").1["bootup_reports"], .int(1))
        XCTAssertEqual(engine.outbox.pendingCount, 1, "a reboot forgets the queue; only BootUp waits")
        XCTAssertEqual(ctl("GET", "/sim/calls/" + id).1["outcome"], "reboot")
        let state = ctl("GET", "/sim/state").1
        XCTAssertEqual(state["counters"]?["reboots"], .int(1))
        XCTAssertEqual(state["tokens"]?.array?.count, 0)
        XCTAssertEqual(state["delivery"]?["acked"], .int(1))
    }
}
