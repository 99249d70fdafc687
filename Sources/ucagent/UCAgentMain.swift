import Agent
import CSystem
#if !UCAGENT_NO_SIMULATOR
import Simulator
#endif

@main
struct UCAgentMain {
    static func main() {
        let args = programArguments()
        let command = args.count > 1 ? args[1] : "help"
        let rest = Array(args.dropFirst(2))
        let code: Int32
        switch command {
        case "run": code = AgentCommands.run(rest)
        case "check-config": code = AgentCommands.checkConfig(rest)
        #if UCAGENT_NO_SIMULATOR
        case "simulate", "demo": code = noSimulator(command)
        #else
        case "simulate": code = runSimulator(arguments: rest)
        case "demo": code = Demo.run(rest)
        #endif
        case "version", "--version": code = version()
        // Hidden: the 32-bit correctness checks, run under qemu in CI (Agent/SelfTest.swift).
        case "selftest": code = SelfTest.main(rest)
        case "help", "--help", "-h": code = usage(to: 1)
        default:
            Output.err("ucagent: unknown command \"" + command + "\"\n")
            code = usage(to: 2)
        }
        csys_exit(code)
    }

    static func programArguments() -> [String] {
        var out: [String] = []
        for i in 0..<csys_argc() {
            if let p = csys_argv(i) { out.append(String(cString: p)) }
        }
        return out
    }

    static func version() -> Int32 {
        Output.out("ucagent " + BuildInfo.version + " " + BuildInfo.arch + " " + BuildInfo.flavour + "\n")
        return 0
    }

    /// The ARM appliance builds leave the simulator out (cross/toolset.sh, docs/appliance.md):
    /// it is a test and demo tool, and on armv7 it alone would break the size budget.
    static func noSimulator(_ command: String) -> Int32 {
        Output.err("ucagent: this " + BuildInfo.arch + " build has no simulator, so no \"" + command
            + "\": run it from the x86_64 or host build and point this agent at it\n")
        return 2
    }

    static func usage(to fd: Int32) -> Int32 {
        var text = """
        usage: ucagent COMMAND [options]

          run [-c PATH]            run the agent (default config /etc/ucagent/ucagent.conf)
          check-config [-c PATH]   validate a config and print the effective config, secrets masked

        """
        #if !UCAGENT_NO_SIMULATOR
        text += """
          simulate [options]       run the OpenVox UC PBX simulator (see docs/simulator.md)
          demo                     run the simulator and the agent together, with calls

        """
        #endif
        text += "  version                  print version, target arch and build flavour\n\n"
        if fd == 1 { Output.out(text); return 0 }
        Output.err(text)
        return 2
    }
}
