#if !UCAGENT_NO_SIMULATOR
import Agent
import CallModel
import EventLoop
import Simulator

/// `ucagent demo`: the simulator and the agent on one loop, with generated calls, one line per
/// call event, and the curl commands to list and drop calls. Ctrl-C logs out cleanly.
enum Demo {
    static let password = "demo"

    static func config(pbx: SocketAddress, reports: UInt16, api: UInt16) -> String {
        """
        [agent]
        state_dir = /tmp/ucagent-demo

        [pbx]
        url = http://\(pbx.description)
        username = api
        password = \(password)
        heartbeat_interval = 60s
        reconcile_interval = 5s

        [reports]
        listen = 127.0.0.1:\(String(reports))
        allow = 127.0.0.1

        [api]
        listen = 127.0.0.1:\(String(api))

        [log]
        level = warn
        """
    }

    static func run(_ args: [String]) -> Int32 {
        let loop: EventLoop
        do { loop = try EventLoop() } catch { Output.err("ucagent demo: " + error.message + "\n"); return 1 }
        var log = Logger(level: .warn)
        log.clock = { loop.wallClockMs() }

        var settings = SimulatorSettings()
        settings.password = password
        settings.extensions = SimulatorSettings.extensionRange(101, 110)
        settings.traffic.ratePerMinute = 6
        settings.traffic.meanDurationMs = 40_000
        settings.traffic.answerDelayMinMs = 2_000
        settings.traffic.answerDelayMaxMs = 6_000
        // The well-known ports when they are free, any free port otherwise.
        var sim: Simulator?
        for (api, control) in [(9011, 9012), (0, 0)] as [(UInt16, UInt16)] {
            do {
                let s = try Simulator(loop: loop, settings: settings, api: SocketAddress(ip: "127.0.0.1", port: api),
                                      control: SocketAddress(ip: "127.0.0.1", port: control), logger: log)
                try s.start()
                sim = s
                break
            } catch {
                continue
            }
        }
        guard let sim, let pbxAddress = sim.apiAddress else {
            Output.err("ucagent demo: the simulator could not listen on 127.0.0.1\n")
            return 1
        }
        for (reports, api) in [(8260, 8261), (0, 0)] as [(UInt16, UInt16)] {
            guard case .success(let config) = AgentConfig.parse(text: Demo.config(pbx: pbxAddress, reports: reports, api: api),
                                                                file: "<demo config>") else { continue }
            if Demo.canBind(reports) && Demo.canBind(api) || reports == 0 {
                return AgentCommands.serve(loop: loop, config: config, log: log) { agent in
                    agent.onCallEvent = { event in Output.out(Demo.line(event, now: loop.wallClockMs())) }
                    let base = "http://" + (agent.api?.localAddress.description ?? "")
                    Output.out("""
                    ucagent demo: a simulated OpenVox UC PBX on \(pbxAddress.description) (control \(sim.controlAddress?.description ?? "-")) \
                    and the agent (reports \(agent.reports.localAddress.description), API \(base)).
                    Calls come and go every few seconds. In another terminal:
                      curl -s \(base)/v1/calls                  # live calls
                      curl -s -X DELETE \(base)/v1/calls/ID     # drop one (ID from the list)
                      curl -s \(base)/v1/health                 # session and table state
                    Ctrl-C stops (the agent logs out of the PBX first).

                    """)
                }
            }
        }
        Output.err("ucagent demo: could not start the agent\n")
        return 1
    }

    static func canBind(_ port: UInt16) -> Bool {
        guard let loop = try? EventLoop(), let address = SocketAddress(ip: "127.0.0.1", port: port) else { return false }
        defer { loop.close() }
        guard let listener = try? TCPListener(loop: loop, address: address, onAccept: { _ in }) else { return false }
        listener.close()
        return true
    }

    static func line(_ e: CallEvent, now: Int64) -> String {
        let c = e.call
        let time = TimeFormat.iso8601(ms: now)
        let clock = time.count >= 19 ? String(time.dropFirst(11).prefix(8)) : time
        var s = clock + "  call " + String(c.id.value) + "  " + e.kind.description + "  " + c.direction.description
        s += "  " + (c.caller.isEmpty ? "?" : c.caller) + " -> " + (c.callee.isEmpty ? "?" : c.callee)
        if let t = c.trunk { s += "  trunk " + t }
        if e.kind == .ended, let r = c.endReason { s += "  (" + r.detail + ")" }
        return s + "\n"
    }
}
#endif
