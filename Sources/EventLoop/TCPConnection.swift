import CSystem

/// A non-blocking TCP connection on the loop, with a bounded output buffer.
///
/// Contract:
/// - Set `onRead`/`onClose` inside the accept or connect callback: reading starts when the
///   loop next polls, never before that callback returns.
/// - `onRead` gets each chunk as it arrives (at most 64 KiB per loop iteration per
///   connection, so one busy peer cannot starve the others).
/// - `onClose` fires exactly once, from the loop and never from inside a call you made
///   (`write`, `close`, ...): `nil` for peer EOF or a local `close()`/`closeAfterFlush()`,
///   a `SystemError` for read/write errors (ECONNRESET, EPIPE) and for the output cap
///   (ENOBUFS). The fd is closed and unregistered before `onClose` runs, and both handlers
///   are released then, which breaks any cycle through closures that captured the connection.
/// - `write` never blocks: what the kernel does not take is buffered. While more than
///   `pauseReadingAboveOutputBytes` are buffered the connection stops reading (a peer that
///   does not read its replies cannot make us pile them up, Dropbear); above
///   `maxOutputBytes` it is closed with ENOBUFS and counted in
///   `loop.counters.outputOverflowCloses` (Redis `client-output-buffer-limit`).
/// - Peer EOF: buffered output is still flushed, then the connection closes with `nil`.
///   Half-closed peers are not kept open for later replies.
/// - `closeAfterFlush` is a lingering close (nginx `lingering_close`): after the output is
///   flushed it sends FIN, then reads and discards until the peer's EOF or `lingerMs`, and
///   only then closes the fd. Closing with unread input would send RST, and an RST can make
///   the peer drop the reply it has not read yet (a 413 sent while the body still arrives).
public final class TCPConnection {
    public let loop: EventLoop
    /// The socket. Owned by this connection: closed by it, never by the caller.
    public let fd: Int32
    public let peer: SocketAddress
    public let local: SocketAddress

    public var onRead: ([UInt8]) -> Void = { _ in }
    public var onClose: (SystemError?) -> Void = { _ in }

    /// Hard cap on unsent output; over it the connection is closed with ENOBUFS.
    public var maxOutputBytes: Int64 = TCPConnection.defaultMaxOutputBytes
    /// Soft cap: while more than this is unsent, the connection does not read.
    public var pauseReadingAboveOutputBytes: Int64 = TCPConnection.defaultPauseReadingAboveOutputBytes {
        didSet { updateInterest() }
    }

    /// 4 MiB: a few large HTTP responses; a subscriber further behind than that is cut.
    public static let defaultMaxOutputBytes: Int64 = 4 << 20
    /// 1 MiB: stop taking requests from a peer that is not reading its replies.
    public static let defaultPauseReadingAboveOutputBytes: Int64 = 1 << 20
    /// After `closeAfterFlush` has flushed and sent FIN, how long to wait for the peer's
    /// EOF while discarding its input; 0 closes at once.
    public var lingerMs: Int64 = 2000

    public private(set) var bytesRead: Int64 = 0
    public private(set) var bytesWritten: Int64 = 0
    public private(set) var bufferedOutputBytes: Int64 = 0
    public var isClosed: Bool { state == .closed }

    private enum State { case open, flushingToClose, lingering, closed }
    private var state: State = .open
    /// Whether the flush that `flushingToClose` waits for ends in a lingering close
    /// (`closeAfterFlush`) or a plain one (the peer already sent EOF).
    private var lingerAfterFlush = false
    private var lingerTimer: TimerID?
    private var out: [[UInt8]] = []
    private var outHead = 0
    private var userPaused = false
    /// Removed from epoll because of a hangup while nothing is wanted from the fd
    /// (epoll reports EPOLLHUP whatever the interest, which would spin the loop).
    private var parked = false

    /// Takes ownership of a connected, non-blocking socket and registers it with the loop.
    /// On failure the fd is not closed (the caller still owns it).
    public init(loop: EventLoop, fd: Int32, peer: SocketAddress) throws(SystemError) {
        self.loop = loop
        self.fd = fd
        self.peer = peer
        var a = csys_addr()
        local = csys_local_addr(fd, &a) == 0 ? SocketAddress(a) : peer
        try loop.watch(fd: fd, readable: true, writable: false) { [self] r in self.handle(r) }
    }

    // MARK: public operations

    /// Sends `bytes`, buffering what the kernel does not take now. Ignored once the
    /// connection is closing or closed.
    public func write(_ bytes: [UInt8]) {
        guard state == .open, !bytes.isEmpty else { return }
        if bufferedOutputBytes == 0 {
            let n = bytes.withUnsafeBytes { b -> Int in
                guard let p = b.baseAddress else { return 0 }
                return Int(csys_write(fd, p, UInt(b.count)))
            }
            if n == bytes.count {
                bytesWritten += Int64(n)
                return
            }
            if n >= 0 {
                bytesWritten += Int64(n)
                append(n == 0 ? bytes : Array(bytes[n...]))
            } else if n == -Int(EAGAIN) || n == -Int(EWOULDBLOCK) {
                append(bytes)
            } else {
                fail(SystemError(code: Int32(truncatingIfNeeded: n), operation: "write to " + peer.description))
                return
            }
        } else {
            append(bytes)
        }
        if bufferedOutputBytes > maxOutputBytes {
            loop.counters.outputOverflowCloses += 1
            let op = "write to " + peer.description
            fail(SystemError(code: ENOBUFS, operation: op,
                             message: op + ": output buffer over " + String(maxOutputBytes) + " bytes (peer not reading); connection closed"))
            return
        }
        updateInterest()
    }

    /// Closes once everything buffered is sent (a lingering close, see the type's comment);
    /// stops delivering input now. Later writes are dropped. `onClose(nil)` follows.
    public func closeAfterFlush() {
        guard state == .open else { return }
        lingerAfterFlush = true
        if bufferedOutputBytes == 0 {
            startLinger()
        } else {
            state = .flushingToClose
            updateInterest()
        }
    }

    /// Closes now, dropping unsent output. `onClose(nil)` follows from the loop.
    public func close() {
        finish(nil)
    }

    /// Stops reading (the kernel buffers, then TCP flow control slows the peer).
    public func pauseReading() {
        userPaused = true
        updateInterest()
    }

    public func resumeReading() {
        userPaused = false
        updateInterest()
    }

    // MARK: event handling

    private var wantsRead: Bool {
        (state == .open && !userPaused && bufferedOutputBytes <= pauseReadingAboveOutputBytes) || state == .lingering
    }

    private func handle(_ r: IOReadiness) {
        if state == .closed { return }
        if r.error {
            let e = csys_socket_error(fd)
            if e != 0 {
                // A reset while lingering is the peer closing with our FIN unread: the close
                // the caller asked for, not a failure.
                finish(state == .lingering ? nil : SystemError(code: e, operation: "connection with " + peer.description))
                return
            }
        }
        if r.writable || (r.hangup && bufferedOutputBytes > 0) {
            flush()
            if state == .closed { return }
        }
        if (r.readable || r.hangup) && wantsRead {
            readOnce()
        } else if r.hangup && bufferedOutputBytes == 0 && !parked {
            // Paused and the peer is gone: stop polling until someone wants the fd again.
            loop.unwatch(fd: fd)
            parked = true
        }
    }

    private func readOnce() {
        let scratch = loop.readScratch
        guard let base = scratch.baseAddress else { return }
        let n = Int(csys_read(fd, base, UInt(scratch.count)))
        if state == .lingering {
            // Discarding until the peer's EOF; an error now (ECONNRESET) changes nothing.
            if n == 0 || (n < 0 && n != -Int(EAGAIN) && n != -Int(EWOULDBLOCK)) { finish(nil) }
            return
        }
        if n > 0 {
            bytesRead += Int64(n)
            let chunk = [UInt8](UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
            onRead(chunk)
        } else if n == 0 {
            if bufferedOutputBytes == 0 {
                finish(nil)
            } else {
                state = .flushingToClose
                lingerAfterFlush = false
                updateInterest()
            }
        } else if n != -Int(EAGAIN) && n != -Int(EWOULDBLOCK) {
            fail(SystemError(code: Int32(truncatingIfNeeded: n), operation: "read from " + peer.description))
        }
    }

    private func flush() {
        while bufferedOutputBytes > 0, !out.isEmpty {
            let head = outHead
            let n = out[0].withUnsafeBytes { b -> Int in
                guard let p = b.baseAddress else { return 0 }
                return Int(csys_write(fd, p + head, UInt(b.count - head)))
            }
            if n > 0 {
                bytesWritten += Int64(n)
                bufferedOutputBytes -= Int64(n)
                outHead += n
                if outHead >= out[0].count {
                    out.removeFirst()
                    outHead = 0
                }
            } else if n == -Int(EAGAIN) || n == -Int(EWOULDBLOCK) || n == 0 {
                break
            } else {
                fail(SystemError(code: Int32(truncatingIfNeeded: n), operation: "write to " + peer.description))
                return
            }
        }
        if bufferedOutputBytes == 0 && state == .flushingToClose {
            if lingerAfterFlush { startLinger() } else { finish(nil) }
            return
        }
        updateInterest()
    }

    private func startLinger() {
        guard lingerMs > 0, csys_shutdown_write(fd) == 0 else {
            finish(nil)
            return
        }
        state = .lingering
        lingerTimer = loop.schedule(afterMs: lingerMs) { [self] in
            self.lingerTimer = nil
            self.finish(nil)
        }
        updateInterest()
    }

    /// Small writes are merged into the last chunk so a burst of tiny writes costs few
    /// syscalls and `out` stays short.
    private func append(_ bytes: [UInt8]) {
        bufferedOutputBytes += Int64(bytes.count)
        if let last = out.indices.last, out[last].count < 16384, bytes.count < 16384 {
            out[last].append(contentsOf: bytes)
        } else {
            out.append(bytes)
        }
    }

    private func updateInterest() {
        guard state != .closed else { return }
        let r = wantsRead
        let w = bufferedOutputBytes > 0
        if parked {
            guard r || w else { return }
            parked = false
            do throws(SystemError) {
                try loop.watch(fd: fd, readable: r, writable: w) { [self] ev in self.handle(ev) }
            } catch {
                fail(error)
            }
            return
        }
        do throws(SystemError) {
            try loop.modify(fd: fd, readable: r, writable: w)
        } catch {
            fail(error)
        }
    }

    private func fail(_ error: SystemError) {
        finish(error)
    }

    private func finish(_ error: SystemError?) {
        guard state != .closed else { return }
        state = .closed
        if let t = lingerTimer { loop.cancel(t); lingerTimer = nil }
        if !parked { loop.unwatch(fd: fd) }
        _ = csys_close(fd)
        out.removeAll()
        outHead = 0
        bufferedOutputBytes = 0
        let cb = onClose
        onRead = { _ in }
        onClose = { _ in }
        loop.post { cb(error) }
    }
}
