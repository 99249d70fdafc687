import EventLoop

/// What an HTTP server has decided on its own, for the admin and for tests.
public struct HTTPServerCounters: Equatable, Sendable {
    /// Connections taken into service.
    public var accepted: Int64 = 0
    /// Connections accepted and closed at once because `maxConnections` were open.
    public var rejected: Int64 = 0
    /// Connections cut by the header, body or idle timeout.
    public var timeouts: Int64 = 0
    /// Requests refused by the decoder (malformed, over a limit).
    public var parseErrors: Int64 = 0
    /// Requests handed to the handler.
    public var requests: Int64 = 0
    /// Responses written (handler responses, error answers, timeout answers).
    public var responses: Int64 = 0
    /// Requests whose handler did not respond within `responseTimeoutMs` (answered 503).
    public var handlerTimeouts: Int64 = 0
    /// Requests that showed at least one tolerated quirk (per-quirk counts: `quirkCount`).
    public var quirkyRequests: Int64 = 0

    public init() {}
}

/// A refused request, with enough to show an admin what the peer sent (HAProxy `show errors`).
public struct HTTPServerRejection: Equatable, Sendable {
    public var peer: SocketAddress
    public var error: HTTPError
    /// The line where decoding stopped, escaped and truncated (`HTTPBytes.escaped`).
    public var excerpt: String
    /// The status answered (nil when the connection was closed without an answer).
    public var answeredStatus: Int?
}

/// An HTTP/1.1 server on the event loop: keep-alive, pipelining, `Expect: 100-continue`,
/// per-phase timeouts, a connection cap, and handlers that may answer later.
///
/// - Each request goes to `handler(request, context)`; the handler answers with
///   `context.respond(_:)` exactly once, now or later (after a timer, after waiting for a PBX
///   report). While a request is being handled, later pipelined bytes wait in a buffer.
/// - HTTP/1.1 keeps the connection unless the request or response says `Connection: close`;
///   HTTP/1.0 closes unless `Connection: keep-alive`.
/// - Timeouts from `HTTPLimits`, each a loop timer on the connection: `headerTimeoutMs`
///   from accept (or from the first byte of a kept-alive request) to the end of the head,
///   `bodyTimeoutMs` for the body, `idleTimeoutMs` between requests. A slow sender is cut
///   alone; a connection that sent nothing is closed without an answer.
/// - Over `maxConnections` a new connection is accepted and closed at once (counted).
/// - A request the decoder refuses (or a timeout mid-request) is answered by
///   `onParseError(error, peer)` when it returns a response, else with the error's status
///   (400/408/413/431/501/505), always with `Connection: close`. The PBX report listener
///   uses the hook to answer 200 to everything: a non-200 makes the PBX resend forever.
///
/// Streaming responses (server-sent events) are not built yet; the seam is
/// `HTTPServerConnection.respond`, the one place a response head and body reach the socket.
///
/// Ownership: the listener's callback and every open connection hold the server until
/// `close()` (no `weak` in Embedded Swift); a server that is done must be closed.
public final class HTTPServer {
    public let loop: EventLoop
    public let limits: HTTPLimits
    public let maxConnections: Int
    /// The bound address; with port 0, the port the kernel chose.
    public let localAddress: SocketAddress
    public private(set) var counters = HTTPServerCounters()

    let handler: (HTTPRequest, HTTPServerContext) -> Void
    /// The answer to a refused request; nil (or a nil result) keeps the default error answer.
    public var onParseError: ((HTTPError, SocketAddress) -> HTTPResponse?)?
    /// Observes every refused request with an excerpt of what was sent (for an admin ring).
    public var onRejected: ((HTTPServerRejection) -> Void)?
    /// Observes every request that showed tolerated quirks.
    public var onQuirks: ((HTTPQuirks, SocketAddress) -> Void)?
    /// Whether responses carry a `Date` header (RFC 9110 wants one from a server with a clock).
    public var sendsDate = true
    /// A handler that has not answered after this long gets a 503 written for it, so a lost
    /// callback cannot hold a connection forever. 0 disables. Must exceed the longest
    /// deliberate wait (the report listener waits up to 5 s).
    public var responseTimeoutMs: Int64 = 30_000
    /// Pipelined bytes held while a request is being handled; above this, reading pauses.
    public var maxBufferedWhileHandling: Int

    private var listener: TCPListener?
    private var connections: [UInt64: HTTPServerConnection] = [:]
    private var nextConnectionID: UInt64 = 1
    private var quirkCounts: [Int64] = Array(repeating: 0, count: HTTPQuirks.all.count)

    public init(loop: EventLoop, address: SocketAddress, limits: HTTPLimits, maxConnections: Int,
                handler: @escaping (HTTPRequest, HTTPServerContext) -> Void) throws(SystemError) {
        self.loop = loop
        self.limits = limits
        self.maxConnections = maxConnections
        self.handler = handler
        self.maxBufferedWhileHandling = limits.maxHeaderBytes + 64 * 1024
        var accepted: ((TCPConnection) -> Void)?
        let listener = try TCPListener(loop: loop, address: address) { tcp in accepted?(tcp) }
        self.listener = listener
        self.localAddress = listener.localAddress
        accepted = { [self] tcp in self.accept(tcp) }
    }

    /// Open connections (including ones waiting for their handler).
    public var openConnections: Int { connections.count }

    public var isClosed: Bool { listener == nil }

    /// How many requests showed `quirk` (a single quirk).
    public func quirkCount(_ quirk: HTTPQuirks) -> Int64 {
        for i in 0..<HTTPQuirks.all.count where HTTPQuirks.all[i].quirk == quirk { return quirkCounts[i] }
        return 0
    }

    /// Stops listening and closes every connection now; pending contexts become cancelled.
    public func close() {
        guard let l = listener else { return }
        listener = nil
        l.close()
        let open = connections
        for (_, c) in open { c.closeNow() }
        connections.removeAll()
        onParseError = nil
        onRejected = nil
        onQuirks = nil
    }

    /// The default answer to a refused request: the error's status, its message as text.
    public static func errorResponse(for error: HTTPError) -> HTTPResponse {
        HTTPResponse(status: error.statusCode, contentType: "text/plain; charset=utf-8", body: error.message + "\n")
    }

    // MARK: internal, used by connections

    private func accept(_ tcp: TCPConnection) {
        guard listener != nil else {
            tcp.close()
            return
        }
        if connections.count >= maxConnections {
            counters.rejected += 1
            tcp.close()
            return
        }
        counters.accepted += 1
        let id = nextConnectionID
        nextConnectionID += 1
        let connection = HTTPServerConnection(id: id, server: self, tcp: tcp)
        connections[id] = connection
        connection.start()
    }

    func connectionClosed(_ id: UInt64) {
        connections.removeValue(forKey: id)
    }

    func noteRequest(_ request: HTTPRequest, peer: SocketAddress) {
        counters.requests += 1
        guard !request.quirks.isEmpty else { return }
        counters.quirkyRequests += 1
        for i in 0..<HTTPQuirks.all.count where request.quirks.contains(HTTPQuirks.all[i].quirk) { quirkCounts[i] += 1 }
        onQuirks?(request.quirks, peer)
    }

    func noteResponse() { counters.responses += 1 }
    func noteTimeout() { counters.timeouts += 1 }
    func noteHandlerTimeout() { counters.handlerTimeouts += 1 }

    /// Counts a refusal, tells the observer, and picks the answer.
    func rejection(_ error: HTTPError, peer: SocketAddress, excerpt: String, answer: Bool) -> HTTPResponse? {
        if case .timeout = error {} else { counters.parseErrors += 1 }
        var response: HTTPResponse?
        if answer { response = onParseError?(error, peer) ?? HTTPServer.errorResponse(for: error) }
        onRejected?(HTTPServerRejection(peer: peer, error: error, excerpt: excerpt, answeredStatus: response?.status))
        return response
    }

    func dateHeader() -> String? {
        sendsDate ? HTTPDate.format(epochMs: loop.wallClockMs()) : nil
    }
}
