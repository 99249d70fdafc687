import Foundation
import XCTest
import EventLoop
@testable import HTTP

final class HTTPServerTests: XCTestCase {
    private let byeBody = #"{"action":"BYE","callid":"1589953914.1775","ext":{"extid":["106","101"]},"sn":"a09805021987"}"#

    private func openVoxBye(_ eol: String) -> [UInt8] {
        Array(("POST  HTTP/1.1\(eol)Host:172.16.6.150\(eol)Content-Length:93\(eol)Accept: application/json\(eol)Content-Type:application/json\(eol)Connection:close\(eol)\(eol)" + byeBody).utf8)
    }

    func testCurlRequestIsAnswered() throws {
        let loop = try EventLoop()
        var seen: HTTPRequest?
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 8) { request, context in
            seen = request
            context.respond(HTTPResponse(status: 200, contentType: "application/json", body: #"{"path":"\#(request.path)"}"#))
        }
        defer { server.close() }
        let port = server.localAddress.port
        XCTAssertNotEqual(port, 0)
        let curl = try ChildProcess(["curl", "-s", "-i", "--max-time", "5", "http://127.0.0.1:\(port)/v1/calls?state=live&x=a%20b"])
        var output = ""
        curl.whenExited(loop: loop) { output = $0; loop.stop() }
        runLoop(loop)
        XCTAssertTrue(output.hasPrefix("HTTP/1.1 200 OK\r\n"), output)
        XCTAssertTrue(output.contains("Content-Type: application/json\r\n"))
        XCTAssertTrue(output.contains("Content-Length: 20\r\n"))
        XCTAssertTrue(output.contains("\r\nDate: "), output.debugDescription)
        XCTAssertTrue(output.hasSuffix(#"{"path":"/v1/calls"}"#), output)
        XCTAssertEqual(seen?.method, "GET")
        XCTAssertEqual(seen?.queryValue("x"), "a b")
        XCTAssertEqual(seen?.headers["Host"], "127.0.0.1:\(port)")
        XCTAssertEqual(seen?.quirks, [])
        XCTAssertEqual(server.counters.requests, 1)
        XCTAssertEqual(server.counters.responses, 1)
    }

    func testCurlPostWithExpectContinueGetsInterimResponse() throws {
        let loop = try EventLoop()
        var received = 0
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 8) { request, context in
            received = request.body.count
            context.respond(responseOK("got \(request.body.count)"))
        }
        defer { server.close() }
        let body = String(repeating: "x", count: 4000)
        let curl = try ChildProcess(["curl", "-sS", "-v", "--max-time", "5", "-H", "Expect: 100-continue", "--data-binary", body,
                                     "http://127.0.0.1:\(server.localAddress.port)/upload"], mergeStderr: true)
        var output = ""
        curl.whenExited(loop: loop) { output = $0; loop.stop() }
        runLoop(loop)
        // Without the interim answer curl would wait a second and then send the body anyway.
        XCTAssertTrue(output.contains("< HTTP/1.1 100 Continue"), output)
        XCTAssertTrue(output.hasSuffix("got 4000"), output)
        XCTAssertEqual(received, 4000)
    }

    /// The report request exactly as the OpenVox firmware sends it, one byte per TCP segment.
    func testRawOpenVoxByeByteByByteGets200() throws {
        for eol in ["\r\n", "\n"] {
            let loop = try EventLoop()
            var seen: HTTPRequest?
            let server = try HTTPServer(loop: loop, address: loopback, limits: .pbxReports, maxConnections: 8) { request, context in
                seen = request
                context.respond(HTTPResponse(status: 200))
            }
            let peer = RawPeer(loop: loop, to: server.localAddress) { [self] peer in
                peer.dribble(self.openVoxBye(eol), everyMs: 1)
            }
            peer.onClosed = { _ in loop.stop() }
            runLoop(loop)
            XCTAssertTrue(peer.text.hasPrefix("HTTP/1.1 200 OK\r\n"), peer.text)
            XCTAssertTrue(peer.text.contains("Connection: close\r\n"))
            XCTAssertTrue(peer.isClosed, "the server closes after Connection:close")
            XCTAssertEqual(seen?.target, "")
            XCTAssertEqual(seen?.body.text, byeBody)
            var quirks: HTTPQuirks = [.emptyTarget, .headerWithoutSpace]
            if eol == "\n" { quirks.insert(.bareLF) }
            XCTAssertEqual(seen?.quirks, quirks)
            XCTAssertEqual(server.quirkCount(.emptyTarget), 1)
            XCTAssertEqual(server.counters.quirkyRequests, 1)
            server.close()
        }
    }

    func testSlowLorisIsCutWhileAnotherClientIsServed() throws {
        let loop = try EventLoop()
        let limits = HTTPLimits(headerTimeoutMs: 400, bodyTimeoutMs: 400, idleTimeoutMs: 400)
        let server = try HTTPServer(loop: loop, address: loopback, limits: limits, maxConnections: 8) { _, context in
            context.respond(responseOK("fast"))
        }
        defer { server.close() }
        var fastAnsweredAtMs: Int64?
        let slow = RawPeer(loop: loop, to: server.localAddress) { peer in
            // Never finishes: one header byte every 20 ms.
            peer.dribble(Array(("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "z", count: 500)).utf8), everyMs: 20)
        }
        var fast: RawPeer?
        loop.schedule(afterMs: 100) {
            fast = RawPeer(loop: loop, to: server.localAddress) { $0.send("GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") }
            fast?.onClosed = { p in fastAnsweredAtMs = p.closedAtMs }
        }
        slow.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertTrue(fast?.text.hasPrefix("HTTP/1.1 200 OK") ?? false)
        XCTAssertTrue(fast?.text.hasSuffix("fast") ?? false)
        XCTAssertLessThan(fastAnsweredAtMs ?? Int64.max, slow.closedAtMs ?? 0, "the fast client is served before the slow one is cut")
        XCTAssertTrue(slow.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), slow.text)
        XCTAssertTrue(slow.text.contains("Connection: close"))
        let cut = slow.elapsedAtCloseMs ?? 0
        XCTAssertGreaterThanOrEqual(cut, 390)
        XCTAssertLessThan(cut, 1500)
        XCTAssertEqual(server.counters.timeouts, 1)
        XCTAssertEqual(server.counters.requests, 1)
    }

    func testConnectionThatSendsNothingIsClosedQuietlyAtHeaderTimeout() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: HTTPLimits(headerTimeoutMs: 150), maxConnections: 8) { _, c in c.respond(responseOK()) }
        defer { server.close() }
        let peer = RawPeer(loop: loop, to: server.localAddress)
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertEqual(peer.received, [])
        XCTAssertEqual(server.counters.timeouts, 1)
        XCTAssertEqual(server.counters.parseErrors, 0)
    }

    func testSlowBodyIsCutAtBodyTimeout() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: HTTPLimits(headerTimeoutMs: 5000, bodyTimeoutMs: 200), maxConnections: 8) { _, c in c.respond(responseOK()) }
        defer { server.close() }
        let peer = RawPeer(loop: loop, to: server.localAddress) { $0.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc") }
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertTrue(peer.text.hasPrefix("HTTP/1.1 408 "), peer.text)
        XCTAssertTrue(peer.text.contains("body timeout"))
        XCTAssertGreaterThanOrEqual(peer.elapsedAtCloseMs ?? 0, 190)
        XCTAssertLessThan(peer.elapsedAtCloseMs ?? 9999, 1000)
    }

    func testOversizedBodyIs413WithoutReadingIt() throws {
        let loop = try EventLoop()
        var handled = 0
        let server = try HTTPServer(loop: loop, address: loopback, limits: .pbxReports, maxConnections: 8) { _, c in
            handled += 1
            c.respond(responseOK())
        }
        defer { server.close() }
        var rejections: [HTTPServerRejection] = []
        server.onRejected = { rejections.append($0) }
        let peer = RawPeer(loop: loop, to: server.localAddress) { $0.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n") }
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertTrue(peer.text.hasPrefix("HTTP/1.1 413 Content Too Large\r\n"), peer.text)
        XCTAssertTrue(peer.text.contains("Connection: close\r\n"))
        XCTAssertTrue(peer.text.hasSuffix("HTTP body of 10000000 bytes (declared in Content-Length) exceeds the limit of 262144 bytes\n"))
        XCTAssertEqual(handled, 0)
        XCTAssertEqual(server.counters.parseErrors, 1)
        XCTAssertEqual(rejections, [HTTPServerRejection(peer: rejections.first?.peer ?? loopback, error: .bodyTooLarge(declared: 10_000_000, limit: 262_144), excerpt: "", answeredStatus: 413)])
    }

    /// A client still pushing a refused body must read the 413, not a reset: the server's
    /// close is a lingering one (FIN, then discard), so unread upload bytes do not turn it into RST.
    func testClientStillUploadingARefusedBodySeesThe413() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: .pbxReports, maxConnections: 8) { _, c in c.respond(responseOK()) }
        defer { server.close() }
        let peer = RawPeer(loop: loop, to: server.localAddress) { p in
            p.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n")
            p.send([UInt8](repeating: 0x41, count: 3_000_000))
        }
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertTrue(peer.text.hasPrefix("HTTP/1.1 413 Content Too Large\r\n"), String(peer.text.prefix(200)))
        XCTAssertEqual(server.counters.parseErrors, 1)
    }

    /// The PBX report listener's rule: whatever arrives, answer 200 (reference §8).
    func testOwnerCanAnswer200ToGarbageAndOversizedBodies() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: .pbxReports, maxConnections: 8) { _, c in c.respond(responseOK()) }
        defer { server.close() }
        var seenErrors: [HTTPError] = []
        server.onParseError = { error, _ in
            seenErrors.append(error)
            return HTTPResponse(status: 200)
        }
        var rejections: [HTTPServerRejection] = []
        server.onRejected = { rejections.append($0) }
        let garbage = RawPeer(loop: loop, to: server.localAddress) { $0.send("POST / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n") }
        let big = RawPeer(loop: loop, to: server.localAddress) { $0.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n") }
        var closed = 0
        garbage.onClosed = { _ in closed += 1; if closed == 2 { loop.stop() } }
        big.onClosed = { _ in closed += 1; if closed == 2 { loop.stop() } }
        runLoop(loop)
        for peer in [garbage, big] {
            XCTAssertTrue(peer.text.hasPrefix("HTTP/1.1 200 OK\r\n"), peer.text)
            XCTAssertTrue(peer.text.contains("Connection: close\r\n"))
        }
        XCTAssertEqual(Set(seenErrors.map(\.statusCode)), [400, 413])
        XCTAssertTrue(rejections.contains { $0.error == .invalidHeader(offset: 29) && $0.excerpt == "Bad Header: 1" && $0.answeredStatus == 200 }, "\(rejections)")
    }

    func testMaxConnectionsRejectsTheExtraConnection() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 2) { _, c in c.respond(responseOK("served")) }
        defer { server.close() }
        let a = RawPeer(loop: loop, to: server.localAddress)
        let b = RawPeer(loop: loop, to: server.localAddress)
        var third: RawPeer?
        var fourth: RawPeer?
        loop.schedule(afterMs: 50) {
            XCTAssertEqual(server.openConnections, 2)
            third = RawPeer(loop: loop, to: server.localAddress) { $0.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
            third?.onClosed = { _ in
                // A slot frees up: the next connection is served.
                a.close()
                loop.schedule(afterMs: 50) {
                    fourth = RawPeer(loop: loop, to: server.localAddress) { $0.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") }
                    fourth?.onClosed = { _ in loop.stop() }
                }
            }
        }
        runLoop(loop)
        XCTAssertEqual(third?.received, [], "the extra connection is closed without an answer")
        XCTAssertTrue(fourth?.text.hasSuffix("served") ?? false)
        XCTAssertEqual(server.counters.rejected, 1)
        XCTAssertEqual(server.counters.accepted, 3)
        b.close()
    }

    func testKeepAliveServesTwoRequestsOnOneConnection() throws {
        let loop = try EventLoop()
        var paths: [String] = []
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 8) { request, c in
            paths.append(request.path)
            c.respond(responseOK(request.path))
        }
        defer { server.close() }
        let peer = RawPeer(loop: loop, to: server.localAddress) { $0.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n") }
        peer.onReceive = { p in
            let decoded = decodeResponses(p.received)
            if decoded.responses.count == 1 && paths.count == 1 { p.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n") }
            if decoded.responses.count == 2 { loop.stop() }
        }
        runLoop(loop)
        let decoded = decodeResponses(peer.received)
        XCTAssertNil(decoded.error)
        XCTAssertEqual(decoded.responses.map { $0.body.text }, ["/one", "/two"])
        XCTAssertEqual(decoded.responses.map { $0.headers["Connection"] }, [nil, nil])
        XCTAssertFalse(peer.isClosed)
        XCTAssertEqual(server.counters.accepted, 1)
        peer.close()
    }

    func testPipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstAnswersLater() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 8) { request, c in
            if request.path == "/slow" {
                loop.schedule(afterMs: 150) { c.respond(responseOK("slow")) }
            } else {
                c.respond(responseOK("quick"))
            }
        }
        defer { server.close() }
        let peer = RawPeer(loop: loop, to: server.localAddress) {
            $0.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /quick HTTP/1.1\r\nHost: x\r\n\r\nHEAD /quick HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        }
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        // The HEAD response has a Content-Length but no body: decode the three in turn.
        let text = peer.text
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 OK"))
        let parts = text.components(separatedBy: "HTTP/1.1 200 OK")
        XCTAssertEqual(parts.count, 4)
        XCTAssertTrue(parts[1].hasSuffix("slow"))
        XCTAssertTrue(parts[2].hasSuffix("quick"))
        XCTAssertTrue(parts[3].hasSuffix("Content-Length: 5\r\nConnection: close\r\n\r\n"), parts[3])
        XCTAssertGreaterThanOrEqual(peer.elapsedAtCloseMs ?? 0, 140)
    }

    func testAsyncRespondAfterATimer() throws {
        let loop = try EventLoop()
        var respondedLater = false
        let server = try HTTPServer(loop: loop, address: loopback, limits: .pbxReports, maxConnections: 8) { _, context in
            loop.schedule(afterMs: 250) {
                respondedLater = true
                context.respond(responseOK("late"))
                context.respond(responseOK("twice")) // ignored: exactly once
            }
        }
        defer { server.close() }
        let peer = RawPeer(loop: loop, to: server.localAddress) { $0.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") }
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertTrue(respondedLater)
        XCTAssertTrue(peer.text.hasSuffix("\r\n\r\nlate"), peer.text)
        XCTAssertGreaterThanOrEqual(peer.elapsedAtCloseMs ?? 0, 240)
        XCTAssertEqual(server.counters.responses, 1)
    }

    func testIdleKeptAliveConnectionIsClosedQuietly() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: HTTPLimits(idleTimeoutMs: 200), maxConnections: 8) { _, c in c.respond(responseOK()) }
        defer { server.close() }
        let peer = RawPeer(loop: loop, to: server.localAddress) { $0.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertEqual(decodeResponses(peer.received).responses.count, 1)
        XCTAssertFalse(peer.text.contains("408"))
        XCTAssertGreaterThanOrEqual(peer.elapsedAtCloseMs ?? 0, 190)
        XCTAssertEqual(server.counters.timeouts, 1)
    }

    func testHandlerThatNeverAnswersGets503AfterResponseTimeout() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 8) { _, _ in }
        defer { server.close() }
        server.responseTimeoutMs = 150
        let peer = RawPeer(loop: loop, to: server.localAddress) { $0.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertTrue(peer.text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), peer.text)
        XCTAssertTrue(peer.text.contains("Connection: close\r\n"))
        XCTAssertEqual(server.counters.handlerTimeouts, 1)
    }

    func testContextIsCancelledWhenThePeerLeaves() throws {
        let loop = try EventLoop()
        var context: HTTPServerContext?
        var cancelled = false
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 8) { _, c in
            context = c
            c.onCancel = {
                cancelled = true
                loop.stop()
            }
        }
        defer { server.close() }
        let peer = RawPeer(loop: loop, to: server.localAddress) { p in
            p.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            loop.schedule(afterMs: 50) { p.close() }
        }
        runLoop(loop)
        XCTAssertTrue(cancelled)
        XCTAssertEqual(context?.isCancelled, true)
        context?.respond(responseOK()) // a no-op now
        XCTAssertEqual(server.openConnections, 0)
        _ = peer
    }

    func testCloseStopsListeningAndCancelsPendingContexts() throws {
        let loop = try EventLoop()
        var context: HTTPServerContext?
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 8) { _, c in
            context = c
        }
        let peer = RawPeer(loop: loop, to: server.localAddress) { $0.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
        loop.schedule(afterMs: 50) { server.close() }
        peer.onClosed = { _ in loop.stop() }
        runLoop(loop)
        XCTAssertTrue(server.isClosed)
        XCTAssertEqual(context?.isCancelled, true)
        XCTAssertEqual(server.openConnections, 0)
        var refused: SystemError?
        let late = RawPeer(loop: loop, to: server.localAddress)
        late.onClosed = { p in refused = p.connectError; loop.stop() }
        runLoop(loop)
        XCTAssertEqual(refused?.code, ECONNREFUSED)
    }
}
