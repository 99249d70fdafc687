import Foundation
import XCTest
import EventLoop

/// A throwaway PKI made with the `openssl` CLI: a test CA, a server certificate it signed
/// (subjectAltName=DNS:localhost,IP:127.0.0.1), and an unrelated second CA.
final class TLSTestPKI {
    let dir: URL
    var caFile: String { dir.appendingPathComponent("ca.pem").path }
    var otherCAFile: String { dir.appendingPathComponent("other-ca.pem").path }
    var serverCert: String { dir.appendingPathComponent("srv.pem").path }
    var serverKey: String { dir.appendingPathComponent("srv.key").path }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ucagent-tls-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try run(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=ucagent test CA"])
        try run(["req", "-x509"] + ec + ["-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=some other CA"])
        try run(["req"] + ec + ["-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost"])
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
            .write(to: dir.appendingPathComponent("ext.cnf"), atomically: true, encoding: .utf8)
        try run(["x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf"])
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    private func run(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl"] + args
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "openssl", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "openssl " + args.joined(separator: " ")])
        }
    }
}

/// `openssl s_server` on 127.0.0.1 with a kernel-chosen port, read from its "ACCEPT" line.
final class OpenSSLServer {
    let process = Process()
    let port: UInt16
    private let output = Pipe()

    /// `mode`: extra s_server options, e.g. `["-www"]` or `["-rev"]`, `["-tls1_2"]`.
    init(pki: TLSTestPKI, mode: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", pki.serverCert, "-key", pki.serverKey] + mode
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var text = ""
        var found: UInt16?
        while found == nil {
            let d = output.fileHandleForReading.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("ACCEPT ") {
                if let colon = line.lastIndex(of: ":") { found = UInt16(line[line.index(after: colon)...]) }
            }
        }
        guard let p = found else {
            process.terminate()
            throw NSError(domain: "s_server", code: 1, userInfo: [NSLocalizedDescriptionKey: "s_server did not start: " + text])
        }
        port = p
        // Keep draining its output so it never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { h in _ = h.availableData }
    }

    var address: SocketAddress { SocketAddress(ip: "127.0.0.1", port: port)! }

    func stop() {
        output.fileHandleForReading.readabilityHandler = nil
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

func runLoop(_ loop: EventLoop, seconds: Int64 = 10, file: StaticString = #filePath, line: UInt = #line) {
    var timedOut = false
    let t = loop.schedule(afterMs: seconds * 1000) {
        timedOut = true
        loop.stop()
    }
    loop.run()
    loop.cancel(t)
    if timedOut { XCTFail("event loop watchdog: nothing stopped the loop within \(seconds) s", file: file, line: line) }
}
