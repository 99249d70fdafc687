import CSystem

@main
struct UCAgentMain {
    static func main() {
        var args: [String] = []
        for i in 0..<csys_argc() { if let p = csys_argv(i) { args.append(String(cString: p)) } }
        let line = "ucagent " + (args.count > 1 ? args[1] : "") + "\n"
        line.utf8CString.withUnsafeBufferPointer { csys_write_stdout($0.baseAddress, UInt(line.utf8.count)) }
    }
}
