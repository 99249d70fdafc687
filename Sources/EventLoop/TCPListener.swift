import CSystem

/// A listening socket on the loop. Each accepted connection is non-blocking, close-on-exec,
/// TCP_NODELAY, registered with the loop and handed to `onAccept` (set its handlers there).
///
/// At most `maxAcceptsPerWakeup` connections are accepted per iteration, so a connection
/// storm cannot starve established peers. When `accept` fails for lack of resources
/// (EMFILE, ENFILE, ENOBUFS, ENOMEM) the error is counted and passed to `onError`, and the
/// listener stops polling for 100 ms: the pending connection would otherwise make the
/// level-triggered loop spin.
public final class TCPListener {
    public let loop: EventLoop
    public let fd: Int32
    /// The bound address; with port 0 this carries the port the kernel chose.
    public let localAddress: SocketAddress
    public var onError: (SystemError) -> Void = { _ in }
    public var maxAcceptsPerWakeup = 64
    public private(set) var isClosed = false

    private var onAccept: (TCPConnection) -> Void
    private var backoffTimer: TimerID?
    static let resourceBackoffMs: Int64 = 100

    public init(loop: EventLoop, address: SocketAddress, backlog: Int32 = 128,
                onAccept: @escaping (TCPConnection) -> Void) throws(SystemError) {
        var a = address.cAddress
        let s = csys_listen(&a, backlog)
        guard s >= 0 else { throw SystemError(code: s, operation: "listen on " + address.description) }
        var bound = csys_addr()
        let r = csys_local_addr(s, &bound)
        guard r == 0 else {
            _ = csys_close(s)
            throw SystemError(code: r, operation: "getsockname for " + address.description)
        }
        self.loop = loop
        self.fd = s
        self.localAddress = SocketAddress(bound)
        self.onAccept = onAccept
        do throws(SystemError) {
            try loop.watch(fd: s, readable: true, writable: false) { [self] _ in self.acceptPending() }
        } catch {
            _ = csys_close(s)
            throw error
        }
    }

    /// Stops listening and closes the socket. Accepted connections are not affected.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        if let t = backoffTimer { loop.cancel(t); backoffTimer = nil }
        loop.unwatch(fd: fd)
        _ = csys_close(fd)
        onAccept = { _ in }
        onError = { _ in }
    }

    private func acceptPending() {
        var accepted = 0
        while accepted < maxAcceptsPerWakeup && !isClosed {
            var peer = csys_addr()
            let c = csys_accept(fd, &peer)
            if c >= 0 {
                accepted += 1
                _ = csys_set_nodelay(c)
                do throws(SystemError) {
                    let conn = try TCPConnection(loop: loop, fd: c, peer: SocketAddress(peer))
                    loop.counters.acceptedConnections += 1
                    onAccept(conn)
                } catch {
                    _ = csys_close(c)
                    loop.counters.acceptErrors += 1
                    onError(error)
                }
                continue
            }
            if c == -EAGAIN || c == -EWOULDBLOCK { return }
            // The connection died in the queue, or a network error the next accept may not see.
            if c == -ECONNABORTED || c == -EPROTO || c == -EPERM || c == -ENETDOWN || c == -EHOSTUNREACH { continue }
            loop.counters.acceptErrors += 1
            onError(SystemError(code: c, operation: "accept on " + localAddress.description))
            if c == -EMFILE || c == -ENFILE || c == -ENOBUFS || c == -ENOMEM {
                backOff()
            }
            return
        }
    }

    private func backOff() {
        guard backoffTimer == nil, !isClosed else { return }
        do throws(SystemError) { try loop.modify(fd: fd, readable: false, writable: false) } catch { return }
        backoffTimer = loop.schedule(afterMs: TCPListener.resourceBackoffMs) { [self] in
            self.backoffTimer = nil
            guard !self.isClosed else { return }
            do throws(SystemError) { try self.loop.modify(fd: self.fd, readable: true, writable: false) } catch {
                self.onError(error)
            }
        }
    }
}
