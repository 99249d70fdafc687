import CSystem

extension TCPConnection {
    /// Opens a connection without blocking the loop. `completion` runs exactly once, on the
    /// loop, never inside this call: with the connection, or with a `SystemError` such as
    /// `"connect 127.0.0.1:9011: Connection refused"` (ECONNREFUSED) or
    /// `"connect 10.0.0.9:443: timed out after 5000 ms"` (ETIMEDOUT). `timeoutMs <= 0` means
    /// no timeout (the kernel gives up after minutes: always pass one).
    @discardableResult
    public static func connect(loop: EventLoop, to address: SocketAddress, timeoutMs: Int64,
                               _ completion: @escaping (Result<TCPConnection, SystemError>) -> Void) -> ConnectAttempt {
        let attempt = ConnectAttempt(loop: loop, address: address, completion: completion)
        attempt.start(timeoutMs: timeoutMs)
        return attempt
    }
}

/// A connect in progress. `cancel()` closes the socket and completes with ECANCELED.
public final class ConnectAttempt {
    public let loop: EventLoop
    public let address: SocketAddress
    private var fd: Int32 = -1
    private var timer: TimerID?
    private var completion: ((Result<TCPConnection, SystemError>) -> Void)?

    init(loop: EventLoop, address: SocketAddress, completion: @escaping (Result<TCPConnection, SystemError>) -> Void) {
        self.loop = loop
        self.address = address
        self.completion = completion
    }

    public var isFinished: Bool { completion == nil }

    private var operation: String { "connect " + address.description }

    func start(timeoutMs: Int64) {
        let s = csys_tcp_socket(address.isIPv6 ? AF_INET6 : AF_INET)
        guard s >= 0 else {
            finish(.failure(SystemError(code: s, operation: "socket for " + operation)), fromLoop: false)
            return
        }
        fd = s
        var a = address.cAddress
        let r = csys_connect(s, &a)
        if r == 0 {
            succeed(fromLoop: false)
            return
        }
        guard r == -EINPROGRESS else {
            finish(.failure(SystemError(code: r, operation: operation)), fromLoop: false)
            return
        }
        do throws(SystemError) {
            try loop.watch(fd: s, readable: false, writable: true) { [self] _ in self.writable() }
        } catch {
            finish(.failure(error), fromLoop: false)
            return
        }
        if timeoutMs > 0 {
            timer = loop.schedule(afterMs: timeoutMs) { [self] in
                self.timer = nil
                let op = self.operation
                self.finish(.failure(SystemError(code: ETIMEDOUT, operation: op,
                                                 message: op + ": timed out after " + String(timeoutMs) + " ms")), fromLoop: true)
            }
        }
    }

    /// Abandons the attempt; completes with ECANCELED unless it already completed.
    public func cancel() {
        let op = operation
        finish(.failure(SystemError(code: ECANCELED, operation: op, message: op + ": cancelled")), fromLoop: false)
    }

    private func writable() {
        let e = csys_socket_error(fd)
        if e == 0 {
            succeed(fromLoop: true)
        } else {
            finish(.failure(SystemError(code: e, operation: operation)), fromLoop: true)
        }
    }

    private func succeed(fromLoop: Bool) {
        loop.unwatch(fd: fd)
        _ = csys_set_nodelay(fd)
        do throws(SystemError) {
            let c = try TCPConnection(loop: loop, fd: fd, peer: address)
            fd = -1   // owned by the connection now
            finish(.success(c), fromLoop: fromLoop)
        } catch {
            finish(.failure(error), fromLoop: fromLoop)
        }
    }

    private func finish(_ result: Result<TCPConnection, SystemError>, fromLoop: Bool) {
        guard let c = completion else {
            if case .success(let conn) = result { conn.close() }
            return
        }
        completion = nil
        if let t = timer { loop.cancel(t); timer = nil }
        if fd >= 0 {
            loop.unwatch(fd: fd)
            _ = csys_close(fd)
            fd = -1
        }
        if fromLoop {
            c(result)
        } else {
            loop.post { c(result) }
        }
    }
}
