import COpenSSL
import CSystem
import EventLoop

/// A TLS client session over a `TCPConnection`, driven by the loop.
///
/// OpenSSL never touches the socket: it reads ciphertext from one memory BIO that the TCP
/// connection's `onRead` fills, and writes ciphertext into another that is drained into
/// `TCPConnection.write`. So the non-blocking handshake is just "feed bytes, call
/// `SSL_do_handshake` until it stops asking for more", and TLS inherits the TCP connection's
/// bounded output buffer, read pausing and exactly-once close.
///
/// Verification is always on: the chain must lead to a CA of the `TLSClientContext`, and the
/// certificate must match `serverName`: a DNS name (checked with `SSL_set1_host`, no partial
/// wildcards, also sent as SNI) or an IP literal (checked against the certificate's IP
/// SANs with `X509_VERIFY_PARAM_set1_ip_asc`; no SNI, as RFC 6066 forbids literals there).
/// TLS 1.2 is the minimum.
///
/// The surface mirrors `TCPConnection`: `onRead` gets plaintext, `onClose` fires exactly
/// once from the loop (`nil` after the server's close_notify, after a plain TCP EOF, or after
/// a local close), and both are released then. A TCP EOF without close_notify is reported as
/// `nil` too, because many servers skip it; HTTP framing catches truncation, and
/// `receivedCloseNotify` tells the two apart for anything that needs to.
public final class TLSConnection {
    public let tcp: TCPConnection
    public let loop: EventLoop
    public let serverName: String
    /// `"localhost (127.0.0.1:8443)"`, or just the address when the name is that address.
    public let serverLabel: String

    public var onRead: ([UInt8]) -> Void = { _ in }
    public var onClose: (TLSError?) -> Void = { _ in }

    /// Negotiated protocol and cipher, e.g. `"TLSv1.3"`, `"TLS_AES_256_GCM_SHA384"`.
    public private(set) var protocolVersion = ""
    public private(set) var cipherName = ""
    public private(set) var receivedCloseNotify = false

    private enum State { case handshaking, open, closing, closed }
    private var state: State = .handshaking
    private var ssl: OpaquePointer?
    private var rbio: OpaquePointer?
    private var wbio: OpaquePointer?
    private var handshakeCompletion: ((Result<TLSConnection, TLSError>) -> Void)?
    private var handshakeTimer: TimerID?
    /// Our own reason for closing the TCP connection, reported instead of what TCP says.
    private var failure: TLSError?
    private var paused = false
    /// Plaintext that SSL_write could not take yet (a renegotiation wanted to read first).
    private var pendingPlain: [UInt8] = []
    private var plainScratch: [UInt8] = []
    /// TLS records carry at most 16 KiB of plaintext.
    static let recordBytes = 16384

    public var isClosed: Bool { state == .closed }
    public var isOpen: Bool { state == .open }
    public var bufferedOutputBytes: Int64 { tcp.bufferedOutputBytes + Int64(pendingPlain.count) }

    // MARK: starting

    /// Runs the TLS handshake on an open TCP connection, which the session then owns (its
    /// handlers are replaced). `completion` runs exactly once, from the loop: with the
    /// verified session, or with a `TLSError`, in which case the TCP connection is closed.
    /// `timeoutMs > 0` bounds the handshake.
    public static func start(over tcp: TCPConnection, serverName: String, context: TLSClientContext,
                             timeoutMs: Int64, _ completion: @escaping (Result<TLSConnection, TLSError>) -> Void) {
        _ = begin(over: tcp, serverName: serverName, context: context, timeoutMs: timeoutMs, completion)
    }

    private static func begin(over tcp: TCPConnection, serverName: String, context: TLSClientContext,
                              timeoutMs: Int64, _ completion: @escaping (Result<TLSConnection, TLSError>) -> Void) -> TLSConnection? {
        let t: TLSConnection
        do throws(TLSError) {
            t = try TLSConnection(tcp: tcp, serverName: serverName, context: context)
        } catch {
            tcp.close()
            tcp.loop.post { completion(.failure(error)) }
            return nil
        }
        t.begin(timeoutMs: timeoutMs, completion)
        return t
    }

    /// TCP connect plus handshake, both inside one `timeoutMs` budget. A failed TCP connect
    /// comes back as `.connect(SystemError)`.
    @discardableResult
    public static func connect(loop: EventLoop, to address: SocketAddress, serverName: String, context: TLSClientContext,
                               timeoutMs: Int64, _ completion: @escaping (Result<TLSConnection, TLSError>) -> Void) -> TLSConnectAttempt {
        let attempt = TLSConnectAttempt()
        let deadline = loop.refreshNow() + timeoutMs
        attempt.tcpAttempt = TCPConnection.connect(loop: loop, to: address, timeoutMs: timeoutMs) { r in
            attempt.tcpAttempt = nil
            switch r {
            case .failure(let e):
                completion(.failure(.connect(e)))
            case .success(let tcp):
                let left = deadline - loop.refreshNow()
                let remaining = timeoutMs > 0 ? (left < 1 ? 1 : left) : 0
                attempt.session = TLSConnection.begin(over: tcp, serverName: serverName, context: context,
                                                      timeoutMs: remaining) { r in
                    attempt.session = nil
                    completion(r)
                }
            }
        }
        return attempt
    }

    private init(tcp: TCPConnection, serverName: String, context: TLSClientContext) throws(TLSError) {
        self.tcp = tcp
        self.loop = tcp.loop
        self.serverName = serverName
        let addr = tcp.peer.description
        serverLabel = serverName == tcp.peer.ip ? addr : serverName + " (" + addr + ")"
        let made = try TLSConnection.makeSSL(context: context, serverName: serverName)
        ssl = made.ssl
        rbio = made.rbio
        wbio = made.wbio
    }

    deinit {
        if let s = ssl { SSL_free(s) }
    }

    private static func makeSSL(context: TLSClientContext, serverName: String) throws(TLSError)
        -> (ssl: OpaquePointer, rbio: OpaquePointer, wbio: OpaquePointer) {
        ERR_clear_error()
        guard !serverName.isEmpty else {
            throw .setup(step: "server name", detail: "no server name to verify the certificate against")
        }
        guard let s = SSL_new(context.ctx) else {
            throw .setup(step: "SSL_new", detail: TLSError.drainOpenSSLErrors())
        }
        guard let mem = BIO_s_mem(), let r = BIO_new(mem) else {
            SSL_free(s)
            throw .setup(step: "BIO_new", detail: TLSError.drainOpenSSLErrors())
        }
        guard let w = BIO_new(mem) else {
            BIO_free(r)
            SSL_free(s)
            throw .setup(step: "BIO_new", detail: TLSError.drainOpenSSLErrors())
        }
        SSL_set_bio(s, r, w)   // s owns both BIOs now
        SSL_set_connect_state(s)
        var ok = true
        var step = ""
        if SocketAddress(ip: serverName, port: 0) != nil {
            step = "X509_VERIFY_PARAM_set1_ip_asc(" + serverName + ")"
            if let param = SSL_get0_param(s) {
                ok = X509_VERIFY_PARAM_set1_ip_asc(param, serverName) == 1
            } else {
                ok = false
            }
        } else {
            SSL_set_hostflags(s, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            step = "SSL_set1_host(" + serverName + ")"
            ok = SSL_set1_host(s, serverName) == 1
            if ok {
                step = "SNI " + serverName
                ok = copenssl_set_sni(s, serverName) == 1
            }
        }
        guard ok else {
            let detail = TLSError.drainOpenSSLErrors()
            SSL_free(s)
            throw .setup(step: step, detail: detail.isEmpty ? "rejected" : detail)
        }
        return (s, r, w)
    }

    private func begin(timeoutMs: Int64, _ completion: @escaping (Result<TLSConnection, TLSError>) -> Void) {
        guard !tcp.isClosed else {
            state = .closed
            let failure = TLSError.closedDuringHandshake(server: serverLabel)
            loop.post { completion(.failure(failure)) }
            return
        }
        handshakeCompletion = completion
        tcp.setHandlers(onRead: { [self] bytes in self.received(bytes) },
                        onClose: { [self] err in self.tcpClosed(err) })
        if timeoutMs > 0 {
            handshakeTimer = loop.schedule(afterMs: timeoutMs) { [self] in
                self.handshakeTimer = nil
                guard self.state == .handshaking else { return }
                self.failure = .timeout(server: self.serverLabel, ms: timeoutMs)
                self.tcp.close()
            }
        }
        // Send the ClientHello from the loop, so nothing completes inside start().
        loop.post { [self] in self.drive() }
    }

    // MARK: public operations

    /// Encrypts and sends `bytes`. Ignored unless the session is open.
    public func write(_ bytes: [UInt8]) {
        guard state == .open, !bytes.isEmpty else { return }
        if !pendingPlain.isEmpty {
            pendingPlain += bytes
            if Int64(pendingPlain.count) > tcp.maxOutputBytes {
                fail(.io(SystemError(code: ENOBUFS, operation: "tls write to " + serverLabel,
                                     message: "tls write to " + serverLabel + ": output buffer over " + String(tcp.maxOutputBytes) + " bytes; connection closed")))
            }
            return
        }
        writePlain(bytes)
    }

    /// Sends close_notify after what is already written, then closes the TCP connection
    /// once everything is flushed. Later writes are dropped.
    public func closeAfterFlush() {
        guard state == .open, let s = ssl else {
            if state == .handshaking { close() }
            return
        }
        state = .closing
        ERR_clear_error()
        _ = SSL_shutdown(s)
        flushOutput()
        tcp.closeAfterFlush()
    }

    /// Closes the TCP connection now, without close_notify.
    public func close() {
        guard state != .closed else { return }
        tcp.close()
    }

    public func pauseReading() {
        paused = true
        tcp.pauseReading()
    }

    public func resumeReading() {
        guard paused else { return }
        paused = false
        tcp.resumeReading()
        // Plaintext may already sit in OpenSSL's buffers, which epoll knows nothing about.
        loop.post { [self] in self.drive() }
    }

    // MARK: driving OpenSSL

    private func received(_ bytes: [UInt8]) {
        guard let r = rbio, state != .closed else { return }
        let n = bytes.withUnsafeBytes { b -> Int32 in
            guard let p = b.baseAddress else { return 0 }
            return BIO_write(r, p, Int32(b.count))
        }
        guard n == Int32(bytes.count) else {
            fail(.setup(step: "BIO_write", detail: TLSError.drainOpenSSLErrors()))
            return
        }
        drive()
    }

    private func drive() {
        guard let s = ssl else { return }
        if state == .handshaking {
            ERR_clear_error()
            let r = SSL_do_handshake(s)
            flushOutput()
            if r != 1 {
                let e = SSL_get_error(s, r)
                if e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE { return }
                fail(handshakeFailure(s))
                return
            }
            let v = SSL_get_verify_result(s)
            guard v == X509_V_OK else {
                fail(verifyFailure(code: Int64(v), detail: ""))
                return
            }
            handshakeDone(s)
        }
        readPlaintext()
        if !pendingPlain.isEmpty && state == .open {
            let p = pendingPlain
            pendingPlain = []
            writePlain(p)
        }
    }

    private func handshakeDone(_ s: OpaquePointer) {
        state = .open
        if let t = handshakeTimer { loop.cancel(t); handshakeTimer = nil }
        if let v = SSL_get_version(s) { protocolVersion = String(cString: v) }
        if let c = SSL_get_current_cipher(s), let name = SSL_CIPHER_get_name(c) { cipherName = String(cString: name) }
        plainScratch = [UInt8](repeating: 0, count: TLSConnection.recordBytes)
        let done = handshakeCompletion
        handshakeCompletion = nil
        done?(.success(self))
    }

    private func readPlaintext() {
        while state == .open && !paused, let s = ssl {
            ERR_clear_error()
            let n = plainScratch.withUnsafeMutableBytes { b -> Int32 in
                guard let p = b.baseAddress else { return 0 }
                return SSL_read(s, p, Int32(b.count))
            }
            if n > 0 {
                onRead(Array(plainScratch[0..<Int(n)]))
                continue
            }
            let e = SSL_get_error(s, n)
            if e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE { break }
            if e == SSL_ERROR_ZERO_RETURN {
                receivedCloseNotify = true
                state = .closing
                flushOutput()
                tcp.closeAfterFlush()
                return
            }
            let detail = TLSError.drainOpenSSLErrors()
            fail(.protocolFailure(server: serverLabel, detail: detail.isEmpty ? "SSL_read failed (SSL_get_error " + String(e) + ")" : detail))
            return
        }
        flushOutput()   // TLS 1.3 key updates and the like produce output while reading
    }

    private func writePlain(_ bytes: [UInt8]) {
        guard let s = ssl else { return }
        var offset = 0
        while offset < bytes.count && state == .open {
            ERR_clear_error()
            let chunk = min(bytes.count - offset, 1 << 20)
            let n = bytes.withUnsafeBytes { b -> Int32 in
                guard let p = b.baseAddress else { return 0 }
                return SSL_write(s, p + offset, Int32(chunk))
            }
            if n > 0 {
                offset += Int(n)
                continue
            }
            let e = SSL_get_error(s, n)
            if e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE {
                pendingPlain = Array(bytes[offset...])
                break
            }
            let detail = TLSError.drainOpenSSLErrors()
            fail(.protocolFailure(server: serverLabel, detail: detail.isEmpty ? "SSL_write failed (SSL_get_error " + String(e) + ")" : detail))
            return
        }
        flushOutput()
    }

    /// Moves ciphertext from OpenSSL's output BIO into the TCP connection.
    private func flushOutput() {
        guard let w = wbio else { return }
        while true {
            let pending = Int(BIO_ctrl_pending(w))
            if pending <= 0 { return }
            var out = [UInt8](repeating: 0, count: pending < 65536 ? pending : 65536)
            let n = out.withUnsafeMutableBytes { b -> Int32 in
                guard let p = b.baseAddress else { return 0 }
                return BIO_read(w, p, Int32(b.count))
            }
            if n <= 0 { return }
            if Int(n) < out.count { out.removeLast(out.count - Int(n)) }
            tcp.write(out)
        }
    }

    // MARK: failure and close

    private func handshakeFailure(_ s: OpaquePointer) -> TLSError {
        let detail = TLSError.drainOpenSSLErrors()
        let v = SSL_get_verify_result(s)
        if v != X509_V_OK { return verifyFailure(code: Int64(v), detail: detail) }
        if detail.isEmpty { return .closedDuringHandshake(server: serverLabel) }
        return .handshake(server: serverLabel, detail: detail)
    }

    private func verifyFailure(code: Int64, detail: String) -> TLSError {
        var reason = "verify error"
        if let p = X509_verify_cert_error_string(Int(code)) { reason = String(cString: p) }
        return .verify(server: serverLabel, code: code, reason: reason, detail: detail)
    }

    /// Records why we are closing and closes the TCP connection after sending any alert
    /// OpenSSL queued; `tcpClosed` reports it.
    private func fail(_ error: TLSError) {
        guard state != .closed else { return }
        if failure == nil { failure = error }
        flushOutput()
        if state == .open { state = .closing }
        tcp.closeAfterFlush()
    }

    /// Abandons the session (a cancelled connect): reported as `error`, TCP closed now.
    func abort(_ error: TLSError) {
        guard state != .closed else { return }
        if failure == nil { failure = error }
        tcp.close()
    }

    private func tcpClosed(_ err: SystemError?) {
        let wasHandshaking = state == .handshaking
        state = .closed
        if let t = handshakeTimer { loop.cancel(t); handshakeTimer = nil }
        if let s = ssl { SSL_free(s) }
        ssl = nil
        rbio = nil
        wbio = nil
        pendingPlain = []
        plainScratch = []
        let reported: TLSError? = failure ?? err.map { TLSError.io($0) }
        let cb = onClose
        onRead = { _ in }
        onClose = { _ in }
        if wasHandshaking {
            let done = handshakeCompletion
            handshakeCompletion = nil
            done?(.failure(reported ?? .closedDuringHandshake(server: serverLabel)))
            return
        }
        cb(reported)
    }
}

/// A TLS connect in progress (TCP connect, then handshake). `cancel()` aborts either phase;
/// the completion then reports ECANCELED (connect phase) or the closed connection.
public final class TLSConnectAttempt {
    var tcpAttempt: ConnectAttempt?
    var session: TLSConnection?

    init() {}

    public func cancel() {
        if let a = tcpAttempt {
            tcpAttempt = nil
            a.cancel()
        } else if let s = session {
            session = nil
            let op = "connect " + s.tcp.peer.description
            s.abort(.connect(SystemError(code: ECANCELED, operation: op, message: op + ": cancelled")))
        }
    }
}

extension TLSConnection: ByteStream {
    /// Ignored once closed (the handlers would never run, and would keep what they capture).
    public func setHandlers(onRead: @escaping ([UInt8]) -> Void, onClose: @escaping (SystemError?) -> Void) {
        guard !isClosed else { return }
        self.onRead = onRead
        self.onClose = { e in onClose(e?.systemError) }
    }

    public var peerDescription: String { serverLabel }
}
