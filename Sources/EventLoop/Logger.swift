import CSystem

public enum LogLevel: Int, Comparable, Sendable, CustomStringConvertible {
    case error = 0, warn, info, debug

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .error: return "error"
        case .warn: return "warn"
        case .info: return "info"
        case .debug: return "debug"
        }
    }

    /// `"error"`, `"warn"` (or `"warning"`), `"info"`, `"debug"`; for config files.
    public init?(name: String) {
        switch name {
        case "error": self = .error
        case "warn", "warning": self = .warn
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }
}

/// One log line, as handed to a `Logger` hook.
public struct LogRecord: Equatable {
    public var timeMs: Int64
    public var level: LogLevel
    public var category: String
    public var message: String
    /// The line as written to stderr, without the trailing newline.
    public var line: String
}

/// Plain line logging to stderr:
/// `2026-11-26T16:02:40.123Z info pbx: logged in, token expires in 1800 s`.
///
/// Control characters in the category or message (a CR/LF from PBX data, an escape sequence)
/// are written as `\n`, `\r`, `\t` or `\xNN`, so one call is always one line and nobody can
/// forge log lines through a report field. A value type: copy it into each component and set
/// the level once at startup. `hook` sees every record that passes the level (tests, a
/// ring buffer for the admin API); `writesToStderr = false` silences stderr; `file` adds a
/// size-bounded rotating file (`RotatingFile`).
public struct Logger {
    public var level: LogLevel
    public var writesToStderr: Bool
    public var hook: ((LogRecord) -> Void)?
    /// `[log] file`: every line that passes the level is also appended here (size-bounded).
    public var file: RotatingFile?
    /// Realtime milliseconds for the timestamp; replaceable in tests.
    public var clock: () -> Int64

    public init(level: LogLevel = .info, writesToStderr: Bool = true, hook: ((LogRecord) -> Void)? = nil) {
        self.level = level
        self.writesToStderr = writesToStderr
        self.hook = hook
        self.clock = { csys_realtime_ms() }
    }

    public func enabled(_ l: LogLevel) -> Bool { l <= level }

    public func error(_ category: String, _ message: @autoclosure () -> String) { log(.error, category, message) }
    public func warn(_ category: String, _ message: @autoclosure () -> String) { log(.warn, category, message) }
    public func info(_ category: String, _ message: @autoclosure () -> String) { log(.info, category, message) }
    /// The message is only built when debug logging is on.
    public func debug(_ category: String, _ message: @autoclosure () -> String) { log(.debug, category, message) }

    public func log(_ l: LogLevel, _ category: String, _ message: () -> String) {
        guard l <= level else { return }
        let t = clock()
        let text = message()
        emit(l, category, text, at: t)
    }

    /// The body of `log`, kept out of line: the optimiser specialises `log` for every call
    /// site's message closure, and with this inlined each of those copies was ~2.5 KB
    /// (about 70 KB of the Embedded binary).
    @inline(never)
    private func emit(_ l: LogLevel, _ category: String, _ text: String, at t: Int64) {
        var line = TimeFormat.iso8601(ms: t)
        line += " "
        line += l.description
        line += " "
        line += Logger.sanitize(category)
        line += ": "
        line += Logger.sanitize(text)
        if writesToStderr {
            var out = line
            out += "\n"
            out.withUTF8 { u in
                guard let p = u.baseAddress else { return }
                UnsafeRawPointer(p).withMemoryRebound(to: CChar.self, capacity: u.count) { c in
                    csys_write_stderr(c, UInt(u.count))
                }
            }
        }
        if let f = file { f.write(line: line) }
        if let h = hook {
            h(LogRecord(timeMs: t, level: l, category: category, message: text, line: line))
        }
    }

    /// Escapes ASCII control characters and DEL; other UTF-8 passes through.
    public static func sanitize(_ s: String) -> String {
        var needs = false
        for c in s.utf8 where c < 0x20 || c == 0x7f { needs = true; break }
        guard needs else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for c in s.utf8 {
            switch c {
            case 0x0a: out.append(92); out.append(110)
            case 0x0d: out.append(92); out.append(114)
            case 0x09: out.append(92); out.append(116)
            case 0..<0x20, 0x7f:
                out.append(92); out.append(120)
                out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 15)])
            default: out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
