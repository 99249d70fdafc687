import EventLoop

/// One accepted connection of an `HTTPServer`: feeds the decoder, runs the handler, writes
/// answers, and keeps one timer for whichever phase it is in.
final class HTTPServerConnection {
    private enum Phase {
        /// Reading a request (or waiting for the next one).
        case reading
        /// A request is with the handler; `context` is the one allowed to answer.
        case handling(HTTPServerContext)
        /// The last answer is going out; nothing more is read.
        case closing
        case closed
    }

    let id: UInt64
    let server: HTTPServer
    let tcp: TCPConnection
    private var decoder: HTTPRequestDecoder
    private var buffer: [UInt8] = []
    private var phase = Phase.reading
    private var timer: TimerID?
    /// What the armed timer guards (`nil` while the handler has the request).
    private var timerPhase: HTTPPhase?
    private var handlerTimer: TimerID?
    private var currentRequest: HTTPRequestHead?
    private var served: Int64 = 0
    private var continueSent = false
    private var inHandler = false
    private var readingPaused = false

    init(id: UInt64, server: HTTPServer, tcp: TCPConnection) {
        self.id = id
        self.server = server
        self.tcp = tcp
        self.decoder = HTTPRequestDecoder(limits: server.limits)
    }

    func start() {
        tcp.onRead = { [self] bytes in self.received(bytes) }
        tcp.onClose = { [self] _ in self.closed() }
        arm(.header)
    }

    /// Closes without an answer (server shutdown).
    func closeNow() {
        tcp.close()
        closed()
    }

    // MARK: reading

    private func received(_ bytes: [UInt8]) {
        switch phase {
        case .reading:
            buffer.append(contentsOf: bytes)
            process()
        case .handling:
            buffer.append(contentsOf: bytes)
            if buffer.count > server.maxBufferedWhileHandling && !readingPaused {
                readingPaused = true
                tcp.pauseReading()
            }
        case .closing, .closed:
            return
        }
    }

    /// Decodes buffered bytes while the connection is free to take a request.
    private func process() {
        while case .reading = phase {
            if buffer.isEmpty { break }
            var index = 0
            let request: HTTPRequest?
            do throws(HTTPError) {
                request = try decoder.decode(buffer, from: &index)
            } catch {
                buffer.removeAll()
                reject(error, answer: true)
                return
            }
            buffer.removeFirst(index)
            guard let request else { break }
            handle(request)
        }
        guard case .reading = phase else { return }
        if let head = decoder.headAwaitingBody {
            arm(.body)
            if !continueSent && head.version == .http1_1
                && HTTPHeaders.asciiEqualIgnoringCase((head.headers["Expect"] ?? "").utf8, "100-continue".utf8) {
                continueSent = true
                tcp.write(HTTPResponse.continueBytes)
            }
        } else if decoder.isIdle {
            // A fresh connection keeps its header deadline from accept; a kept-alive one idles.
            arm(served == 0 ? .header : .idle)
        } else {
            arm(.header)
        }
    }

    private func handle(_ request: HTTPRequest) {
        disarm()
        let context = HTTPServerContext(connection: self)
        phase = .handling(context)
        currentRequest = request.head
        continueSent = false
        server.noteRequest(request, peer: tcp.peer)
        if server.responseTimeoutMs > 0 {
            handlerTimer = server.loop.schedule(afterMs: server.responseTimeoutMs) { [self] in
                self.handlerTimer = nil
                guard case .handling(let ctx) = self.phase else { return }
                self.server.noteHandlerTimeout()
                ctx.respond(HTTPResponse(status: 503, contentType: "text/plain; charset=utf-8",
                                         body: "the request handler did not answer in time\n",
                                         headers: ["Connection": "close"]))
            }
        }
        inHandler = true
        server.handler(request, context)
        inHandler = false
    }

    // MARK: answering

    /// The one place a response reaches the socket (the seam for streaming responses later).
    func respond(_ response: HTTPResponse, for context: HTTPServerContext) {
        guard case .handling(let current) = phase, current === context else { return }
        if let t = handlerTimer {
            server.loop.cancel(t)
            handlerTimer = nil
        }
        let head = currentRequest ?? HTTPRequestHead(method: "GET", target: "/")
        currentRequest = nil
        let keepAlive = head.keepAlive && !response.headers.containsToken("close", in: "Connection") && !server.isClosed
        tcp.write(response.encoded(keepAlive: keepAlive, requestVersion: head.version,
                                   date: server.dateHeader(), omitBody: head.method == "HEAD"))
        server.noteResponse()
        served += 1
        if !keepAlive {
            phase = .closing
            buffer.removeAll()
            tcp.closeAfterFlush()
            return
        }
        phase = .reading
        if readingPaused {
            readingPaused = false
            tcp.resumeReading()
        }
        // Inside the handler, `process()` is already looping and continues by itself.
        if !inHandler { process() }
    }

    /// A refused request or a timeout: answer (unless told not to) and close.
    private func reject(_ error: HTTPError, answer: Bool) {
        disarm()
        let response = server.rejection(error, peer: tcp.peer, excerpt: decoder.failureExcerpt, answer: answer)
        phase = .closing
        if let response {
            tcp.write(response.encoded(keepAlive: false, date: server.dateHeader()))
            server.noteResponse()
        }
        tcp.closeAfterFlush()
    }

    // MARK: timers

    private func arm(_ wanted: HTTPPhase) {
        if timerPhase == wanted && timer != nil { return }
        disarm()
        let ms: Int64
        switch wanted {
        case .header: ms = server.limits.headerTimeoutMs
        case .body: ms = server.limits.bodyTimeoutMs
        case .idle: ms = server.limits.idleTimeoutMs
        }
        guard ms > 0 else { return }
        timerPhase = wanted
        timer = server.loop.schedule(afterMs: ms) { [self] in
            self.timer = nil
            self.timedOut(wanted)
        }
    }

    private func disarm() {
        if let t = timer { server.loop.cancel(t) }
        timer = nil
        timerPhase = nil
    }

    private func timedOut(_ phase: HTTPPhase) {
        guard case .reading = self.phase else { return }
        server.noteTimeout()
        if phase == .idle || decoder.isIdle {
            // Nothing of a request arrived: close quietly, there is nothing to answer.
            disarm()
            self.phase = .closing
            tcp.close()
            return
        }
        reject(.timeout(phase: phase), answer: true)
    }

    // MARK: closing

    private func closed() {
        if case .closed = phase { return }
        let previous = phase
        phase = .closed
        disarm()
        if let t = handlerTimer {
            server.loop.cancel(t)
            handlerTimer = nil
        }
        buffer = []
        server.connectionClosed(id)
        if case .handling(let context) = previous { context.cancel() }
    }
}
