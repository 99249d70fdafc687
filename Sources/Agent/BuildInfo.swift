/// What `ucagent version` prints: the release, the CPU the binary was built for, and whether
/// it is the shipped Embedded Swift build or a host (development) build. armv7 and armv5 are
/// both `arch(arm)`: cross/toolset.sh passes `-D UCAGENT_ARMV7` / `-D UCAGENT_ARMV5`.
public enum BuildInfo {
    public static let version = "0.1.0"

    public static var arch: String {
        #if arch(x86_64)
        return "x86_64"
        #elseif arch(arm64)
        return "aarch64"
        #elseif arch(arm) && UCAGENT_ARMV7
        return "armv7"
        #elseif arch(arm) && UCAGENT_ARMV5
        return "armv5"
        #elseif arch(arm)
        return "arm"
        #else
        return "unknown"
        #endif
    }

    public static var flavour: String {
        #if hasFeature(Embedded)
        return "embedded"
        #else
        return "host"
        #endif
    }
}
