import EventLoop

/// TLS for one `HTTPClient.send`: the shared trust settings and the name the server's
/// certificate must match (a DNS name, or the IP literal of the address).
public struct HTTPClientTLS {
    public let context: TLSClientContext
    public let serverName: String

    public init(context: TLSClientContext, serverName: String) {
        self.context = context
        self.serverName = serverName
    }
}

public struct HTTPClientCounters: Equatable, Sendable {
    public var sent: Int64 = 0
    public var succeeded: Int64 = 0
    public var failed: Int64 = 0
    public var timeouts: Int64 = 0

    public init() {}
}

/// An HTTP/1.1 client on the event loop for low-rate APIs (the PBX's): one connection per
/// request, sent with `Connection: close`, read until the response is complete (or the
/// server closes, for a close-delimited body), then closed. One timeout bounds the whole
/// exchange: connect, TLS handshake, request, response.
public final class HTTPClient {
    public let loop: EventLoop
    /// Bounds on the response (head size, header count, body size).
    public var limits: HTTPLimits
    public private(set) var counters = HTTPClientCounters()

    public init(loop: EventLoop, limits: HTTPLimits = .client) {
        self.loop = loop
        self.limits = limits
    }

    /// Sends `request` to `address` (over TLS when `tls` is given). `completion` runs exactly
    /// once, from the loop, never inside this call. The `Host` header defaults to the TLS
    /// server name (with the port unless 443) or to the address; a `Host` in the request wins.
    @discardableResult
    public func send(_ request: HTTPRequest, to address: SocketAddress, tls: HTTPClientTLS? = nil,
                     timeoutMs: Int64, _ completion: @escaping (Result<HTTPResponse, HTTPClientError>) -> Void) -> HTTPClientExchange {
        counters.sent += 1
        let host: String
        if let tls {
            let name = tls.serverName.contains(":") ? "[" + tls.serverName + "]" : tls.serverName
            host = address.port == 443 ? name : name + ":" + String(address.port)
        } else {
            host = address.description
        }
        let exchange = HTTPClientExchange(client: self, request: request, bytes: request.encoded(host: host),
                                          limits: limits, timeoutMs: timeoutMs, completion: completion)
        exchange.start(address: address, tls: tls)
        return exchange
    }

    func finished(_ result: Result<HTTPResponse, HTTPClientError>) {
        switch result {
        case .success: counters.succeeded += 1
        case .failure(let e):
            counters.failed += 1
            if case .timeout = e { counters.timeouts += 1 }
        }
    }
}

/// One request in flight. `cancel()` abandons it (completion: `.cancelled`).
public final class HTTPClientExchange {
    private enum Transport {
        case tcp(TCPConnection)
        case tls(TLSConnection)

        func write(_ bytes: [UInt8]) {
            switch self {
            case .tcp(let c): c.write(bytes)
            case .tls(let c): c.write(bytes)
            }
        }

        func close() {
            switch self {
            case .tcp(let c): c.close()
            case .tls(let c): c.close()
            }
        }
    }

    private let client: HTTPClient
    private let loop: EventLoop
    private let bytes: [UInt8]
    private let timeoutMs: Int64
    private var decoder: HTTPResponseDecoder
    private var buffer: [UInt8] = []
    private var completion: ((Result<HTTPResponse, HTTPClientError>) -> Void)?
    private var timer: TimerID?
    private var tcpAttempt: ConnectAttempt?
    private var tlsAttempt: TLSConnectAttempt?
    private var transport: Transport?

    init(client: HTTPClient, request: HTTPRequest, bytes: [UInt8], limits: HTTPLimits, timeoutMs: Int64,
         completion: @escaping (Result<HTTPResponse, HTTPClientError>) -> Void) {
        self.client = client
        self.loop = client.loop
        self.bytes = bytes
        self.timeoutMs = timeoutMs
        self.decoder = HTTPResponseDecoder(limits: limits, requestMethod: request.method)
        self.completion = completion
    }

    public var isFinished: Bool { completion == nil }

    /// Abandons the exchange; the completion reports `.cancelled` (from the loop).
    public func cancel() {
        guard let done = completion else { return }
        completion = nil
        teardown()
        client.finished(.failure(.cancelled))
        loop.post { done(.failure(.cancelled)) }
    }

    func start(address: SocketAddress, tls: HTTPClientTLS?) {
        if timeoutMs > 0 {
            timer = loop.schedule(afterMs: timeoutMs) { [self] in
                self.timer = nil
                self.finish(.failure(.timeout(ms: self.timeoutMs)))
            }
        }
        if let tls {
            tlsAttempt = TLSConnection.connect(loop: loop, to: address, serverName: tls.serverName, context: tls.context,
                                               timeoutMs: timeoutMs) { [self] result in
                self.tlsAttempt = nil
                switch result {
                case .success(let session):
                    guard self.completion != nil else {
                        session.close()
                        return
                    }
                    session.onRead = { [self] bytes in self.received(bytes) }
                    session.onClose = { [self] error in self.closed(error.map { HTTPClientError.tls($0) }) }
                    self.connected(.tls(session))
                case .failure(let error):
                    switch error {
                    case .connect(let e): self.finish(.failure(.connectFailed(e)))
                    case .timeout: self.finish(.failure(.timeout(ms: self.timeoutMs)))
                    default: self.finish(.failure(.tls(error)))
                    }
                }
            }
        } else {
            // The exchange timer (scheduled first, same deadline) fires before the connect's
            // own: a slow connect is reported as the exchange's `.timeout`.
            tcpAttempt = TCPConnection.connect(loop: loop, to: address, timeoutMs: timeoutMs) { [self] result in
                self.tcpAttempt = nil
                switch result {
                case .success(let tcp):
                    guard self.completion != nil else {
                        tcp.close()
                        return
                    }
                    tcp.onRead = { [self] bytes in self.received(bytes) }
                    tcp.onClose = { [self] error in self.closed(error.map { HTTPClientError.connectionLost($0) }) }
                    self.connected(.tcp(tcp))
                case .failure(let error):
                    self.finish(.failure(.connectFailed(error)))
                }
            }
        }
    }

    private func connected(_ t: Transport) {
        transport = t
        t.write(bytes)
    }

    private func received(_ chunk: [UInt8]) {
        guard completion != nil else { return }
        buffer.append(contentsOf: chunk)
        var index = 0
        do throws(HTTPError) {
            if let response = try decoder.decode(buffer, from: &index) {
                finish(.success(response))
                return
            }
        } catch {
            finish(.failure(HTTPClientError.from(error)))
            return
        }
        buffer.removeFirst(index)
    }

    private func closed(_ error: HTTPClientError?) {
        transport = nil
        guard completion != nil else { return }
        if let error {
            finish(.failure(error))
            return
        }
        do throws(HTTPError) {
            if let response = try decoder.finish() {
                finish(.success(response))
            } else {
                finish(.failure(.closedEarly(nil)))
            }
        } catch {
            finish(.failure(HTTPClientError.from(error)))
        }
    }

    private func finish(_ result: Result<HTTPResponse, HTTPClientError>) {
        guard let done = completion else { return }
        completion = nil
        teardown()
        client.finished(result)
        done(result)
    }

    private func teardown() {
        if let t = timer {
            loop.cancel(t)
            timer = nil
        }
        if let a = tcpAttempt {
            tcpAttempt = nil
            a.cancel()
        }
        if let a = tlsAttempt {
            tlsAttempt = nil
            a.cancel()
        }
        if let t = transport {
            transport = nil
            t.close()
        }
        buffer = []
    }
}
