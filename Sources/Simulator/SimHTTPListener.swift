import EventLoop
import HTTP

/// What a simulator endpoint does with a request.
enum SimHTTPReply {
    case respond(HTTPResponse)
    /// Never answer; keep the connection open until the client gives up (an unreachable PBX
    /// that still accepts TCP, §12 "go silent").
    case hang
    /// Close without answering.
    case close
}

/// A small HTTP/1.1 server on the loop for the simulator's API and control ports.
///
/// It is hand-rolled over `TCPListener` and the HTTP codec rather than `HTTPServer` because
/// the simulator must misbehave on purpose: refuse to answer while keeping the socket open,
/// or drop connections at accept, which a well-behaved server is built never to do.
final class SimHTTPListener {
    /// Requests are small PBX API calls and control commands: 64 KiB bodies are plenty. A
    /// keep-alive client may idle 60 s; a request must arrive complete within 10 s + 10 s.
    static let limits = HTTPLimits(maxHeaderBytes: 16 * 1024, maxHeaderCount: 100, maxBodyBytes: 64 * 1024,
                                   maxRequestLineBytes: 8 * 1024, headerTimeoutMs: 10_000, bodyTimeoutMs: 10_000,
                                   idleTimeoutMs: 60_000)

    let loop: EventLoop
    let name: String
    let maxConnections: Int
    var handler: (HTTPRequest, SocketAddress) -> SimHTTPReply
    /// Consulted at accept: `.close` drops the connection before reading anything.
    var acceptMode: () -> SimSilentMode = { .off }
    var logger: Logger
    private var listener: TCPListener?
    private var connections: [Int64: SimHTTPConnection] = [:]
    private var nextID: Int64 = 0
    private(set) var refusedAtAccept: Int64 = 0

    let localAddress: SocketAddress

    init(loop: EventLoop, name: String, address: SocketAddress, maxConnections: Int, logger: Logger,
         handler: @escaping (HTTPRequest, SocketAddress) -> SimHTTPReply) throws(SystemError) {
        self.loop = loop
        self.name = name
        self.maxConnections = maxConnections
        self.handler = handler
        self.logger = logger
        var accepted: ((TCPConnection) -> Void)? = nil
        let l = try TCPListener(loop: loop, address: address) { c in accepted?(c) }
        listener = l
        localAddress = l.localAddress
        accepted = { [self] c in self.accept(c) }
    }

    var openConnections: Int { connections.count }

    func close() {
        listener?.close()
        listener = nil
        let all = connections
        connections = [:]
        for (_, c) in all { c.shutdown() }
        handler = { _, _ in .close }
        acceptMode = { .off }
    }

    private func accept(_ c: TCPConnection) {
        if acceptMode() == .close || connections.count >= maxConnections {
            refusedAtAccept += 1
            c.close()
            return
        }
        nextID += 1
        let id = nextID
        let conn = SimHTTPConnection(id: id, conn: c, owner: self)
        connections[id] = conn
        conn.start()
    }

    fileprivate func closed(_ id: Int64) { connections[id] = nil }
}

/// One accepted connection: decodes requests, answers them in order, or hangs.
final class SimHTTPConnection {
    let id: Int64
    let conn: TCPConnection
    private var owner: SimHTTPListener?
    private var decoder = HTTPRequestDecoder(limits: SimHTTPListener.limits)
    private var buffer: [UInt8] = []
    private var hung = false
    private var sentContinue = false
    private var timer: TimerID?

    init(id: Int64, conn: TCPConnection, owner: SimHTTPListener) {
        self.id = id
        self.conn = conn
        self.owner = owner
    }

    func start() {
        conn.onRead = { [self] bytes in self.read(bytes) }
        conn.onClose = { [self] _ in self.finished() }
        arm(SimHTTPListener.limits.headerTimeoutMs)
    }

    /// Closed by the listener (simulator stopping).
    func shutdown() {
        owner = nil
        conn.close()
    }

    private func finished() {
        if let t = timer { conn.loop.cancel(t) }
        timer = nil
        owner?.closed(id)
        owner = nil
    }

    private func arm(_ ms: Int64) {
        if let t = timer { conn.loop.cancel(t) }
        timer = conn.loop.schedule(afterMs: ms) { [self] in
            self.timer = nil
            if !self.hung { self.conn.close() }
        }
    }

    private func read(_ bytes: [UInt8]) {
        guard !hung, let owner = owner else { return }
        buffer += bytes
        var index = 0
        while !hung && !conn.isClosed {
            let request: HTTPRequest?
            do throws(HTTPError) {
                request = try decoder.decode(buffer, from: &index)
            } catch {
                owner.logger.debug("sim-" + owner.name, "bad request from " + conn.peer.description + ": " + error.message)
                conn.write(HTTPServerErrorResponse.make(error).encoded(keepAlive: false))
                conn.closeAfterFlush()
                return
            }
            guard let req = request else {
                if let head = decoder.headAwaitingBody, !sentContinue,
                   head.headers.containsToken("100-continue", in: "Expect") {
                    sentContinue = true
                    conn.write(HTTPResponse.continueBytes)
                }
                if !decoder.isIdle { arm(SimHTTPListener.limits.headerTimeoutMs + SimHTTPListener.limits.bodyTimeoutMs) }
                break
            }
            sentContinue = false
            switch owner.handler(req, conn.peer) {
            case .respond(let response):
                let keep = req.keepAlive
                conn.write(response.encoded(keepAlive: keep, requestVersion: req.head.version,
                                            omitBody: req.method == "HEAD"))
                if !keep {
                    conn.closeAfterFlush()
                    return
                }
                arm(SimHTTPListener.limits.idleTimeoutMs)
            case .hang:
                hung = true
                if let t = timer { conn.loop.cancel(t) }
                timer = nil
            case .close:
                conn.close()
                return
            }
        }
        if index > 0 { buffer.removeFirst(index) }
    }
}

/// The answer to a request the codec refused (400, 413, 431, …).
enum HTTPServerErrorResponse {
    static func make(_ e: HTTPError) -> HTTPResponse {
        HTTPResponse(status: e.statusCode, contentType: "text/plain; charset=utf-8", body: e.message + "\n")
    }
}
