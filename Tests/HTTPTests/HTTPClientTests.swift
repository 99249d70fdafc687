import Foundation
import XCTest
import CSystem
import EventLoop
@testable import HTTP

/// A scripted TCP server: once a request head has arrived, `reply` decides what to do with
/// the connection (write canned bytes, close, stay silent).
final class ScriptedServer {
    let listener: TCPListener
    private(set) var requests: [[UInt8]] = []
    private var connections: [TCPConnection] = []

    init(loop: EventLoop, reply: @escaping (TCPConnection) -> Void) throws {
        var received: [ObjectIdentifier: [UInt8]] = [:]
        var store: (TCPConnection) -> Void = { _ in }
        listener = try TCPListener(loop: loop, address: loopback) { c in store(c) }
        store = { [self] c in
            self.connections.append(c)
            c.onRead = { [self] bytes in
                let key = ObjectIdentifier(c)
                let before = received[key] ?? []
                received[key] = before + bytes
                if !before.text.contains("\r\n\r\n") && (before + bytes).text.contains("\r\n\r\n") {
                    self.requests.append(before + bytes)
                    reply(c)
                }
            }
        }
    }

    var address: SocketAddress { listener.localAddress }

    func close() {
        listener.close()
        for c in connections { c.close() }
    }
}

private func failure(_ result: Result<HTTPResponse, HTTPClientError>?) -> HTTPClientError? {
    if case .failure(let e) = result { return e }
    return nil
}

final class HTTPClientTests: XCTestCase {
    private func send(_ client: HTTPClient, _ request: HTTPRequest, to address: SocketAddress, tls: HTTPClientTLS? = nil,
                      timeoutMs: Int64 = 3000, loop: EventLoop) -> (result: Result<HTTPResponse, HTTPClientError>?, elapsedMs: Int64) {
        var result: Result<HTTPResponse, HTTPClientError>?
        var calls = 0
        let start = loop.refreshNow()
        var insideSend = true
        client.send(request, to: address, tls: tls, timeoutMs: timeoutMs) { r in
            XCTAssertFalse(insideSend, "completion must not run inside send")
            calls += 1
            result = r
            loop.stop()
        }
        insideSend = false
        runLoop(loop)
        XCTAssertEqual(calls, 1)
        return (result, loop.refreshNow() - start)
    }

    func testClientAgainstOurServer() throws {
        let loop = try EventLoop()
        var seen: HTTPRequest?
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 4) { request, c in
            seen = request
            c.respond(HTTPResponse(status: 200, contentType: "application/json", body: #"{"status":"Success","echo":\#(request.body.count)}"#))
        }
        defer { server.close() }
        let client = HTTPClient(loop: loop)
        let request = HTTPRequest(method: "POST", target: "/api/v0.0.1/login?type=json", contentType: "application/json; charset=utf-8",
                                  body: Array(#"{"username":"api","password":"5f4dcc3b5aa765d61d8327deb882cf99"}"#.utf8))
        let (result, _) = send(client, request, to: server.localAddress, loop: loop)
        guard case .success(let response) = result else { return XCTFail("\(String(describing: result))") }
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "application/json")
        XCTAssertEqual(response.body.text, #"{"status":"Success","echo":64}"#)
        XCTAssertEqual(seen?.target, "/api/v0.0.1/login?type=json")
        XCTAssertEqual(seen?.headers["Host"], "127.0.0.1:\(server.localAddress.port)")
        XCTAssertEqual(seen?.headers["Connection"], "close")
        XCTAssertEqual(seen?.headers["Content-Length"], "64")
        XCTAssertEqual(seen?.headers["Content-Type"], "application/json; charset=utf-8")
        XCTAssertEqual(seen?.quirks, [])
        XCTAssertEqual(client.counters, { var c = HTTPClientCounters(); c.sent = 1; c.succeeded = 1; return c }())
    }

    func testClientAgainstPythonHTTPServer() throws {
        let script = """
        import http.server, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get('Content-Length', 0)); body = self.rfile.read(n)
                out = b'{"got":' + str(len(body)).encode() + b',"path":"' + self.path.encode() + b'"}'
                self.send_response(200); self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(out))); self.end_headers(); self.wfile.write(out)
            def log_message(self, *a): pass
        s = http.server.HTTPServer(('127.0.0.1', 0), H); print(s.server_port, flush=True); s.serve_forever()
        """
        let python: ChildProcess
        do { python = try ChildProcess(["python3", "-c", script]) } catch { throw XCTSkip("python3 not available") }
        defer { python.stop() }
        guard let port = UInt16(python.readLine()) else { throw XCTSkip("python http.server did not start") }
        let loop = try EventLoop()
        let client = HTTPClient(loop: loop)
        let (result, _) = send(client, HTTPRequest(method: "POST", target: "/api/v0.0.1/heartbeat?token=abc", body: Array("{}".utf8)),
                               to: SocketAddress(ip: "127.0.0.1", port: port)!, loop: loop)
        guard case .success(let response) = result else { return XCTFail("\(String(describing: result))") }
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.version, .http1_0)
        XCTAssertNotNil(response.headers["Server"])
        XCTAssertEqual(response.body.text, #"{"got":2,"path":"/api/v0.0.1/heartbeat?token=abc"}"#)
    }

    func testTimeoutAgainstAServerThatNeverAnswers() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 4) { _, _ in }
        server.responseTimeoutMs = 0
        defer { server.close() }
        let client = HTTPClient(loop: loop)
        let (result, elapsed) = send(client, HTTPRequest(method: "GET", target: "/"), to: server.localAddress, timeoutMs: 300, loop: loop)
        guard case .failure(let error) = result else { return XCTFail("expected a timeout") }
        XCTAssertEqual(error, .timeout(ms: 300))
        XCTAssertEqual(error.message, "no complete HTTP response within 300 ms")
        XCTAssertGreaterThanOrEqual(elapsed, 295)
        XCTAssertLessThan(elapsed, 1500)
        XCTAssertEqual(client.counters.timeouts, 1)
        // The client closed its side: the server sees the context cancelled.
        let settle = loop.schedule(afterMs: 50) { loop.stop() }
        runLoop(loop)
        loop.cancel(settle)
        XCTAssertEqual(server.openConnections, 0)
    }

    func testConnectionRefused() throws {
        let loop = try EventLoop()
        // A port that was just free: bind, learn it, close.
        let probe = try TCPListener(loop: loop, address: loopback) { $0.close() }
        let address = probe.localAddress
        probe.close()
        let client = HTTPClient(loop: loop)
        let (result, _) = send(client, HTTPRequest(method: "GET", target: "/"), to: address, loop: loop)
        guard case .failure(.connectFailed(let e)) = result else { return XCTFail("\(String(describing: result))") }
        XCTAssertEqual(e.code, ECONNREFUSED)
        XCTAssertEqual(HTTPClientError.connectFailed(e).message, "cannot connect: connect \(address.description): Connection refused")
    }

    private func scripted(_ reply: String, closeAfter: Bool = true) throws -> (EventLoop, ScriptedServer) {
        let loop = try EventLoop()
        let server = try ScriptedServer(loop: loop) { c in
            c.write(Array(reply.utf8))
            if closeAfter { c.closeAfterFlush() }
        }
        return (loop, server)
    }

    func testServerClosingMidBodyIsATruncatedBody() throws {
        let (loop, server) = try scripted("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
        defer { server.close() }
        let (result, _) = send(HTTPClient(loop: loop), HTTPRequest(method: "POST", target: "/x"), to: server.address, loop: loop)
        guard case .failure(let error) = result else { return XCTFail("expected failure") }
        XCTAssertEqual(error, .closedEarly(.truncatedBody(expected: 100, received: 3)))
        XCTAssertEqual(error.message, "server closed the connection early: connection closed after 3 of 100 body bytes")
    }

    func testServerClosingWithoutAnswerIsClosedEarly() throws {
        let (loop, server) = try scripted("")
        defer { server.close() }
        let (result, _) = send(HTTPClient(loop: loop), HTTPRequest(method: "GET", target: "/"), to: server.address, loop: loop)
        XCTAssertEqual(failure(result), HTTPClientError.closedEarly(nil))
    }

    func testHTMLInsteadOfHTTPIsMalformedResponse() throws {
        let (loop, server) = try scripted("<html><body><h1>PBX login</h1></body></html>\n", closeAfter: false)
        defer { server.close() }
        let (result, _) = send(HTTPClient(loop: loop), HTTPRequest(method: "GET", target: "/"), to: server.address, loop: loop)
        guard case .failure(let error) = result else { return XCTFail("expected failure") }
        XCTAssertEqual(error, .malformedResponse(.malformedStatusLine(offset: 0)))
        XCTAssertTrue(error.message.hasPrefix("invalid HTTP response: malformed HTTP status line at byte 0"))
    }

    func testCloseDelimitedAndChunkedResponses() throws {
        for reply in ["HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close",
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nuntil \r\n5\r\nclose\r\n0\r\n\r\n"] {
            let (loop, server) = try scripted(reply, closeAfter: true)
            let (result, _) = send(HTTPClient(loop: loop), HTTPRequest(method: "GET", target: "/"), to: server.address, loop: loop)
            guard case .success(let response) = result else { return XCTFail("\(String(describing: result)) for \(reply)") }
            XCTAssertEqual(response.body.text, "until close")
            server.close()
        }
    }

    func testResponseOverTheLimitIsTooLarge() throws {
        let (loop, server) = try scripted("HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n", closeAfter: false)
        defer { server.close() }
        let (result, _) = send(HTTPClient(loop: loop), HTTPRequest(method: "GET", target: "/"), to: server.address, loop: loop)
        XCTAssertEqual(failure(result),
                       HTTPClientError.tooLarge(.bodyTooLarge(declared: 5_000_000, limit: 4_194_304)))
    }

    func testCancelCompletesWithCancelledFromTheLoop() throws {
        let loop = try EventLoop()
        let server = try HTTPServer(loop: loop, address: loopback, limits: .api, maxConnections: 4) { _, _ in }
        defer { server.close() }
        let client = HTTPClient(loop: loop)
        var result: Result<HTTPResponse, HTTPClientError>?
        let exchange = client.send(HTTPRequest(method: "GET", target: "/"), to: server.localAddress, timeoutMs: 2000) { r in
            result = r
            loop.stop()
        }
        loop.schedule(afterMs: 50) {
            exchange.cancel()
            XCTAssertNil(result, "not inside cancel()")
        }
        runLoop(loop)
        XCTAssertTrue(exchange.isFinished)
        guard case .failure(.cancelled) = result else { return XCTFail("\(String(describing: result))") }
    }

    func testTLSAgainstOpenSSLServer() throws {
        guard let pki = try? TLSTestPKI() else { throw XCTSkip("openssl CLI could not make the test PKI") }
        defer { pki.remove() }
        let server = try OpenSSLServer(pki: pki, mode: ["-www"])
        defer { server.stop() }
        let loop = try EventLoop()
        let client = HTTPClient(loop: loop)
        let context = try TLSClientContext(caFile: pki.caFile)
        let (result, _) = send(client, HTTPRequest(method: "GET", target: "/"), to: server.address,
                               tls: HTTPClientTLS(context: context, serverName: "localhost"), loop: loop)
        guard case .success(let response) = result else { return XCTFail("\(String(describing: result))") }
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.body.text.contains("Ciphers supported in s_server binary"), response.body.text)
        // The wrong name does not verify.
        let (bad, _) = send(client, HTTPRequest(method: "GET", target: "/"), to: server.address,
                            tls: HTTPClientTLS(context: context, serverName: "pbx.example.com"), loop: loop)
        guard case .failure(.tls(let e)) = bad else { return XCTFail("\(String(describing: bad))") }
        XCTAssertEqual(e.verifyResult, 62)
    }
}
