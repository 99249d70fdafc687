/// A rejected config file: where (file, 1-based line; 0 = the whole file or a key that is
/// missing from a section that is missing too), which key (written `[section] key`), and why.
/// `description` is the line `check-config` prints, e.g.
/// `ucagent.conf:12: [pbx] heartbeat_interval: expected a duration between 5s and 1500s, got "2s"`.
/// Messages never contain a password or its MD5.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String?
    public var message: String

    public init(file: String, line: Int, key: String?, message: String) {
        self.file = file; self.line = line; self.key = key; self.message = message
    }

    public var description: String {
        var out = file
        if line > 0 { out += ":" + String(line) }
        out += ": "
        if let key { out += key + ": " }
        return out + message
    }
}

/// The file-level bounds. Why these numbers: a complete config with every key and generous
/// comments is about 3 KiB, so 64 KiB only stops a wrong file (a log, a binary) from being
/// read into memory; 4 KiB per line fits any path or CIDR list; 500 keys is far above the ~30
/// the agent knows, and bounds the work an editor accident can cause.
public struct ConfigLimits: Equatable, Sendable {
    public var maxFileBytes: Int
    public var maxLineBytes: Int
    public var maxKeys: Int
    /// `allErrors` stops collecting after this many; the first few are what an admin fixes first.
    public var maxErrors: Int

    public init(maxFileBytes: Int = 65_536, maxLineBytes: Int = 4_096, maxKeys: Int = 500, maxErrors: Int = 50) {
        self.maxFileBytes = maxFileBytes; self.maxLineBytes = maxLineBytes
        self.maxKeys = maxKeys; self.maxErrors = maxErrors
    }

    public static let standard = ConfigLimits()
}
