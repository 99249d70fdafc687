import CSystem
import EventLoop

/// `ucagent run` and `ucagent check-config`.
public enum AgentCommands {
    public static let defaultConfigPath = "/etc/ucagent/ucagent.conf"
    /// A config larger than this is not a config (the parser's own limit is 64 KiB).
    static let maxConfigBytes = 1 << 20

    static func configPath(_ args: [String]) -> String? {
        var i = 0
        while i < args.count {
            if args[i] == "-c" || args[i] == "--config" {
                return i + 1 < args.count ? args[i + 1] : nil
            }
            i += 1
        }
        return defaultConfigPath
    }

    /// Reads and parses a config file; errors name the file, line and key.
    public static func load(path: String) -> Result<AgentConfig, ConfigError> {
        switch FileBytes.read(path: path, limit: maxConfigBytes) {
        case .failure(let e):
            return .failure(ConfigError(file: path, line: 0, key: nil, message: "cannot read: " + e.message))
        case .success(let bytes):
            return AgentConfig.parse(bytes: bytes, file: path)
        }
    }

    public static func checkConfig(_ args: [String]) -> Int32 {
        guard let path = configPath(args) else { Output.err("ucagent check-config: -c needs a path\n"); return 2 }
        switch load(path: path) {
        case .failure(let e):
            Output.err(e.description + "\n")
            return 1
        case .success(let config):
            Output.out(config.effectiveText())
            return 0
        }
    }

    /// The time scale for tests (`UCAGENT_TIME_SCALE`): speeds up the session's clock.
    static func timeScale() -> Int64 {
        guard let p = csys_getenv("UCAGENT_TIME_SCALE"), let v = Int64(String(cString: p)), v >= 1, v <= 10_000 else { return 1 }
        return v
    }

    public static func run(_ args: [String]) -> Int32 {
        guard let path = configPath(args) else { Output.err("ucagent run: -c needs a path\n"); return 2 }
        let config: AgentConfig
        switch load(path: path) {
        case .failure(let e): Output.err(e.description + "\n"); return 1
        case .success(let c): config = c
        }
        var log = Logger(level: LogLevel(name: config.log.level.description) ?? .info)
        let loop: EventLoop
        do { loop = try EventLoop() } catch { Output.err("ucagent: " + error.message + "\n"); return 1 }
        log.clock = { loop.wallClockMs() }
        if let path = config.log.file {
            let file = RotatingFile(path: path, maxBytes: config.log.fileMaxBytes)
            if let problem = file.open() {
                Output.err("ucagent: [log] file: " + problem + "; logging to stderr, retrying the file on every line\n")
            }
            log.file = file
        }
        return serve(loop: loop, config: config, log: log, onStart: { _ in })
    }

    /// Runs an agent on `loop` until SIGTERM/SIGINT, then logs out and returns the exit code.
    public static func serve(loop: EventLoop, config: AgentConfig, log: Logger, onStart: (Agent) -> Void) -> Int32 {
        let agent: Agent
        do {
            agent = try Agent(loop: loop, config: config, log: log, timeScale: timeScale())
            try agent.start()
        } catch {
            log.error("agent", error.message)
            return 1
        }
        var stopping = false
        do {
            try loop.onSignals([SIGTERM, SIGINT]) { signo in
                if stopping { return }
                stopping = true
                log.info("agent", (signo == SIGTERM ? "SIGTERM" : "SIGINT") + ": logging out of the PBX")
                agent.shutdown { loop.stop() }
            }
        } catch {
            log.error("agent", "signals: " + error.message)
            return 1
        }
        let reports = agent.reports.localAddress.description
        let api = agent.api?.localAddress.description ?? "-"
        log.info("agent", "ucagent " + BuildInfo.version + " (" + BuildInfo.flavour + ") listening reports=" + reports + " api=" + api)
        onStart(agent)
        loop.run()
        return 0
    }
}
