import CSystem

/// A failed system call, with what it was doing, for a PBX admin to read.
///
/// `code` is the errno value (positive), `operation` names the call and its target
/// (`"connect 127.0.0.1:9011"`), and `message` is the full line to log:
/// `"connect 127.0.0.1:9011: Connection refused"`. Errors that are not a single syscall
/// (a connect timeout, an output buffer over its cap) still carry the closest errno
/// (`ETIMEDOUT`, `ENOBUFS`) so callers can branch on `code`, and a message that says what
/// actually happened.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public let operation: String
    public var message: String

    /// `code` may be given as `errno` or as the `-errno` the CSystem wrappers return.
    public init(code: Int32, operation: String) {
        let c = code < 0 ? -code : code
        self.code = c
        self.operation = operation
        self.message = operation + ": " + SystemError.text(for: c)
    }

    /// An error whose message is not the plain `strerror` text.
    public init(code: Int32, operation: String, message: String) {
        self.code = code < 0 ? -code : code
        self.operation = operation
        self.message = message
    }

    public var description: String { message }

    /// `strerror` text for an errno value, e.g. "Connection refused".
    public static func text(for code: Int32) -> String {
        guard let p = csys_strerror(code) else { return "error " + String(code) }
        return String(cString: p)
    }
}
