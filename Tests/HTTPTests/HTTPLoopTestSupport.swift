import Foundation
import XCTest
import EventLoop
@testable import HTTP

let loopback = SocketAddress(ip: "127.0.0.1", port: 0)!

/// A raw TCP peer driven by the loop: sends exactly the bytes it is given (whole, or one
/// byte per tick), records what comes back and when the server closed.
final class RawPeer {
    let loop: EventLoop
    private(set) var connection: TCPConnection?
    private(set) var received: [UInt8] = []
    private(set) var closedAtMs: Int64?
    private(set) var connectError: SystemError?
    private var dribbleTimer: TimerID?
    var onReceive: (RawPeer) -> Void = { _ in }
    var onClosed: (RawPeer) -> Void = { _ in }
    let startedAtMs: Int64

    init(loop: EventLoop, to address: SocketAddress, then: @escaping (RawPeer) -> Void = { _ in }) {
        self.loop = loop
        startedAtMs = loop.refreshNow()
        TCPConnection.connect(loop: loop, to: address, timeoutMs: 2000) { [self] result in
            switch result {
            case .failure(let e):
                self.connectError = e
                self.closedAtMs = loop.refreshNow()
                self.onClosed(self)
            case .success(let c):
                self.connection = c
                c.onRead = { [self] bytes in
                    self.received += bytes
                    self.onReceive(self)
                }
                c.onClose = { [self] _ in
                    self.closedAtMs = loop.refreshNow()
                    if let t = self.dribbleTimer { loop.cancel(t) }
                    self.connection = nil
                    self.onClosed(self)
                }
                then(self)
            }
        }
    }

    var text: String { received.text }
    var isClosed: Bool { closedAtMs != nil }
    var elapsedAtCloseMs: Int64? { closedAtMs.map { $0 - startedAtMs } }

    func send(_ bytes: [UInt8]) { connection?.write(bytes) }
    func send(_ text: String) { send(Array(text.utf8)) }

    /// Sends one byte every `everyMs` (each its own TCP segment: TCP_NODELAY is on).
    func dribble(_ bytes: [UInt8], everyMs: Int64, then: @escaping () -> Void = {}) {
        var index = 0
        func step() {
            guard index < bytes.count, let c = connection else {
                if index >= bytes.count { then() }
                return
            }
            c.write([bytes[index]])
            index += 1
            dribbleTimer = loop.schedule(afterMs: everyMs) { step() }
        }
        step()
    }

    func close() { connection?.close() }
}

/// A process running beside the loop; the loop polls it so nothing blocks.
final class ChildProcess {
    let process = Process()
    private let output = Pipe()
    private var collected = Data()

    init(_ arguments: [String], mergeStderr: Bool = false) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = mergeStderr ? output : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Reads one line of stdout, blocking (before the loop runs): a server printing its port.
    func readLine() -> String {
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line += byte
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Calls `done(stdout)` from the loop once the process exits.
    func whenExited(loop: EventLoop, _ done: @escaping (String) -> Void) {
        func poll() {
            if process.isRunning {
                loop.schedule(afterMs: 10) { poll() }
                return
            }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            done(String(decoding: data, as: UTF8.self))
        }
        poll()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

func responseOK(_ body: String = "ok") -> HTTPResponse {
    HTTPResponse(status: 200, contentType: "text/plain", body: body)
}

/// Splits a raw byte stream of responses into decoded responses (for multi-response reads).
func decodeResponses(_ bytes: [UInt8], method: String = "GET") -> (responses: [HTTPResponse], error: HTTPError?) {
    let outcome = feed({ HTTPResponseDecoder(limits: HTTPLimits(), requestMethod: method) }, bytes, cuts: [])
    return (outcome.messages, outcome.error)
}
