import EventLoop

/// Why an HTTP exchange with a server failed, for a PBX admin.
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    /// The TCP connect failed (refused, unreachable, ...).
    case connectFailed(SystemError)
    /// The whole exchange (connect, TLS, request, response) took longer than allowed.
    case timeout(ms: Int64)
    /// The TLS handshake or session failed (certificate, protocol, ...).
    case tls(TLSError)
    /// The server's answer is not HTTP as this client reads it.
    case malformedResponse(HTTPError)
    /// The answer is over a limit of `HTTPLimits` (head size, header count, body size).
    case tooLarge(HTTPError)
    /// The server closed before a complete response: nil when not one byte of an answer came,
    /// else `truncatedHead`/`truncatedBody` saying how much did.
    case closedEarly(HTTPError?)
    /// The connection failed after it was established (reset, broken pipe).
    case connectionLost(SystemError)
    /// `HTTPClientExchange.cancel()` was called.
    case cancelled

    public var message: String {
        switch self {
        case .connectFailed(let e):
            return "cannot connect: " + e.message
        case .timeout(let ms):
            return "no complete HTTP response within " + String(ms) + " ms"
        case .tls(let e):
            return e.message
        case .malformedResponse(let e):
            return "invalid HTTP response: " + e.message
        case .tooLarge(let e):
            return "HTTP response refused: " + e.message
        case .closedEarly(let e):
            if let e { return "server closed the connection early: " + e.message }
            return "server closed the connection without answering"
        case .connectionLost(let e):
            return "connection lost: " + e.message
        case .cancelled:
            return "HTTP request cancelled"
        }
    }

    public var description: String { message }

    static func from(_ error: HTTPError) -> HTTPClientError {
        switch error {
        case .headerTooLarge, .tooManyHeaders, .bodyTooLarge, .requestLineTooLong:
            return .tooLarge(error)
        case .truncatedHead, .truncatedBody:
            return .closedEarly(error)
        default:
            return .malformedResponse(error)
        }
    }
}
