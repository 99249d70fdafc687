// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

/// Every size, count and time an HTTP peer may consume, chosen per listener or client.
/// The codec checks the sizes and counts; the server and client enforce the times with loop
/// timers. Sizes are checked as bytes arrive, never after buffering.
public struct HTTPLimits: Equatable, Sendable {
    /// Request/status line plus all header lines, terminators included. 16 KiB is HAProxy's
    /// `tune.bufsize`; the PBX's reports use about 150 bytes and curl about 100.
    public var maxHeaderBytes: Int
    /// Header lines per message. HAProxy's `tune.http.maxhdr` is 101; a browser sends about 15,
    /// the PBX 5. Bounds the per-request work of case-insensitive lookups.
    public var maxHeaderCount: Int
    /// Body bytes, decoded (chunk framing excluded). A declared Content-Length over this is
    /// refused before a byte of the body is buffered. `Int64` so 32-bit targets cannot overflow.
    public var maxBodyBytes: Int64
    /// The request line alone (`414` beyond it), so a huge query string is named as such
    /// instead of as an oversized header section. 8 KiB is what most servers allow for a URI.
    public var maxRequestLineBytes: Int
    /// Time for a complete header section, from accept (or from the first byte of a
    /// keep-alive request) to the blank line: HAProxy's `timeout http-request`. Cuts slow-loris
    /// senders without waiting for the idle timeout.
    public var headerTimeoutMs: Int64
    /// Time for the whole body once the head is complete (and, in the client, for the whole
    /// response after the request went out). A sender dribbling the body is cut here.
    public var bodyTimeoutMs: Int64
    /// Time a kept-alive connection may sit between messages before it is closed: HAProxy's
    /// `timeout http-keep-alive`. Each idle connection holds a file descriptor and buffers.
    public var idleTimeoutMs: Int64

    public init(maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100,
                maxBodyBytes: Int64 = 1024 * 1024, maxRequestLineBytes: Int = 8 * 1024,
                headerTimeoutMs: Int64 = 10_000, bodyTimeoutMs: Int64 = 30_000,
                idleTimeoutMs: Int64 = 60_000) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxRequestLineBytes = maxRequestLineBytes
        self.headerTimeoutMs = headerTimeoutMs
        self.bodyTimeoutMs = bodyTimeoutMs
        self.idleTimeoutMs = idleTimeoutMs
    }

    /// The PBX report listener. Reports are compact JSON of a few hundred bytes (the largest
    /// captured, NewCdr, is under 1 KiB); 256 KiB leaves room for firmware we have not seen
    /// while keeping a flood of bogus bodies cheap. The PBX opens one connection per report
    /// and sends `Connection: close`, so a connection that idles is not a PBX: 5 s.
    /// Header and body times are short because the PBX resends what we fail to answer.
    public static let pbxReports = HTTPLimits(
        maxHeaderBytes: 8 * 1024, maxHeaderCount: 64, maxBodyBytes: 256 * 1024,
        maxRequestLineBytes: 4 * 1024, headerTimeoutMs: 5_000, bodyTimeoutMs: 10_000,
        idleTimeoutMs: 5_000)

    /// The native JSON API. Requests are small commands; 1 MiB covers a bulk configuration
    /// upload. Keep-alive clients (dashboards) get a minute between requests.
    public static let api = HTTPLimits()

    /// Responses the client accepts from the PBX API. The extension list of a UC500 with
    /// 500 extensions is about 100 KiB of JSON; 4 MiB is a ceiling, not an estimate.
    /// The client bounds the whole exchange with the timeout passed to `send`; these times are
    /// not used by it (one request per connection, so there is no idle keep-alive either).
    public static let client = HTTPLimits(
        maxHeaderBytes: 16 * 1024, maxHeaderCount: 100, maxBodyBytes: 4 * 1024 * 1024,
        maxRequestLineBytes: 8 * 1024, headerTimeoutMs: 10_000, bodyTimeoutMs: 30_000,
        idleTimeoutMs: 0)
}
