// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

/// Which part of an exchange ran out of time.
public enum HTTPPhase: Equatable, Sendable, CustomStringConvertible {
    /// Waiting for a complete request line and header section (or status line and headers).
    case header
    /// Waiting for the rest of a body after its head.
    case body
    /// A kept-alive connection sat between messages.
    case idle

    public var description: String {
        switch self {
        case .header: return "header"
        case .body: return "body"
        case .idle: return "idle"
        }
    }
}

/// Why an HTTP message was refused. Offsets count bytes from the first byte of the message
/// (leading blank lines included) and point at the byte where parsing stopped, as HAProxy's
/// `err_pos` does; header-level errors (Content-Length, Transfer-Encoding, Host) point at the
/// start of the offending header line.
public enum HTTPError: Error, Equatable, CustomStringConvertible {
    /// The request line is not `METHOD SP TARGET SP HTTP/x.y` (nor an accepted quirk of it).
    case malformedRequestLine(offset: Int64)
    /// The request line is longer than `HTTPLimits.maxRequestLineBytes`.
    case requestLineTooLong(limit: Int)
    /// A well-formed `HTTP/x.y` other than 1.0 and 1.1.
    case unsupportedVersion(offset: Int64)
    /// A method this codec cannot frame (CONNECT opens a tunnel, not a request/response).
    case unsupportedMethod(String)
    /// The status line of a response is not `HTTP/x.y SP 3DIGIT [SP reason]`: typically a
    /// server that is not HTTP at all, or an HTML page sent without a status line.
    case malformedStatusLine(offset: Int64)
    /// A header line with a bad name, a space before the colon, a missing colon, or a control
    /// character in the name or value.
    case invalidHeader(offset: Int64)
    /// A header line starting with a space or tab (obs-fold, RFC 9112 §5.2): refused because
    /// intermediaries disagree on what it means.
    case obsoleteLineFolding(offset: Int64)
    /// The request line plus headers exceed `HTTPLimits.maxHeaderBytes`.
    case headerTooLarge(limit: Int)
    /// More header lines than `HTTPLimits.maxHeaderCount`.
    case tooManyHeaders(limit: Int)
    /// A Host header with characters no host or port can contain, or more than one Host.
    case invalidHost(offset: Int64)
    /// Content-Length is not a plain decimal number.
    case invalidContentLength(offset: Int64)
    /// Two Content-Length values that differ: the body length is ambiguous.
    case conflictingContentLength(offset: Int64)
    /// Both Content-Length and Transfer-Encoding: the classic request-smuggling shape.
    case contentLengthWithTransferEncoding(offset: Int64)
    /// A Transfer-Encoding other than exactly `chunked` (or any on an HTTP/1.0 message).
    case unsupportedTransferEncoding(offset: Int64)
    /// The body is over `HTTPLimits.maxBodyBytes`; `declared` is the Content-Length when there
    /// was one (refused before reading the body), nil for chunked or close-delimited bodies.
    case bodyTooLarge(declared: Int64?, limit: Int64)
    /// Chunked framing is broken: bad size line, missing CRLF after the data, bad trailer.
    case invalidChunk(offset: Int64)
    /// The peer closed the connection in the middle of a request line or header section.
    case truncatedHead(received: Int64)
    /// The peer closed before the body was complete; `expected` is the Content-Length when
    /// known, `received` the body bytes that did arrive.
    case truncatedBody(expected: Int64?, received: Int64)
    /// The peer took longer than the limit for this phase.
    case timeout(phase: HTTPPhase)

    /// The status a server answers with (a client never sends one; it reports 502 for a
    /// malformed response).
    public var statusCode: Int {
        switch self {
        case .malformedRequestLine, .invalidHeader, .obsoleteLineFolding, .invalidHost,
             .invalidContentLength, .conflictingContentLength, .contentLengthWithTransferEncoding,
             .invalidChunk, .truncatedHead, .truncatedBody:
            return 400
        case .requestLineTooLong: return 414
        case .unsupportedVersion: return 505
        case .unsupportedMethod, .unsupportedTransferEncoding: return 501
        case .malformedStatusLine: return 502
        case .headerTooLarge, .tooManyHeaders: return 431
        case .bodyTooLarge: return 413
        case .timeout: return 408
        }
    }

    /// A sentence for a PBX admin: what was wrong, where, and what to check.
    public var message: String {
        switch self {
        case .malformedRequestLine(let offset):
            return "malformed HTTP request line at byte \(offset): expected 'METHOD /path HTTP/1.1' (is the client speaking HTTP, or TLS to a plain-HTTP port?)"
        case .requestLineTooLong(let limit):
            return "HTTP request line longer than \(limit) bytes (URL or query string too long)"
        case .unsupportedVersion(let offset):
            return "unsupported HTTP version at byte \(offset): only HTTP/1.0 and HTTP/1.1 are served"
        case .unsupportedMethod(let method):
            return "HTTP method '\(method)' is not supported"
        case .malformedStatusLine(let offset):
            return "malformed HTTP status line at byte \(offset): the peer did not answer with 'HTTP/1.x NNN' (wrong port, a non-HTTP service, or TLS expected?)"
        case .invalidHeader(let offset):
            return "invalid HTTP header line at byte \(offset) (bad name, space before ':', missing ':' or a control character)"
        case .obsoleteLineFolding(let offset):
            return "HTTP header continued on an indented line at byte \(offset) (obsolete line folding is refused)"
        case .headerTooLarge(let limit):
            return "HTTP header section larger than \(limit) bytes"
        case .tooManyHeaders(let limit):
            return "more than \(limit) HTTP header lines"
        case .invalidHost(let offset):
            return "invalid or repeated Host header at byte \(offset)"
        case .invalidContentLength(let offset):
            return "Content-Length at byte \(offset) is not a decimal number of bytes"
        case .conflictingContentLength(let offset):
            return "conflicting Content-Length values (second one at byte \(offset)): body length is ambiguous"
        case .contentLengthWithTransferEncoding(let offset):
            return "both Content-Length and Transfer-Encoding present (byte \(offset)): body length is ambiguous"
        case .unsupportedTransferEncoding(let offset):
            return "unsupported Transfer-Encoding at byte \(offset): only 'chunked' on HTTP/1.1 is accepted"
        case .bodyTooLarge(let declared, let limit):
            if let declared {
                return "HTTP body of \(declared) bytes (declared in Content-Length) exceeds the limit of \(limit) bytes"
            }
            return "HTTP body exceeds the limit of \(limit) bytes"
        case .invalidChunk(let offset):
            return "invalid chunked body framing at byte \(offset)"
        case .truncatedHead(let received):
            return "connection closed in the middle of the HTTP header section (after \(received) bytes)"
        case .truncatedBody(let expected, let received):
            if let expected {
                return "connection closed after \(received) of \(expected) body bytes"
            }
            return "connection closed in the middle of a chunked body (after \(received) body bytes)"
        case .timeout(let phase):
            return "HTTP peer too slow: \(phase.description) timeout"
        }
    }

    public var description: String { message }
}
