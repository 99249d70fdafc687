import EventLoop

/// Carries out one delivery attempt the way the firmware does: a new TCP connection per
/// report, the request written as raw bytes (the empty-target request line cannot be produced
/// by a well-behaved HTTP client), then the first status line of the answer decides.
///
/// The whole attempt (connect, write, status line) is bounded by one timeout; only an answer
/// of exactly 200 acknowledges the report (§8: anything else makes the PBX resend).
final class ReportSender {
    let loop: EventLoop
    /// Status lines longer than this are not HTTP; the attempt counts as reset.
    static let maxStatusLineBytes = 1024

    private var inFlight: [Int64: SenderAttempt] = [:]

    init(loop: EventLoop) { self.loop = loop }

    var count: Int { inFlight.count }

    /// Starts the attempt; `written` runs once the request is on the wire, `done` exactly once.
    func send(_ attempt: SimDeliveryAttempt, bytes: [UInt8], timeoutMs: Int64,
              written: @escaping () -> Void, done: @escaping (SimDeliveryOutcome) -> Void) {
        let d = attempt.delivery.destination
        guard let address = SocketAddress(ip: d.host, port: d.port) else {
            loop.post { done(.failed("destination host " + d.host + " is not a numeric IP address")) }
            return
        }
        let id = attempt.itemID
        let a = SenderAttempt(loop: loop, bytes: bytes, written: written) { [self] outcome in
            self.inFlight[id] = nil
            done(outcome)
        }
        inFlight[id] = a
        a.start(address: address, timeoutMs: timeoutMs)
    }

    /// Abandons every attempt (simulator stopping); their `done` is not called.
    func cancelAll() {
        let all = inFlight
        inFlight = [:]
        for (_, a) in all { a.cancel() }
    }
}

final class SenderAttempt {
    let loop: EventLoop
    let bytes: [UInt8]
    private var written: (() -> Void)?
    private var done: ((SimDeliveryOutcome) -> Void)?
    private var connecting: ConnectAttempt?
    private var conn: TCPConnection?
    private var timer: TimerID?
    private var response: [UInt8] = []

    init(loop: EventLoop, bytes: [UInt8], written: @escaping () -> Void, done: @escaping (SimDeliveryOutcome) -> Void) {
        self.loop = loop
        self.bytes = bytes
        self.written = written
        self.done = done
    }

    func start(address: SocketAddress, timeoutMs: Int64) {
        timer = loop.schedule(afterMs: timeoutMs > 0 ? timeoutMs : 1) { [self] in
            self.timer = nil
            self.finish(.timeout)
        }
        connecting = TCPConnection.connect(loop: loop, to: address, timeoutMs: timeoutMs) { [self] result in
            self.connecting = nil
            switch result {
            case .failure(let e): self.finish(SenderAttempt.outcome(e))
            case .success(let c): self.connected(c)
            }
        }
    }

    private func connected(_ c: TCPConnection) {
        guard done != nil else {
            c.close()
            return
        }
        conn = c
        c.onRead = { [self] b in self.read(b) }
        c.onClose = { [self] e in
            self.conn = nil
            if let e = e, e.code == SenderAttempt.econnrefused { self.finish(.refused) } else { self.finish(.reset) }
        }
        c.write(bytes)
        if let w = written {
            written = nil
            w()
        }
    }

    private func read(_ b: [UInt8]) {
        response += b
        guard let nl = response.firstIndex(of: 0x0A) else {
            if response.count > ReportSender.maxStatusLineBytes { finish(.reset) }
            return
        }
        finish(SenderAttempt.status(Array(response[0..<nl])))
    }

    /// `HTTP/1.x NNN ...` → acknowledged for 200, rejected otherwise; junk counts as a reset.
    static func status(_ line: [UInt8]) -> SimDeliveryOutcome {
        let prefix = Array("HTTP/".utf8)
        guard line.count >= 12, Array(line[0..<5]) == prefix else { return .reset }
        var i = 5
        while i < line.count && line[i] != 0x20 { i += 1 }
        while i < line.count && line[i] == 0x20 { i += 1 }
        var code = 0
        var digits = 0
        while i < line.count, line[i] >= 0x30, line[i] <= 0x39, digits < 3 {
            code = code * 10 + Int(line[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits == 3 else { return .reset }
        return code == 200 ? .acknowledged : .rejected(status: code)
    }

    // Linux errno values, identical on x86_64, aarch64 and arm (asm-generic).
    static let econnrefused: Int32 = 111
    static let econnreset: Int32 = 104
    static let etimedout: Int32 = 110

    static func outcome(_ e: SystemError) -> SimDeliveryOutcome {
        switch e.code {
        case econnrefused: return .refused
        case econnreset: return .reset
        case etimedout: return .timeout
        default: return .failed(e.message)
        }
    }

    func cancel() {
        done = nil
        written = nil
        teardown()
    }

    private func finish(_ outcome: SimDeliveryOutcome) {
        guard let d = done else { return }
        done = nil
        written = nil
        teardown()
        d(outcome)
    }

    private func teardown() {
        if let t = timer { loop.cancel(t) }
        timer = nil
        connecting?.cancel()
        connecting = nil
        if let c = conn {
            conn = nil
            c.close()
        }
    }
}
