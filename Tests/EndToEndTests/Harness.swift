import Foundation
import XCTest

/// Runs the real `ucagent` binary (`UCAGENT_BIN`, or the host build's `.build/debug/ucagent`)
/// as a simulator and as an agent, over loopback, and talks to both with curl.
///
/// Under emulation (cross/e2e-qemu.sh): `UCAGENT_RUNNER` is a command prefix for the AGENT only,
/// e.g. `qemu-arm-static -cpu cortex-a7`; the simulator then runs natively from `UCAGENT_SIM_BIN`
/// (default: the agent binary). `UCAGENT_TIMEOUT_SCALE` (default 4 with a runner, else 1)
/// multiplies the harness's waiting limits (startup, `eventually`, exit), never what a test
/// asserts about the agent's own timing.
final class Harness {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The agent binary under test.
    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["UCAGENT_BIN"], !b.isEmpty { return b }
        var dir = URL(fileURLWithPath: #filePath)
        while dir.path != "/" {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent(".build/debug/ucagent").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "ucagent"
    }

    /// The simulator binary: native even when the agent is emulated.
    static var simulatorBinary: String {
        if let b = environment["UCAGENT_SIM_BIN"], !b.isEmpty { return b }
        return binary
    }

    /// The emulator prefix for the agent, split on spaces; empty when the agent runs natively.
    static var runner: [String] {
        (environment["UCAGENT_RUNNER"] ?? "").split(separator: " ").map(String.init)
    }

    /// Multiplies waiting limits (never assertions): emulated agents start and answer slower.
    static var timeoutScale: Double {
        if let s = environment["UCAGENT_TIMEOUT_SCALE"], let v = Double(s), v >= 1 { return v }
        return runner.isEmpty ? 1 : 4
    }

    /// The executable and arguments that run the agent binary with `args`: through the runner
    /// when there is one. `/usr/bin/env` execs the emulator in place, so the process id (and the
    /// signals sent to it) are the emulator's, which forwards them to the agent.
    static func agentCommand(_ args: [String]) -> (path: String, arguments: [String]) {
        runner.isEmpty ? (binary, args) : ("/usr/bin/env", runner + [binary] + args)
    }

    /// Starts the agent binary with `args` (through the runner when there is one).
    static func startAgentProcess(_ args: [String], log: URL, environment: [String: String] = [:]) throws -> RunningProcess {
        let c = agentCommand(args)
        return try RunningProcess.start(c.path, c.arguments, log: log, environment: environment)
    }

    /// Runs the agent binary (through the runner) to completion: `version`, `check-config`, `help`.
    static func runAgentCommand(_ args: [String]) -> (status: Int32, out: String, err: String) {
        let c = agentCommand(args)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: c.path)
        p.arguments = c.arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return (-1, "", "\(error)") }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Whether the binary under test has `simulate` and `demo` (the ARM appliance builds do not);
    /// asked once per test run (under qemu each start costs).
    static let binaryHasSimulator: Bool = runAgentCommand(["help"]).out.contains("  demo ")

    let dir: URL
    var sim: RunningProcess?
    var agent: RunningProcess?
    var simAPI = ""
    var simControl = ""
    var agentAPI = ""
    var agentReports = ""

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ucagent-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit {
        agent?.kill()
        sim?.kill()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Starts the simulator; `timeScale` divides every PBX time constant (30-minute token,
    /// 10-minute lockout) so tests cross them in seconds.
    func startSimulator(timeScale: Int = 1, password: String = "secret", extra: [String] = []) throws {
        let p = try RunningProcess.start(Harness.simulatorBinary, ["simulate", "--api", "127.0.0.1:0", "--control", "127.0.0.1:0",
                                                          "--username", "api", "--password", password,
                                                          "--time-scale", String(timeScale), "--extensions", "101-120"] + extra,
                                         log: dir.appendingPathComponent("sim.log"))
        sim = p
        let line = try p.waitForLine(containing: "simulator: api=", timeout: 20 * Harness.timeoutScale)
        simAPI = try Harness.field(line, "api")
        simControl = try Harness.field(line, "control")
    }

    /// Writes a config for the running simulator and starts the agent with it.
    func startAgent(password: String = "secret", extraConfig: String = "", timeScale: Int = 1,
                    reconcileInterval: String = "1s", hangupConfirmTimeout: String = "3s", reportsExtra: String = "",
                    pbxURL: String? = nil, pbxExtra: String = "",
                    environment: [String: String] = [:]) throws {
        let conf = """
        [agent]
        state_dir = \(dir.path)/state

        [pbx]
        url = \(pbxURL ?? "http://" + simAPI)
        username = api
        password = \(password)
        heartbeat_interval = 5s
        reconcile_interval = \(reconcileInterval)
        request_timeout = 2s
        \(pbxExtra)

        [reports]
        listen = 127.0.0.1:0
        allow = 127.0.0.1
        \(reportsExtra)

        [api]
        listen = 127.0.0.1:0
        hangup_confirm_timeout = \(hangupConfirmTimeout)

        [log]
        level = debug
        \(extraConfig)
        """
        let path = dir.appendingPathComponent("ucagent.conf")
        try conf.write(to: path, atomically: true, encoding: .utf8)
        var env = environment
        if timeScale != 1 { env["UCAGENT_TIME_SCALE"] = String(timeScale) }
        let p = try Harness.startAgentProcess(["run", "-c", path.path],
                                              log: dir.appendingPathComponent("agent.log"), environment: env)
        agent = p
        let line = try p.waitForLine(containing: "listening reports=", timeout: 20 * Harness.timeoutScale)
        agentAPI = try Harness.field(line, "api")
        agentReports = try Harness.field(line, "reports")
    }

    static func field(_ line: String, _ name: String) throws -> String {
        for word in line.split(separator: " ") where word.hasPrefix(name + "=") {
            return String(word.dropFirst(name.count + 1))
        }
        throw HarnessError.missing("\(name)= in line: \(line)")
    }

    // MARK: HTTP through curl (a real third-party client)

    struct Reply {
        let status: Int
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func curl(_ method: String, _ url: String, body: String? = nil, timeout: Double = 15) -> Reply {
        var args = ["-s", "-S", "-X", method, "--max-time", String(timeout * Harness.timeoutScale), "-w", "\n%{http_code}"]
        if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
        args.append(url)
        let out = RunningProcess.capture("/usr/bin/curl", args)
        let text = String(decoding: out, as: UTF8.self)
        guard let nl = text.lastIndex(of: "\n") else { return Reply(status: 0, body: Data()) }
        let code = Int(text[text.index(after: nl)...]) ?? 0
        return Reply(status: code, body: Data(text[..<nl].utf8))
    }

    func api(_ method: String, _ path: String, body: String? = nil) -> Reply {
        curl(method, "http://\(agentAPI)\(path)", body: body)
    }

    func control(_ method: String, _ path: String, body: String? = nil) -> Reply {
        curl(method, "http://\(simControl)\(path)", body: body)
    }

    func simState() -> [String: Any] { control("GET", "/sim/state").json }

    var stateDir: URL { dir.appendingPathComponent("state") }

    /// Sends raw bytes to the report listener with Python's socket module; returns the status
    /// line of the answer, or "closed".
    func rawReport(_ bytes: Data, mode: String = "send", source: String? = nil, stall: Double = 0) throws -> String {
        let file = dir.appendingPathComponent("raw-\(UUID().uuidString)")
        try bytes.write(to: file)
        var args = [Harness.supportFile("rawreport.py"), agentReports, mode, "--file", file.path]
        if let source { args += ["--source", source] }
        if stall > 0 { args += ["--stall", String(stall)] }
        let out = RunningProcess.capture("/usr/bin/env", ["python3"] + args)
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func supportFile(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/\(name)").path
    }

    /// The captured OpenVox payloads (`../shared/reference/pbx-payloads` beside the repo).
    static func payload(_ name: String) -> URL? {
        var dir = URL(fileURLWithPath: #filePath)
        while dir.path != "/" {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent("shared/reference/pbx-payloads/\(name)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    func agentCounter(_ name: String) -> Int {
        ((api("GET", "/v1/health").json["counters"] as? [String: Any])?[name] as? Int) ?? -1
    }

    /// Polls until `condition` holds; fails the test with `what` after `timeout` seconds.
    @discardableResult
    func eventually(_ what: String, timeout: Double = 15, file: StaticString = #filePath, line: UInt = #line,
                    _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout * Harness.timeoutScale)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("timed out waiting for: \(what)\n--- agent log tail:\n\(agent?.tail() ?? "")\n--- sim log tail:\n\(sim?.tail() ?? "")",
                file: file, line: line)
        return false
    }

    func liveCalls(state: String = "all") -> [[String: Any]] {
        api("GET", "/v1/calls?state=\(state)").json["calls"] as? [[String: Any]] ?? []
    }
}

enum HarnessError: Error { case missing(String), timeout(String) }

/// A child process whose stdout+stderr go to a log file that tests can search.
final class RunningProcess {
    let process = Process()
    let log: URL

    init(log: URL) { self.log = log }

    static func start(_ path: String, _ args: [String], log: URL, environment: [String: String] = [:]) throws -> RunningProcess {
        let p = RunningProcess(log: log)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.process.executableURL = URL(fileURLWithPath: path)
        p.process.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.process.environment = env
        p.process.standardOutput = handle
        p.process.standardError = handle
        try p.process.run()
        return p
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func tail(_ n: Int = 40) -> String { output.split(separator: "\n").suffix(n).joined(separator: "\n") }

    func waitForLine(containing needle: String, timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for line in output.split(separator: "\n") where line.contains(needle) { return String(line) }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessError.timeout("no line containing '\(needle)'; output:\n\(output)")
    }

    func signal(_ sig: Int32) { if process.isRunning { Foundation.kill(process.processIdentifier, sig) } }

    /// Waits for exit; returns the exit status, or nil on timeout.
    func waitExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func kill() {
        guard process.isRunning else { return }
        signal(SIGKILL)
        process.waitUntilExit()
    }

    static func capture(_ path: String, _ args: [String]) -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return Data() }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }
}
