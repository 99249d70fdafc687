import CSystem
import CallModel
import EventLoop
import HTTP
import JSON
import PBX

/// `ucagent selftest [--dir DIR]` (hidden): exercises the product code paths where a 32-bit
/// `Int`, `time_t` or `off_t` would truncate, and prints one PASS/FAIL/SKIP line per check.
/// It exists for the armv7/armv5 builds, run under qemu in CI (cross/e2e-qemu.sh); the host test
/// suite runs it too (AgentTests). What it covers, honestly:
///
/// - the C target's `time_t`/`off_t` widths (the `-D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64` flags);
/// - the clocks (`csys_realtime_ms`, `EventLoop.nowMs`) returning more than 32 bits of milliseconds;
/// - log/API timestamps past 2038-01-19 and 2106-02-07 (`TimeFormat`, `HTTPDate`);
/// - call ids past 2^32 through the call table, the id lookup and the API JSON;
/// - `/v1/health` counters incremented across 2^31 and 2^32 and written exactly;
/// - JSON integers past 2^31/2^32/2^53 parsed and written exactly;
/// - HTTP `Content-Length`/chunk sizes past 2^32 refused as too large, never wrapped to small;
/// - config sizes/durations past 2^31 refused with an error, never trapped or wrapped;
/// - a dead-letter file and a `[log] file` grown past 4 GiB (sparse): size read, appended to, rotated.
///
/// Not covered: counters counted up from zero past 2^31 (that takes 2^31 events; they are
/// `Int64` by type, and a 32-bit `Int` counter would not compile here), OpenSSL's own `time_t` use.
public enum SelfTest {
    public struct Check {
        public enum Verdict: Equatable { case pass, fail, skip }
        public var name: String
        public var verdict: Verdict
        public var detail: String
    }

    /// Runs every check; `dir` holds the temporary large files (removed afterwards).
    public static func run(dir: String) -> [Check] {
        var out: [Check] = []
        func check(_ name: String, _ ok: Bool, _ detail: String) {
            out.append(Check(name: name, verdict: ok ? .pass : .fail, detail: detail))
        }
        func skip(_ name: String, _ detail: String) { out.append(Check(name: name, verdict: .skip, detail: detail)) }

        // C widths.
        check("c-time_t-64", csys_time_t_bits() == 64, "time_t is " + String(csys_time_t_bits()) + " bits")
        check("c-off_t-64", csys_off_t_bits() == 64, "off_t is " + String(csys_off_t_bits()) + " bits")

        // Clocks: realtime is after 2020 (> 2^40 ms) and monotonic counts in Int64.
        let now = csys_realtime_ms()
        check("clock-realtime-ms", now > 1_577_836_800_000, "realtime " + String(now) + " ms")
        let mono = csys_monotonic_ms()
        check("clock-monotonic-ms", mono > 0, "monotonic " + String(mono) + " ms")

        // Timestamps past 2038 and 2106.
        let t2038: Int64 = 2_147_483_648_000              // 2^31 s
        let t2106: Int64 = 4_294_967_296_000              // 2^32 s
        check("iso8601-2038", TimeFormat.iso8601(ms: t2038) == "2038-01-19T03:14:08.000Z", TimeFormat.iso8601(ms: t2038))
        check("iso8601-2106", TimeFormat.iso8601(ms: t2106 + 123) == "2106-02-07T06:28:16.123Z", TimeFormat.iso8601(ms: t2106 + 123))
        let parsed = TimeFormat.parseISO8601("2106-02-07T06:28:16.123Z")
        check("iso8601-parse-2106", parsed == t2106 + 123, "parsed " + (parsed.map { String($0) } ?? "nil"))
        check("http-date-2038", HTTPDate.format(epochMs: t2038) == "Tue, 19 Jan 2038 03:14:08 GMT", HTTPDate.format(epochMs: t2038))
        check("http-date-2106", HTTPDate.format(epochMs: t2106) == "Sun, 07 Feb 2106 06:28:16 GMT", HTTPDate.format(epochMs: t2106))

        callTableChecks(check)
        counterChecks(check)
        jsonChecks(check)
        httpChecks(check)
        configChecks(check)
        largeFileChecks(dir: dir, check, skip)
        return out
    }

    /// Counters one increment across 2^31 and 2^32 (and 2^53), written as `/v1/health` writes them.
    static func counterChecks(_ check: (String, Bool, String) -> Void) {
        var session = PBXSessionCounters()
        var reports = ReportListenerCounters()
        var agent = AgentCounters()
        session.heartbeatsOK = 2_147_483_647
        session.heartbeatsOK += 1
        reports.received = 4_294_967_295
        reports.received += 2
        agent.hangupRequests = 9_007_199_254_740_992
        agent.hangupRequests += 1
        let text = JSON.serializeString(.object(AgentHealth.counters(session: session, table: CallTableCounters(),
                                                                     reports: reports, agent: agent)))
        check("health-counter-past-2^31", contains(text, "\"heartbeats_ok\":2147483648"), text)
        check("health-counter-past-2^32", contains(text, "\"reports_received\":4294967297"), text)
        check("health-counter-past-2^53", contains(text, "\"hangup_requests\":9007199254740993"), text)
    }

    /// A call whose agent id is past 2^32, started in 2100, answered and ended a minute later.
    static func callTableChecks(_ check: (String, Bool, String) -> Void) {
        let firstID: Int64 = 5_000_000_000
        let start: Int64 = 4_102_444_800_000              // 2100-01-01T00:00:00Z
        var table = CallTable(firstID: firstID)
        let normaliser = ReportNormaliser()
        func report(_ text: String) -> Report? {
            if case .report(let r) = normaliser.normalise(body: Array(text.utf8)) { return r }
            return nil
        }
        guard let alert = report(#"{"action":"ALERT","callid":"4102444800.1","inbound":{"from":"0551234","to":"101","trunk":"t1","inboundid":"4102444800.1"},"sn":"x"}"#),
              let answer = report(#"{"action":"ANSWER","callid":"4102444800.1","ext":{"extid":"101"},"inbound":{"from":"0551234","to":"101","trunk":"t1","inboundid":"4102444800.1"},"sn":"x"}"#)
        else {
            check("calltable-id-past-2^32", false, "the normaliser refused the test reports")
            return
        }
        _ = table.apply(alert, now: start)
        _ = table.apply(answer, now: start + 61_000)
        guard let call = table.call(matching: "5000000000") else {
            check("calltable-id-past-2^32", false, "no call with id 5000000000; ids: " + table.calls.map { $0.id.description }.joined(separator: ","))
            return
        }
        check("calltable-id-past-2^32", call.id.value == firstID, "id " + call.id.description)
        let text = JSON.serializeString(CallJSON.call(call, now: start + 3_661_000))
        // Details: the fragment checked, or the whole call object when it is missing.
        func fragment(_ name: String, _ parts: [String]) {
            var ok = true
            for p in parts where !contains(text, p) { ok = false }
            check(name, ok, ok ? parts.joined(separator: " ") : text)
        }
        fragment("calljson-id", [#""id":5000000000,"#])
        fragment("calljson-started-2100", [#""started_at":"2100-01-01T00:00:00.000Z""#])
        fragment("calljson-durations", [#""duration_s":3661,"#, #""talk_s":3600,"#])
    }

    static func jsonChecks(_ check: (String, Bool, String) -> Void) {
        let text = "[2147483648,4294967296,9007199254740993,9223372036854775807,-9223372036854775808]"
        let want: [Int64] = [2_147_483_648, 4_294_967_296, 9_007_199_254_740_993, Int64.max, Int64.min]
        do throws(JSONError) {
            let v = try JSON.parse(text)
            let got = (v.array ?? []).map { $0.int64 }
            check("json-int64-parse", got == want.map { Optional($0) }, JSON.serializeString(v))
            check("json-int64-write", JSON.serializeString(.array(want.map { .int($0) })) == text,
                  JSON.serializeString(.array(want.map { .int($0) })))
        } catch {
            check("json-int64-parse", false, error.message)
        }
    }

    /// Sizes past 2^32 must be refused as too large: wrapped to 32 bits they would be 100.
    static func httpChecks(_ check: (String, Bool, String) -> Void) {
        func decode(_ head: String) -> String {
            var decoder = HTTPRequestDecoder(limits: HTTPLimits(maxBodyBytes: 1024))
            let bytes = Array(head.utf8) + [UInt8](repeating: 0x41, count: 200)
            var index = 0
            do throws(HTTPError) {
                if let r = try decoder.decode(bytes, from: &index) { return "accepted a " + String(r.body.count) + "-byte body" }
                return "waiting for more"
            } catch {
                if case .bodyTooLarge = error { return "too large" }
                return "error: " + error.message
            }
        }
        let length = decode("POST /r HTTP/1.1\r\nHost: a\r\nContent-Length: 4294967396\r\n\r\n")
        check("http-content-length-2^32+100", length == "too large", length)
        let length31 = decode("POST /r HTTP/1.1\r\nHost: a\r\nContent-Length: 2147483748\r\n\r\n")
        check("http-content-length-2^31+100", length31 == "too large", length31)
        let chunk = decode("POST /r HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n100000064\r\n")
        check("http-chunk-size-2^32+100", chunk == "too large" || chunk.hasPrefix("error"), chunk)
    }

    static func configChecks(_ check: (String, Bool, String) -> Void) {
        func parse(_ extra: String, _ section: String) -> Result<AgentConfig, ConfigError> {
            AgentConfig.parse(text: "[pbx]\nurl = http://192.168.1.10:9011\nusername = api\npassword = x\n" + section + extra + "\n", file: "selftest.conf")
        }
        func refused(_ r: Result<AgentConfig, ConfigError>) -> (Bool, String) {
            switch r {
            case .success: return (false, "accepted")
            case .failure(let e): return (true, e.description)
            }
        }
        let (bigSize, sizeText) = refused(parse("dead_letter_max = 4294967396", "[reports]\n"))
        check("config-size-2^32+100-refused", bigSize, sizeText)
        let (bigMiB, mibText) = refused(parse("dead_letter_max = 8192MiB", "[reports]\n"))
        check("config-size-8GiB-refused", bigMiB, mibText)
        let (bigTime, timeText) = refused(parse("ended_retention = 2147484s", "[calls]\n"))
        check("config-duration-2^31ms-refused", bigTime, timeText)
        switch parse("dead_letter_max = 256MiB", "[reports]\n") {
        case .success(let c): check("config-size-256MiB", c.reports.deadLetterMaxBytes == 268_435_456, String(c.reports.deadLetterMaxBytes))
        case .failure(let e): check("config-size-256MiB", false, e.description)
        }
    }

    /// A sparse dead-letter file of 4 GiB + 100 bytes: its size is read right, a record is
    /// appended after it, and a smaller cap rotates it to `.1`.
    static func largeFileChecks(dir: String, _ check: (String, Bool, String) -> Void, _ skip: (String, String) -> Void) {
        let big: Int64 = 4_294_967_396
        let path = dir + "/ucagent-selftest-" + String(csys_getpid()) + ".jsonl"
        defer { _ = csys_unlink(path); _ = csys_unlink(path + ".1") }
        let made = csys_truncate(path, big, 0o600)
        // EOVERFLOW/EFBIG are the 32-bit off_t limit itself (a build without
        // -D_FILE_OFFSET_BITS=64): a failure. Anything else (no such directory, a file system
        // without sparse files) only means the check could not run here.
        if made == -EOVERFLOW || made == -EFBIG {
            check("deadletter-past-4GiB", false, "a 4 GiB file is out of reach: " + String(cString: csys_strerror(made)))
            return
        }
        guard made == 0 else {
            skip("deadletter-past-4GiB", "cannot make a sparse 4 GiB file in " + dir + ": " + String(cString: csys_strerror(made)))
            return
        }
        check("file-size-past-4GiB", csys_file_size(path) == big, "size " + String(csys_file_size(path)))
        var keep = DeadLetterFile(path: path, maxBytes: 8 * big)
        let appended = keep.append(atISO: "2106-02-07T06:28:16.000Z", peer: "127.0.0.1", reason: "selftest", body: Array("{}".utf8))
        let grown = csys_file_size(path)
        check("deadletter-append-past-4GiB", appended && grown > big && grown < big + 4096,
              (keep.lastError ?? "appended") + ", size " + String(grown))
        var rotate = DeadLetterFile(path: path, maxBytes: 1 << 20)
        let rotated = rotate.append(atISO: "2106-02-07T06:28:16.000Z", peer: "127.0.0.1", reason: "selftest", body: Array("{}".utf8))
        let old = csys_file_size(path + ".1"), fresh = csys_file_size(path)
        check("deadletter-rotate-past-4GiB", rotated && old == grown && fresh > 0 && fresh < 4096,
              ".1 is " + String(old) + " bytes, new file " + String(fresh))

        // The same for the rotating log file ([log] file).
        let logPath = dir + "/ucagent-selftest-" + String(csys_getpid()) + ".log"
        defer { _ = csys_unlink(logPath); _ = csys_unlink(logPath + ".1") }
        guard csys_truncate(logPath, big, 0o600) == 0 else {
            skip("logfile-past-4GiB", "cannot make a sparse 4 GiB file in " + dir)
            return
        }
        let keepLog = RotatingFile(path: logPath, maxBytes: 8 * big)
        keepLog.write(line: "2106-02-07T06:28:16.000Z info selftest: appended past 4 GiB")
        let logSize = csys_file_size(logPath)
        check("logfile-append-past-4GiB", keepLog.failures == 0 && keepLog.size == logSize && logSize > big && logSize < big + 4096,
              (keepLog.lastError ?? "appended") + ", size " + String(logSize) + ", tracked " + String(keepLog.size))
        keepLog.close()
        let rotateLog = RotatingFile(path: logPath, maxBytes: 1 << 20)
        rotateLog.write(line: "2106-02-07T06:28:16.000Z info selftest: rotated")
        let logOld = csys_file_size(logPath + ".1"), logFresh = csys_file_size(logPath)
        check("logfile-rotate-past-4GiB", rotateLog.failures == 0 && rotateLog.rotations == 1 && logOld == logSize && logFresh > 0 && logFresh < 4096,
              (rotateLog.lastError ?? "rotated") + ": .1 is " + String(logOld) + " bytes, new file " + String(logFresh))
    }

    /// Substring search on UTF-8 bytes (`String.contains(String)` is not in Embedded Swift).
    static func contains(_ text: String, _ part: String) -> Bool {
        let t = Array(text.utf8), p = Array(part.utf8)
        guard !p.isEmpty else { return true }
        guard t.count >= p.count else { return false }
        for start in 0...(t.count - p.count) where t[start] == p[0] {
            var i = 1
            while i < p.count && t[start + i] == p[i] { i += 1 }
            if i == p.count { return true }
        }
        return false
    }

    /// Prints the checks and a summary; 0 when none failed.
    public static func main(_ args: [String]) -> Int32 {
        var dir = "/tmp"
        if let i = args.firstIndex(of: "--dir"), i + 1 < args.count { dir = args[i + 1] }
        let checks = run(dir: dir)
        var passed = 0, failed = 0, skipped = 0
        for c in checks {
            let word: String
            switch c.verdict {
            case .pass: word = "PASS"; passed += 1
            case .fail: word = "FAIL"; failed += 1
            case .skip: word = "SKIP"; skipped += 1
            }
            Output.out("selftest: " + word + " " + c.name + ": " + c.detail + "\n")
        }
        Output.out("selftest (" + BuildInfo.arch + "): " + String(passed) + " passed, " + String(failed) + " failed, "
            + String(skipped) + " skipped\n")
        return failed == 0 ? 0 : 1
    }
}
