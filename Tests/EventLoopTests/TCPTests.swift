import XCTest
import CSystem
@testable import EventLoop

final class TCPTests: XCTestCase {
    func testEchoOverLoopback() throws {
        let loop = try EventLoop()
        var serverClosed: [SystemError?] = []
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            conn.onRead = { conn.write($0) }
            conn.onClose = { serverClosed.append($0) }
        }
        XCTAssertEqual(listener.localAddress.ip, "127.0.0.1")
        XCTAssertNotEqual(listener.localAddress.port, 0)
        var received: [UInt8] = []
        var clientClosed = false
        let message = bytes("hello over loopback\r\n")
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 2000) { result in
            guard case .success(let c) = result else { XCTFail("connect failed"); loop.stop(); return }
            XCTAssertEqual(c.peer, listener.localAddress)
            XCTAssertEqual(c.local.ip, "127.0.0.1")
            c.onRead = { chunk in
                received += chunk
                if received.count == message.count { c.close() }
            }
            c.onClose = { err in
                XCTAssertNil(err)
                clientClosed = true
            }
            c.write(message)
        }
        loop.addBeforeSleep { if clientClosed && serverClosed.count == 1 { loop.stop() } }
        runLoop(loop)
        XCTAssertEqual(received, message)
        XCTAssertEqual(serverClosed.count, 1)
        XCTAssertNil(serverClosed[0] ?? nil, "peer close is onClose(nil)")
        XCTAssertEqual(loop.counters.acceptedConnections, 1)
        listener.close()
        XCTAssertEqual(loop.watchedCount, 0)
    }

    func testConnectRefusedGivesECONNREFUSEDWithAdminMessage() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, address: loopback) { _ in }
        let address = listener.localAddress
        listener.close()
        var outcome: Result<TCPConnection, SystemError>?
        var calls = 0
        TCPConnection.connect(loop: loop, to: address, timeoutMs: 2000) { r in
            outcome = r
            calls += 1
            loop.schedule(afterMs: 20) { loop.stop() }   // and make sure it is not called twice
        }
        XCTAssertNil(outcome, "completion never runs inside connect()")
        runLoop(loop)
        XCTAssertEqual(calls, 1)
        guard case .failure(let e) = outcome else { return XCTFail("expected failure") }
        XCTAssertEqual(e.code, ECONNREFUSED)
        XCTAssertEqual(e.message, "connect 127.0.0.1:\(address.port): Connection refused")
        XCTAssertEqual(loop.watchedCount, 0)
        XCTAssertEqual(loop.pendingTimers, 0)
    }

    /// No traffic leaves loopback: a listener with backlog 0 that never accepts has a full
    /// accept queue after a connection or two, and Linux then drops further SYNs, so the next
    /// connect stays in SYN_SENT until our timer gives up.
    func testConnectTimeoutAgainstListenerWithFullAcceptQueue() throws {
        let loop = try EventLoop()
        var a = loopback.cAddress
        let lfd = csys_listen(&a, 0)
        XCTAssertGreaterThanOrEqual(lfd, 0)
        defer { _ = csys_close(lfd) }
        var bound = csys_addr()
        XCTAssertEqual(csys_local_addr(lfd, &bound), 0)
        let target = SocketAddress(bound)

        var fillers: [TCPConnection] = []
        var timeout: SystemError?
        var elapsed: Int64 = 0
        func attempt(_ n: Int) {
            guard n < 8 else { XCTFail("accept queue never filled"); loop.stop(); return }
            let started = loop.refreshNow()
            TCPConnection.connect(loop: loop, to: target, timeoutMs: 300) { r in
                switch r {
                case .success(let c):
                    fillers.append(c)
                    attempt(n + 1)
                case .failure(let e):
                    timeout = e
                    elapsed = loop.refreshNow() - started
                    loop.stop()
                }
            }
        }
        attempt(0)
        runLoop(loop)
        XCTAssertEqual(timeout?.code, ETIMEDOUT)
        XCTAssertEqual(timeout?.message, "connect \(target): timed out after 300 ms")
        XCTAssertGreaterThanOrEqual(elapsed, 300)
        XCTAssertLessThan(elapsed, 1500)
        XCTAssertFalse(fillers.isEmpty)
        for c in fillers { c.close() }
        XCTAssertEqual(loop.watchedCount, 0)
    }

    func testCancelledConnectCompletesOnceWithECANCELED() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, address: loopback) { _ in }
        var results: [Result<TCPConnection, SystemError>] = []
        let attempt = TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { results.append($0) }
        attempt.cancel()
        attempt.cancel()
        loop.schedule(afterMs: 30) { loop.stop() }
        runLoop(loop)
        XCTAssertEqual(results.count, 1)
        guard case .failure(let e) = results.first else { return XCTFail("expected failure") }
        XCTAssertEqual(e.code, ECANCELED)
        listener.close()
        XCTAssertEqual(loop.pendingTimers, 0)
    }

    func testPeerCloseTriggersOnCloseNilOnceAndFdIsClosed() throws {
        let loop = try EventLoop()
        var serverCloses: [SystemError?] = []
        var serverFD: Int32 = -1
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            serverFD = conn.fd
            conn.onClose = { serverCloses.append($0); loop.schedule(afterMs: 20) { loop.stop() } }
        }
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
            guard case .success(let c) = r else { return XCTFail("connect") }
            loop.schedule(afterMs: 10) { c.close() }
        }
        runLoop(loop)
        XCTAssertEqual(serverCloses.count, 1)
        XCTAssertNil(serverCloses.first ?? nil)
        XCTAssertEqual(fcntl(serverFD, F_GETFD), -1, "fd closed")
        listener.close()
    }

    func testResetByPeerGivesAnError() throws {
        let loop = try EventLoop()
        var serverClose: [SystemError?] = []
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            conn.onClose = { serverClose.append($0); loop.stop() }
            conn.onRead = { _ in }
        }
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
            guard case .success(let c) = r else { return XCTFail("connect") }
            // SO_LINGER 0: close sends RST instead of FIN.
            var lg = linger(l_onoff: 1, l_linger: 0)
            setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, socklen_t(MemoryLayout<linger>.size))
            c.write(bytes("x"))
            loop.schedule(afterMs: 20) { c.close() }
        }
        runLoop(loop)
        XCTAssertEqual((serverClose.first ?? nil)?.code, ECONNRESET)
        XCTAssertEqual((serverClose.first ?? nil)?.message.hasSuffix("Connection reset by peer"), true)
        listener.close()
    }

    func testOutputCapClosesSlowReaderAndCountsIt() throws {
        let loop = try EventLoop()
        var serverClose: [SystemError?] = []
        var writesAttempted = 0
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            conn.maxOutputBytes = 256 * 1024
            conn.onClose = { serverClose.append($0); loop.schedule(afterMs: 10) { loop.stop() } }
            let chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
            // The kernel takes a few MB (socket buffers); the rest piles up until the cap.
            for _ in 0..<1024 where !conn.isClosed {
                conn.write(chunk)
                writesAttempted += 1
            }
        }
        var client: TCPConnection?
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
            guard case .success(let c) = r else { return XCTFail("connect") }
            c.pauseReading()   // never reads
            client = c
        }
        runLoop(loop)
        XCTAssertEqual((serverClose.first ?? nil)?.code, ENOBUFS)
        XCTAssertEqual((serverClose.first ?? nil)?.message.contains("output buffer over 262144 bytes"), true)
        XCTAssertLessThan(writesAttempted, 1024)
        XCTAssertEqual(loop.counters.outputOverflowCloses, 1)
        client?.close()
        listener.close()
    }

    func testCloseAfterFlushDeliversEverythingThenCloses() throws {
        let loop = try EventLoop()
        var payload = [UInt8](repeating: 0, count: 3 * 1024 * 1024)
        payload.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 12) }
        }
        var serverClose: [SystemError?] = []
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            conn.write(payload)
            conn.write(bytes("end"))
            conn.closeAfterFlush()
            conn.write(bytes("dropped"))
            conn.onClose = { serverClose.append($0) }
        }
        var received: [UInt8] = []
        var closeError: [SystemError?] = []
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
            guard case .success(let c) = r else { return XCTFail("connect") }
            c.onRead = { received += $0 }
            c.onClose = { closeError.append($0) }
        }
        loop.addBeforeSleep { if closeError.count == 1 && serverClose.count == 1 { loop.stop() } }
        runLoop(loop)
        XCTAssertEqual(received.count, payload.count + 3)
        let same = received.withUnsafeBytes { r in payload.withUnsafeBytes { p in memcmp(r.baseAddress!, p.baseAddress!, p.count) == 0 } }
        XCTAssertTrue(same)
        XCTAssertEqual(Array(received.suffix(3)), bytes("end"))
        XCTAssertEqual(closeError.count, 1)
        XCTAssertNil(closeError.first ?? nil)
        XCTAssertNil(serverClose.first ?? nil)
        listener.close()
        XCTAssertEqual(loop.watchedCount, 0)
        XCTAssertEqual(loop.pendingTimers, 0)
    }

    /// A reply sent while the peer is still uploading must arrive: closing with unread input
    /// would send RST instead of FIN.
    func testLingeringCloseDeliversReplyToAPeerStillSending() throws {
        let loop = try EventLoop()
        var serverClose: [SystemError?] = []
        var serverSawBytes: Int64 = 0
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            var replied = false
            conn.onRead = { _ in
                guard !replied else { return }
                replied = true
                conn.write(bytes("HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n"))
                conn.closeAfterFlush()
            }
            conn.onClose = { serverClose.append($0); serverSawBytes = conn.bytesRead }
        }
        var reply: [UInt8] = []
        var clientClose: [SystemError?] = []
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
            guard case .success(let c) = r else { return XCTFail("connect") }
            c.maxOutputBytes = 64 << 20
            c.onRead = { reply += $0 }
            c.onClose = { clientClose.append($0) }
            c.write([UInt8](repeating: 0x42, count: 8 << 20))
        }
        loop.addBeforeSleep { if serverClose.count == 1 && clientClose.count == 1 { loop.stop() } }
        runLoop(loop)
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), "HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(clientClose.count, 1)
        XCTAssertNil(clientClose.first ?? nil)
        XCTAssertNil(serverClose.first ?? nil)
        XCTAssertGreaterThan(serverSawBytes, 0)
        listener.close()
        XCTAssertEqual(loop.watchedCount, 0)
        XCTAssertEqual(loop.pendingTimers, 0)
    }

    func testLingerEndsAfterLingerMsWhenPeerNeverCloses() throws {
        let loop = try EventLoop()
        var closedAfter: Int64 = -1
        var client: TCPConnection?
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            conn.lingerMs = 100
            let start = loop.refreshNow()
            conn.onClose = { e in
                XCTAssertNil(e)
                closedAfter = loop.refreshNow() - start
                loop.stop()
            }
            conn.write(bytes("bye"))
            conn.closeAfterFlush()
        }
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
            guard case .success(let c) = r else { return XCTFail("connect") }
            c.pauseReading()   // never sees our FIN, never closes
            client = c
        }
        runLoop(loop)
        XCTAssertGreaterThanOrEqual(closedAfter, 100)
        XCTAssertLessThan(closedAfter, 1000)
        client?.close()
        listener.close()
    }

    func testPauseAndResumeReading() throws {
        let loop = try EventLoop()
        var server: TCPConnection?
        var got: [UInt8] = []
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            server = conn
            conn.pauseReading()
            conn.onRead = { got += $0; if got.count == 5 { loop.stop() } }
        }
        var sawNothingWhilePaused = false
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
            guard case .success(let c) = r else { return XCTFail("connect") }
            c.write(bytes("hello"))
            loop.schedule(afterMs: 50) {
                sawNothingWhilePaused = got.isEmpty
                server?.resumeReading()
            }
        }
        runLoop(loop)
        XCTAssertTrue(sawNothingWhilePaused)
        XCTAssertEqual(got, bytes("hello"))
        server?.close()
        listener.close()
    }

    func testPausedConnectionWhosePeerHungUpDoesNotSpinTheLoop() throws {
        let loop = try EventLoop()
        var server: TCPConnection?
        var serverClose: [SystemError?] = []
        let listener = try TCPListener(loop: loop, address: loopback) { conn in
            server = conn
            conn.pauseReading()
            conn.onClose = { serverClose.append($0) }
        }
        var iterations = 0
        loop.addBeforeSleep { iterations += 1 }
        TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
            guard case .success(let c) = r else { return XCTFail("connect") }
            c.write(bytes("bye"))
            c.close()
        }
        loop.schedule(afterMs: 150) { loop.stop() }
        runLoop(loop)
        XCTAssertLessThan(iterations, 50, "a paused, hung-up socket must not wake the loop continuously")
        XCTAssertTrue(serverClose.isEmpty)
        // Resuming reads what was left, then sees EOF.
        var got: [UInt8] = []
        server?.onRead = { got += $0 }
        server?.onClose = { serverClose.append($0); loop.stop() }
        server?.resumeReading()
        runLoop(loop)
        XCTAssertEqual(got, bytes("bye"))
        XCTAssertEqual(serverClose.count, 1)
        listener.close()
        XCTAssertEqual(loop.watchedCount, 0)
    }

    func testThousandConcurrentConnectionsEcho() throws {
        let loop = try EventLoop()
        let n = 1000
        var serverCloses = 0
        let listener = try TCPListener(loop: loop, address: loopback, backlog: 1024) { conn in
            conn.onRead = { conn.write($0) }
            conn.onClose = { _ in serverCloses += 1 }
        }
        var done = 0
        var failures: [String] = []
        for i in 0..<n {
            let message = bytes("client \(i) says hello " + String(repeating: "x", count: i % 97) + "\n")
            TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 5000) { r in
                switch r {
                case .failure(let e):
                    failures.append(e.message)
                    done += 1
                case .success(let c):
                    var got: [UInt8] = []
                    c.onRead = { chunk in
                        got += chunk
                        if got.count >= message.count {
                            if got != message { failures.append("client \(i) got wrong bytes") }
                            c.close()
                        }
                    }
                    c.onClose = { _ in done += 1 }
                    c.write(message)
                }
            }
        }
        loop.addBeforeSleep { if done == n && serverCloses == n { loop.stop() } }
        runLoop(loop, seconds: 30)
        XCTAssertEqual(failures, [])
        XCTAssertEqual(done, n)
        XCTAssertEqual(serverCloses, n)
        XCTAssertEqual(loop.counters.acceptedConnections, Int64(n))
        listener.close()
        XCTAssertEqual(loop.watchedCount, 0)
    }

    func testClosedConnectionsAndTheirHandlersAreFreed() throws {
        let loop = try EventLoop()
        weak var weakServer: TCPConnection?
        weak var weakClient: TCPConnection?
        var closes = 0
        do {
            let listener = try TCPListener(loop: loop, address: loopback) { conn in
                weakServer = conn
                // Handlers capturing their own connection: a cycle broken by the close.
                conn.onRead = { conn.write($0) }
                conn.onClose = { _ in _ = conn.fd; closes += 1 }
            }
            TCPConnection.connect(loop: loop, to: listener.localAddress, timeoutMs: 1000) { r in
                guard case .success(let c) = r else { return XCTFail("connect") }
                weakClient = c
                c.onRead = { _ in c.close() }
                c.onClose = { _ in _ = c.fd; closes += 1 }
                c.write(bytes("ping"))
            }
            loop.addBeforeSleep { if closes == 2 { loop.stop() } }
            runLoop(loop)
            listener.close()
        }
        XCTAssertEqual(closes, 2)
        XCTAssertNil(weakServer)
        XCTAssertNil(weakClient)
    }

    func testGenericWatchOfAPipe() throws {
        let loop = try EventLoop()
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        var seen: [IOReadiness] = []
        try loop.watch(fd: fds[0], readable: true, writable: false) { r in
            seen.append(r)
            var b = [UInt8](repeating: 0, count: 8)
            _ = csys_read(fds[0], &b, 8)
            loop.unwatch(fd: fds[0])
            loop.stop()
        }
        XCTAssertThrowsError(try loop.watch(fd: fds[0], readable: true, writable: false) { _ in }) { e in
            XCTAssertEqual((e as? SystemError)?.code, EEXIST)
        }
        loop.schedule(afterMs: 5) { _ = csys_write(fds[1], "x", 1) }
        runLoop(loop)
        XCTAssertEqual(seen, [IOReadiness(readable: true)])
        XCTAssertEqual(loop.watchedCount, 0)
    }
}
