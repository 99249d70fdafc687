import CSystem
import Crypto
import EventLoop
import JSON

/// Command-line options of `ucagent simulate`.
public struct SimulatorOptions: Equatable {
    public var settings = SimulatorSettings()
    public var api = "127.0.0.1:9011"
    /// nil: no control API (`--control off`).
    public var control: String? = "127.0.0.1:9012"
    public var logLevel = LogLevel.info
    public var seedGiven = false
    public var help = false

    public init() {}

    public static let usage = """
    usage: ucagent simulate [options]

      --api HOST:PORT          PBX API listen address (default 127.0.0.1:9011; port 0 = any)
      --control HOST:PORT|off  control API for tests and the demo (default 127.0.0.1:9012)
      --username NAME          API user (default api)
      --password TEXT          API password, clear text (default secret)
      --time-scale N           simulated ms per real ms (default 1; 600 makes 30 min = 3 s)
      --rate N                 generated calls per simulated minute (default 0 = none)
      --mean-duration DUR      mean talk time of generated calls (default 60s)
      --extensions LIST        extensions, e.g. 101-120 or 101,102,200-209 (default 101-120)
      --seed N                 seed of every random choice (default: random)
      --shape NAME             report shape: openvox, yeastar-1.0.2, legacy (default openvox)
      --sn SERIAL              serial number in reports and deviceinfo (default a09805021987)
      --settings JSON          any settings object, as for POST /sim/settings
      --log-level LEVEL        error, warn, info, debug (default info)

    Prints one line when listening: simulator: api=HOST:PORT control=HOST:PORT

    """

    /// Parses the arguments after `simulate`.
    public static func parse(_ args: [String]) throws(SimulatorError) -> SimulatorOptions {
        var o = SimulatorOptions()
        var settingsJSON: [String] = []
        var i = 0
        func value(_ flag: String) throws(SimulatorError) -> String {
            guard i + 1 < args.count else { throw .usage(flag + " needs a value") }
            i += 1
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--api": o.api = try value(a)
            case "--control":
                let v = try value(a)
                o.control = v == "off" || v == "none" ? nil : v
            case "--username": o.settings.username = try value(a)
            case "--password": o.settings.password = try value(a)
            case "--time-scale":
                let v = try value(a)
                guard let n = JSONNumber(text: v)?.double, n > 0 else { throw .usage("--time-scale must be a number above 0") }
                o.settings.timeScale = n
            case "--rate":
                let v = try value(a)
                guard let n = JSONNumber(text: v)?.double, n >= 0 else { throw .usage("--rate must be calls per minute, 0 or more") }
                o.settings.traffic.ratePerMinute = n
            case "--mean-duration":
                let v = try value(a)
                guard let d = SimDuration.parse(v), d > 0 else { throw .usage("--mean-duration must be a duration like 60s") }
                o.settings.traffic.meanDurationMs = d
            case "--extensions":
                let v = try value(a)
                guard let l = SimExtensionList.parse(v) else { throw .usage("--extensions must look like 101-120 or 101,102") }
                o.settings.extensions = l
            case "--seed":
                let v = try value(a)
                guard let n = JSONNumber(text: v)?.int64, n >= 0 else { throw .usage("--seed must be a non-negative integer") }
                o.settings.seed = UInt64(n)
                o.seedGiven = true
            case "--shape":
                let v = try value(a)
                guard let s = SimReportShape(name: v) else { throw .usage("--shape must be openvox, yeastar-1.0.2 or legacy") }
                o.settings.shape = s
            case "--sn": o.settings.sn = try value(a)
            case "--settings": settingsJSON.append(try value(a))
            case "--log-level":
                let v = try value(a)
                guard let l = LogLevel(name: v) else { throw .usage("--log-level must be error, warn, info or debug") }
                o.logLevel = l
            case "--help", "-h": o.help = true
            default: throw .usage("unknown option " + a)
            }
            i += 1
        }
        for text in settingsJSON {
            guard let v = try? JSON.parse(text), case .object(let obj) = v else { throw .usage("--settings must be a JSON object") }
            do throws(SimSettingsError) {
                try o.settings.apply(obj)
            } catch {
                throw .usage(error.message)
            }
            if obj["seed"] != nil { o.seedGiven = true }
        }
        return o
    }
}

/// `ucagent simulate ...`: runs the simulator until SIGINT or SIGTERM. Returns the exit code.
public func runSimulator(arguments: [String]) -> Int32 {
    var options: SimulatorOptions
    do throws(SimulatorError) {
        options = try SimulatorOptions.parse(arguments)
    } catch {
        writeErr(error.message + "\n" + SimulatorOptions.usage)
        return 2
    }
    if options.help {
        writeOut(SimulatorOptions.usage)
        return 0
    }
    if !options.seedGiven {
        var seed: UInt64 = 0
        if let bytes = try? randomBytes(count: 8) {
            for b in bytes { seed = seed << 8 | UInt64(b) }
        }
        options.settings.seed = seed
    }
    guard let apiAddress = SocketAddress.parse(options.api) else {
        writeErr("simulate: --api must be a numeric HOST:PORT, e.g. 127.0.0.1:9011\n")
        return 2
    }
    var controlAddress: SocketAddress? = nil
    if let c = options.control {
        guard let a = SocketAddress.parse(c) else {
            writeErr("simulate: --control must be a numeric HOST:PORT or off\n")
            return 2
        }
        controlAddress = a
    }
    let loop: EventLoop
    do throws(SystemError) {
        loop = try EventLoop()
    } catch {
        writeErr("simulate: " + error.message + "\n")
        return 1
    }
    let sim: Simulator
    do throws(SimulatorError) {
        sim = try Simulator(loop: loop, settings: options.settings, api: apiAddress, control: controlAddress,
                            controlEnabled: controlAddress != nil, logger: Logger(level: options.logLevel))
        try sim.start()
    } catch {
        writeErr(error.message + "\n")
        return 1
    }
    do throws(SystemError) {
        try loop.onSignals([2, 15]) { _ in loop.stop() }  // SIGINT, SIGTERM
    } catch {
        writeErr("simulate: " + error.message + "\n")
        sim.stop()
        return 1
    }
    writeOut(sim.startupLine + "\n")
    loop.run()
    sim.stop()
    if let f = loop.failure {
        writeErr("simulate: " + f.message + "\n")
        return 1
    }
    return 0
}

/// Unbuffered: the startup line must reach a pipe or file at once (tests wait for it).
func writeOut(_ s: String) {
    var bytes = Array(s.utf8)
    bytes.withUnsafeMutableBytes { raw in
        if let base = raw.baseAddress { csys_write_stdout(base.assumingMemoryBound(to: CChar.self), UInt(raw.count)) }
    }
}

func writeErr(_ s: String) {
    var bytes = Array(s.utf8)
    bytes.withUnsafeMutableBytes { raw in
        if let base = raw.baseAddress { csys_write_stderr(base.assumingMemoryBound(to: CChar.self), UInt(raw.count)) }
    }
}
