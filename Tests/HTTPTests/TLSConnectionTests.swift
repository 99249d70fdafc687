import Foundation
import XCTest
import CSystem
import EventLoop
@testable import HTTP

final class TLSConnectionTests: XCTestCase {
    nonisolated(unsafe) static var pki: TLSTestPKI?

    override class func setUp() {
        super.setUp()
        pki = try? TLSTestPKI()
    }

    override class func tearDown() {
        pki?.remove()
        pki = nil
        super.tearDown()
    }

    private func requirePKI() throws -> TLSTestPKI {
        guard let p = TLSConnectionTests.pki else { throw XCTSkip("openssl CLI could not make the test PKI") }
        return p
    }

    /// Connects, and on success runs `then`; returns the failure otherwise.
    private func handshake(server: OpenSSLServer, name: String, caFile: String?, loop: EventLoop,
                           then: @escaping (TLSConnection) -> Void = { $0.close() }) throws -> TLSError? {
        let ctx = try TLSClientContext(caFile: caFile)
        var failure: TLSError?
        var calls = 0
        TLSConnection.connect(loop: loop, to: server.address, serverName: name, context: ctx, timeoutMs: 5000) { r in
            calls += 1
            switch r {
            case .success(let t): then(t)
            case .failure(let e): failure = e; loop.stop()
            }
        }
        runLoop(loop)
        XCTAssertEqual(calls, 1)
        return failure
    }

    func testHandshakeVerifiesServerAndExchangesData() throws {
        let pki = try requirePKI()
        let server = try OpenSSLServer(pki: pki, mode: ["-www"])
        defer { server.stop() }
        let loop = try EventLoop()
        var response: [UInt8] = []
        var closes: [TLSError?] = []
        var version = ""
        var cipher = ""
        let failure = try handshake(server: server, name: "localhost", caFile: pki.caFile, loop: loop) { t in
            version = t.protocolVersion
            cipher = t.cipherName
            t.onRead = { response += $0 }
            t.onClose = { closes.append($0); loop.stop() }
            t.write(Array("GET / HTTP/1.0\r\n\r\n".utf8))
        }
        XCTAssertNil(failure, failure?.message ?? "")
        XCTAssertEqual(version, "TLSv1.3")
        XCTAssertFalse(cipher.isEmpty)
        let text = String(decoding: response, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("HTTP/1.0 200 ok"), String(text.prefix(200)))
        XCTAssertEqual(closes.count, 1)
        XCTAssertNil(closes.first ?? nil)
        XCTAssertEqual(loop.watchedCount, 0)
        XCTAssertEqual(loop.pendingTimers, 0)
    }

    func testManyRecordsBothWaysOverTLS12() throws {
        let pki = try requirePKI()
        let server = try OpenSSLServer(pki: pki, mode: ["-rev", "-tls1_2"])
        defer { server.stop() }
        let loop = try EventLoop()
        let lines = (0..<3000).map { "line\($0)-" + String(repeating: "x", count: $0 % 50) }
        var received: [UInt8] = []
        var version = ""
        let expected = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        let failure = try handshake(server: server, name: "localhost", caFile: pki.caFile, loop: loop) { t in
            version = t.protocolVersion
            t.onRead = { chunk in
                received += chunk
                if received.count >= expected { t.closeAfterFlush() }
            }
            t.onClose = { e in
                XCTAssertNil(e)
                loop.stop()
            }
            // One big write: many records, more than the socket takes at once is fine.
            t.write(Array(lines.map { $0 + "\n" }.joined().utf8))
        }
        XCTAssertNil(failure, failure?.message ?? "")
        XCTAssertEqual(version, "TLSv1.2")
        let got = String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(got.count, lines.count)
        XCTAssertEqual(got.first, String(lines[0].reversed()))
        XCTAssertEqual(got, lines.map { String($0.reversed()) })
    }

    func testIPLiteralIsCheckedAgainstIPSubjectAltName() throws {
        let pki = try requirePKI()
        let server = try OpenSSLServer(pki: pki, mode: ["-www"])
        defer { server.stop() }
        let loop = try EventLoop()
        var ok = false
        let failure = try handshake(server: server, name: "127.0.0.1", caFile: pki.caFile, loop: loop) { t in
            ok = true
            t.onClose = { _ in loop.stop() }
            t.close()
        }
        XCTAssertNil(failure, failure?.message ?? "")
        XCTAssertTrue(ok)

        let loop2 = try EventLoop()
        let wrongIP = try handshake(server: server, name: "127.0.0.2", caFile: pki.caFile, loop: loop2) { _ in XCTFail("accepted wrong IP"); loop2.stop() }
        XCTAssertEqual(wrongIP?.verifyResult, 64)   // X509_V_ERR_IP_ADDRESS_MISMATCH
    }

    func testUnknownCAGivesVerifyError20() throws {
        let pki = try requirePKI()
        let server = try OpenSSLServer(pki: pki, mode: ["-www"])
        defer { server.stop() }
        let loop = try EventLoop()
        let failure = try handshake(server: server, name: "localhost", caFile: pki.otherCAFile, loop: loop) { _ in
            XCTFail("handshake must fail"); loop.stop()
        }
        XCTAssertEqual(failure?.verifyResult, 20)
        let m = failure?.message ?? ""
        XCTAssertTrue(m.contains("certificate verify failed: unable to get local issuer certificate (20)"), m)
        XCTAssertTrue(m.contains("localhost (127.0.0.1:\(server.port))"), m)
        XCTAssertTrue(m.contains("SSL routines"), "keeps OpenSSL's error string: " + m)
        XCTAssertEqual(failure?.systemError.code, EPROTO)
        XCTAssertEqual(loop.watchedCount, 0)
    }

    func testWrongHostNameGivesVerifyError62() throws {
        let pki = try requirePKI()
        let server = try OpenSSLServer(pki: pki, mode: ["-www"])
        defer { server.stop() }
        let loop = try EventLoop()
        let failure = try handshake(server: server, name: "pbx.example.com", caFile: pki.caFile, loop: loop) { _ in
            XCTFail("handshake must fail"); loop.stop()
        }
        XCTAssertEqual(failure?.verifyResult, 62)
        XCTAssertTrue(failure?.message.contains("certificate verify failed: hostname mismatch (62)") ?? false, failure?.message ?? "")
    }

    func testHandshakeTimesOutAgainstSilentServer() throws {
        let loop = try EventLoop()
        var held: [TCPConnection] = []
        let silent = try TCPListener(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: 0)!) { held.append($0) }
        let ctx = try TLSClientContext(caFile: nil)
        var failure: TLSError?
        let start = csys_monotonic_ms()
        TLSConnection.connect(loop: loop, to: silent.localAddress, serverName: "localhost", context: ctx, timeoutMs: 200) { r in
            if case .failure(let e) = r { failure = e }
            loop.stop()
        }
        runLoop(loop)
        let elapsed = csys_monotonic_ms() - start
        guard case .timeout(_, let ms) = failure else { return XCTFail("expected timeout, got \(String(describing: failure))") }
        XCTAssertLessThanOrEqual(ms, 200)
        XCTAssertGreaterThanOrEqual(elapsed, 190)
        XCTAssertEqual(failure?.systemError.code, ETIMEDOUT)
        XCTAssertTrue(failure?.message.contains("timed out after") ?? false)
        for c in held { c.close() }
        silent.close()
    }

    func testServerClosingDuringHandshake() throws {
        let loop = try EventLoop()
        let rude = try TCPListener(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: 0)!) { c in
            c.onRead = { _ in c.close() }
        }
        let ctx = try TLSClientContext(caFile: nil)
        var failure: TLSError?
        TLSConnection.connect(loop: loop, to: rude.localAddress, serverName: "localhost", context: ctx, timeoutMs: 2000) { r in
            if case .failure(let e) = r { failure = e }
            loop.stop()
        }
        runLoop(loop)
        XCTAssertEqual(failure, .closedDuringHandshake(server: "localhost (\(rude.localAddress))"))
        rude.close()
    }

    func testPlainHTTPServerIsAHandshakeError() throws {
        let loop = try EventLoop()
        let plain = try TCPListener(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: 0)!) { c in
            c.onRead = { _ in
                c.write(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8))
                c.closeAfterFlush()
            }
        }
        let ctx = try TLSClientContext(caFile: nil)
        var failure: TLSError?
        TLSConnection.connect(loop: loop, to: plain.localAddress, serverName: "localhost", context: ctx, timeoutMs: 2000) { r in
            if case .failure(let e) = r { failure = e }
            loop.stop()
        }
        runLoop(loop)
        guard case .handshake(_, let detail) = failure else { return XCTFail("expected handshake error, got \(String(describing: failure))") }
        XCTAssertTrue(detail.contains("wrong version number") || detail.contains("packet length too long"), detail)
        plain.close()
    }

    func testConnectRefusedIsAConnectError() throws {
        let loop = try EventLoop()
        let l = try TCPListener(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: 0)!) { _ in }
        let address = l.localAddress
        l.close()
        let ctx = try TLSClientContext(caFile: nil)
        var failure: TLSError?
        TLSConnection.connect(loop: loop, to: address, serverName: "localhost", context: ctx, timeoutMs: 2000) { r in
            if case .failure(let e) = r { failure = e }
            loop.stop()
        }
        runLoop(loop)
        XCTAssertEqual(failure?.systemError.code, ECONNREFUSED)
        XCTAssertEqual(failure?.message, "connect \(address): Connection refused")
    }

    func testCancelDuringHandshake() throws {
        let loop = try EventLoop()
        var held: [TCPConnection] = []
        let silent = try TCPListener(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: 0)!) { held.append($0) }
        let ctx = try TLSClientContext(caFile: nil)
        var results: [Result<TLSConnection, TLSError>] = []
        let attempt = TLSConnection.connect(loop: loop, to: silent.localAddress, serverName: "localhost", context: ctx, timeoutMs: 5000) { r in
            results.append(r)
        }
        loop.schedule(afterMs: 50) { attempt.cancel(); attempt.cancel() }
        loop.schedule(afterMs: 100) { loop.stop() }
        runLoop(loop)
        XCTAssertEqual(results.count, 1)
        guard case .failure(let e) = results.first else { return XCTFail("expected failure") }
        XCTAssertEqual(e.systemError.code, ECANCELED)
        XCTAssertEqual(loop.pendingTimers, 0)
        for c in held { c.close() }
        silent.close()
    }

    func testStartOverAnExistingTCPConnectionWithPausedReading() throws {
        let pki = try requirePKI()
        let server = try OpenSSLServer(pki: pki, mode: ["-www"])
        defer { server.stop() }
        let loop = try EventLoop()
        let ctx = try TLSClientContext(caFile: pki.caFile)
        var response: [UInt8] = []
        var sawNothingWhilePaused = false
        var closed = false
        TCPConnection.connect(loop: loop, to: server.address, timeoutMs: 2000) { r in
            guard case .success(let tcp) = r else { XCTFail("tcp connect"); loop.stop(); return }
            TLSConnection.start(over: tcp, serverName: "localhost", context: ctx, timeoutMs: 2000) { r in
                guard case .success(let t) = r else { XCTFail("handshake"); loop.stop(); return }
                t.onRead = { response += $0 }
                t.onClose = { e in XCTAssertNil(e); closed = true; loop.stop() }
                t.pauseReading()
                t.write(Array("GET / HTTP/1.0\r\n\r\n".utf8))
                loop.schedule(afterMs: 150) {
                    sawNothingWhilePaused = response.isEmpty
                    t.resumeReading()
                }
            }
        }
        runLoop(loop)
        XCTAssertTrue(sawNothingWhilePaused)
        XCTAssertTrue(closed)
        XCTAssertTrue(String(decoding: response, as: UTF8.self).hasPrefix("HTTP/1.0 200 ok"))
        XCTAssertEqual(loop.watchedCount, 0)
    }

    func testStartOverAClosedTCPConnectionFailsFromTheLoop() throws {
        let loop = try EventLoop()
        let l = try TCPListener(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: 0)!) { _ in }
        let ctx = try TLSClientContext(caFile: nil)
        var results: [Result<TLSConnection, TLSError>] = []
        TCPConnection.connect(loop: loop, to: l.localAddress, timeoutMs: 2000) { r in
            guard case .success(let tcp) = r else { XCTFail("tcp connect"); loop.stop(); return }
            tcp.close()
            TLSConnection.start(over: tcp, serverName: "localhost", context: ctx, timeoutMs: 2000) { results.append($0) }
            XCTAssertTrue(results.isEmpty, "never completes inside start()")
            loop.schedule(afterMs: 20) { loop.stop() }
        }
        runLoop(loop)
        XCTAssertEqual(results.count, 1)
        guard case .failure(.closedDuringHandshake) = results.first else { return XCTFail("expected closedDuringHandshake") }
        l.close()
    }

    func testMissingCAFileIsASetupError() {
        XCTAssertThrowsError(try TLSClientContext(caFile: "/nonexistent/ca.pem")) { e in
            guard case .setup(let step, _) = e as? TLSError else { return XCTFail("expected setup error") }
            XCTAssertEqual(step, "loading CA file /nonexistent/ca.pem")
            XCTAssertTrue((e as? TLSError)?.message.hasPrefix("TLS setup failed at loading CA file /nonexistent/ca.pem: ") ?? false)
        }
    }

    func testUsableAsByteStream() throws {
        let pki = try requirePKI()
        let server = try OpenSSLServer(pki: pki, mode: ["-www"])
        defer { server.stop() }
        let loop = try EventLoop()
        var text = ""
        weak var weakSession: TLSConnection?
        let failure = try handshake(server: server, name: "localhost", caFile: pki.caFile, loop: loop) { t in
            weakSession = t
            let stream: any ByteStream = t
            stream.setHandlers(onRead: { text += String(decoding: $0, as: UTF8.self) },
                               onClose: { e in XCTAssertNil(e); loop.stop() })
            stream.write(Array("GET / HTTP/1.0\r\n\r\n".utf8))
            XCTAssertEqual(stream.peerDescription, "localhost (127.0.0.1:\(server.port))")
        }
        XCTAssertNil(failure)
        XCTAssertTrue(text.hasPrefix("HTTP/1.0 200 ok"))
        XCTAssertNil(weakSession, "closed session and its TCP connection are freed")
    }
}
