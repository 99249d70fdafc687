import COpenSSL
import EventLoop

/// Why a TLS client connection failed, written for a PBX admin. `message` names the server
/// and says what to check; OpenSSL's own error strings are kept in brackets.
///
/// `server` is the name being verified plus the address, e.g. `"pbx.example.com (10.0.0.5:443)"`.
public enum TLSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Building the OpenSSL context or connection object failed (`SSL_CTX_new`, loading the
    /// CA file, ...). `step` names the call, `detail` is OpenSSL's error text.
    case setup(step: String, detail: String)
    /// The TCP connect failed (refused, timed out, ...).
    case connect(SystemError)
    /// The certificate chain or the host name did not verify. `code` is OpenSSL's verify
    /// result (20: unable to get local issuer certificate, 62: hostname mismatch, 10: expired).
    case verify(server: String, code: Int64, reason: String, detail: String)
    /// The handshake failed for another reason (no common protocol or cipher, an alert from
    /// the server, not TLS at all).
    case handshake(server: String, detail: String)
    /// The peer closed the TCP connection before the handshake finished.
    case closedDuringHandshake(server: String)
    /// The handshake (including the TCP connect, when `connect` made it) took too long.
    case timeout(server: String, ms: Int64)
    /// A TLS protocol error after the handshake (bad record, unexpected message).
    case protocolFailure(server: String, detail: String)
    /// The TCP connection under the session failed (reset, output cap, ...).
    case io(SystemError)

    public var message: String {
        switch self {
        case .setup(let step, let detail):
            return "TLS setup failed at " + step + ": " + detail
        case .connect(let e):
            return e.message
        case .verify(let server, let code, let reason, let detail):
            var m = "TLS handshake with " + server + " failed: certificate verify failed: " + reason + " (" + String(code) + ")"
            if !detail.isEmpty { m += " [" + detail + "]" }
            return m
        case .handshake(let server, let detail):
            return "TLS handshake with " + server + " failed: " + detail
        case .closedDuringHandshake(let server):
            return "TLS handshake with " + server + " failed: connection closed by peer (is it a TLS port?)"
        case .timeout(let server, let ms):
            return "TLS handshake with " + server + " timed out after " + String(ms) + " ms"
        case .protocolFailure(let server, let detail):
            return "TLS session with " + server + " failed: " + detail
        case .io(let e):
            return e.message
        }
    }

    public var description: String { message }

    /// OpenSSL's verify result for `.verify`, else nil.
    public var verifyResult: Int64? {
        if case .verify(_, let code, _, _) = self { return code }
        return nil
    }

    /// The same failure as a `SystemError` (for `ByteStream`): the underlying errno for
    /// connect/io failures, ETIMEDOUT for timeouts, EPROTO otherwise; `message` unchanged.
    public var systemError: SystemError {
        switch self {
        case .connect(let e), .io(let e):
            return e
        case .timeout:
            return SystemError(code: ETIMEDOUT, operation: "tls", message: message)
        case .closedDuringHandshake:
            return SystemError(code: ECONNRESET, operation: "tls", message: message)
        default:
            return SystemError(code: EPROTO, operation: "tls", message: message)
        }
    }

    /// Drains OpenSSL's (thread-local) error queue into one line:
    /// `"error:0A000086:SSL routines::certificate verify failed"`; several errors are joined by "; ".
    static func drainOpenSSLErrors() -> String {
        var parts: [String] = []
        var buf = [CChar](repeating: 0, count: 256)
        while true {
            let e = ERR_get_error()
            if e == 0 { break }
            buf.withUnsafeMutableBufferPointer { ERR_error_string_n(e, $0.baseAddress, $0.count) }
            let text = String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if parts.count < 4 { parts.append(text) }
        }
        return parts.joined(separator: "; ")
    }
}
