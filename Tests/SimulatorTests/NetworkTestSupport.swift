import EventLoop
import Foundation
import JSON
import XCTest
@testable import Simulator

/// Runs an in-process simulator on a real loop and talks to it over loopback with raw bytes.
final class SimNet {
    let loop: EventLoop
    let sim: Simulator

    init(_ configure: (inout SimulatorSettings) -> Void = { _ in }) throws {
        loop = try EventLoop()
        var s = SimulatorSettings()
        s.resendIntervalMs = 50
        s.deliveryTimeoutMs = 1_000
        configure(&s)
        sim = try Simulator(loop: loop, settings: s, api: SocketAddress(ip: "127.0.0.1", port: 0),
                            control: SocketAddress(ip: "127.0.0.1", port: 0), logger: Logger(level: .error))
        try sim.start()
    }

    deinit {
        sim.stop()
        loop.close()
    }

    var api: SocketAddress { sim.apiAddress! }
    var control: SocketAddress { sim.controlAddress! }

    /// Runs the loop until `condition` holds or `timeout` seconds pass; returns the condition.
    @discardableResult
    func run(until timeout: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() >= deadline { return false }
            let t = loop.schedule(afterMs: 5) { [loop] in loop.stop() }
            loop.run()
            loop.cancel(t)
        }
        return true
    }

    /// Lets the loop run for `seconds`.
    func spin(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        run(until: seconds + 1) { Date() >= deadline }
    }

    struct Reply {
        var raw: [UInt8]
        var closed: Bool
        var status: Int {
            let line = raw.split(separator: 0x0A).first.map { Array($0) } ?? []
            return SenderAttempt.status(line).statusCode
        }
        var head: String {
            guard let (h, _) = headEnd(raw) else { return text(raw) }
            return text(Array(raw[0..<h])) + "\r\n"
        }
        var body: [UInt8] {
            guard let (_, b) = headEnd(raw) else { return [] }
            return Array(raw[b...])
        }
        var json: JSONValue { (try? JSON.parse(body)) ?? .null }
    }

    /// Sends raw request bytes on a new connection; waits for the peer to close (or `timeout`).
    func exchange(_ to: SocketAddress, _ request: [UInt8], timeout: Double = 3) -> Reply? {
        var received: [UInt8] = []
        var closed = false
        var conn: TCPConnection?
        var failed = false
        TCPConnection.connect(loop: loop, to: to, timeoutMs: 2_000) { r in
            switch r {
            case .failure: failed = true
            case .success(let c):
                conn = c
                c.onRead = { received += $0 }
                c.onClose = { _ in closed = true }
                c.write(request)
            }
        }
        run(until: timeout) { closed || failed }
        if !closed { conn?.close() }
        if failed { return nil }
        return Reply(raw: received, closed: closed)
    }

    func http(_ to: SocketAddress, _ method: String, _ target: String, body: String = "") -> Reply? {
        var req = method + " " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        if !body.isEmpty || method == "POST" { req += "Content-Type: application/json\r\nContent-Length: " + String(body.utf8.count) + "\r\n" }
        req += "\r\n" + body
        return exchange(to, Array(req.utf8))
    }

    func pbx(_ endpoint: String, token: String? = nil, body: String = "", type: String = "json") -> Reply? {
        var target = "/api/v0.0.1/" + endpoint + "?type=" + type
        if let t = token { target += "&token=" + t }
        return http(api, "POST", target, body: body)
    }

    func ctl(_ method: String, _ path: String, body: String = "") -> Reply? {
        http(control, method, path, body: body)
    }

    func login(port: UInt16, url: String? = nil, password: String = md5Secret) -> String {
        var body = #"{"username":"api","password":""# + password + #"","port":""# + String(port) + #"""#
        if let u = url { body += #","url":""# + u + #"","urltag":"1""# }
        body += "}"
        return pbx("login", body: body)?.json["token"]?.string ?? ""
    }

    func state() -> JSONValue { ctl("GET", "/sim/state")?.json ?? .null }
}

extension SimDeliveryOutcome {
    var statusCode: Int {
        switch self {
        case .acknowledged: return 200
        case .rejected(let s): return s
        default: return 0
        }
    }
}

/// End of the head (CRLF CRLF or LF LF), searched in bytes: in a Swift `String` "\r\n" is one
/// Character, which defeats substring search. Returns (head length, body start).
func headEnd(_ b: [UInt8]) -> (Int, Int)? {
    var i = 0
    while i + 1 < b.count {
        if b[i] == 0x0A && b[i + 1] == 0x0A { return (i, i + 2) }
        if i + 3 < b.count && b[i] == 0x0D && b[i + 1] == 0x0A && b[i + 2] == 0x0D && b[i + 3] == 0x0A { return (i, i + 4) }
        i += 1
    }
    return nil
}

/// A stand-in for the agent's report listener: records every request's raw bytes and answers
/// with the next queued status (200 once the queue is empty), then closes.
final class ReportReceiver {
    let listener: TCPListener
    var requests: [[UInt8]] = []
    var statuses: [Int] = []
    /// Accept and read, but never answer (for delivery timeouts).
    var silent = false
    var port: UInt16 { listener.localAddress.port }
    private var open: [TCPConnection] = []

    init(loop: EventLoop) throws {
        var onAccept: ((TCPConnection) -> Void)?
        listener = try TCPListener(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: 0)!) { c in onAccept?(c) }
        onAccept = { [unowned self] c in self.accept(c) }
    }

    deinit { close() }

    func close() {
        listener.close()
        for c in open { c.close() }
        open = []
    }

    var bodies: [String] { requests.map { r in
        guard let (_, bodyStart) = headEnd(r) else { return "" }
        return text(Array(r[bodyStart...]))
    } }

    var actions: [String] { bodies.map { ((try? JSON.parse($0))?["action"]?.string) ?? "?" } }

    private func accept(_ c: TCPConnection) {
        var buf: [UInt8] = []
        open.append(c)
        c.onRead = { [unowned self] b in
            buf += b
            guard let total = ReportReceiver.complete(buf) else { return }
            self.requests.append(Array(buf[0..<total]))
            if self.silent { return }
            let status = self.statuses.isEmpty ? 200 : self.statuses.removeFirst()
            c.write(Array(("HTTP/1.1 " + String(status) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").utf8))
            c.closeAfterFlush()
        }
        c.onClose = { [unowned self] _ in self.open.removeAll { $0 === c } }
    }

    /// Length of a complete request in `b` (head + Content-Length body), nil while incomplete.
    static func complete(_ b: [UInt8]) -> Int? {
        guard let (headLength, bodyStart) = headEnd(b) else { return nil }
        let head = text(Array(b[0..<headLength])).lowercased()
        var length = 0
        for line in head.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) where line.hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        return b.count >= bodyStart + length ? bodyStart + length : nil
    }
}
