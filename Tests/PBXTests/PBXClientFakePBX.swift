import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small fake OpenVox API server for the client tests: blocking sockets on its own threads,
/// independent of the code under test. Every request is recorded; `handler` decides the reply.
final class PBXClientFakePBX: @unchecked Sendable {
    struct Request {
        var method: String
        var target: String
        var path: String
        var query: [String: String]
        var headers: [String: String]   // lowercased names
        var body: [UInt8]
        var json: [String: Any]? {
            guard !body.isEmpty else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
        var endpoint: String {
            path.hasPrefix("/api/v0.0.1/") ? String(path.dropFirst("/api/v0.0.1/".count)) : path
        }
    }

    enum Reply {
        /// HTTP 200 with this JSON text.
        case json(String)
        /// A full status line + headers + body.
        case http(status: Int, contentType: String, body: String)
        /// Exactly these bytes, then close.
        case raw([UInt8])
        /// Never answer (until the server stops).
        case hang
        /// Close without answering.
        case close
    }

    let port: UInt16
    private let listenFD: Int32
    private let lock = NSLock()
    private var _requests: [Request] = []
    private var _handler: (Request) -> Reply
    private var hanging: [Int32] = []
    private var stopped = false

    var requests: [Request] { lock.lock(); defer { lock.unlock() }; return _requests }
    var handler: (Request) -> Reply {
        get { lock.lock(); defer { lock.unlock() }; return _handler }
        set { lock.lock(); _handler = newValue; lock.unlock() }
    }

    init(handler: @escaping (Request) -> Reply = { _ in .json("{\"status\":\"Success\"}") }) {
        _handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        listen(fd, 64)
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        listenFD = fd
        port = UInt16(bigEndian: bound.sin_port)
        let t = Thread { [self] in self.acceptLoop() }
        t.start()
    }

    func stop() {
        lock.lock()
        stopped = true
        let h = hanging
        hanging = []
        lock.unlock()
        for fd in h { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
        // Wakes the accept thread, which closes the socket itself: closed here, its number could
        // be reused by the next test's sockets while the thread is about to call accept on it,
        // and a stopped fake would answer the next test's requests.
        shutdown(listenFD, Int32(SHUT_RDWR))
    }

    /// A port nothing listens on: bound, then closed.
    static func closedPort() -> UInt16 {
        let s = PBXClientFakePBX()
        let p = s.port
        s.stop()
        Thread.sleep(forTimeInterval: 0.02)
        return p
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                lock.lock(); let s = stopped; lock.unlock()
                if s { close(listenFD); return }
                continue
            }
            let t = Thread { [self] in self.serve(fd) }
            t.start()
        }
    }

    private func serve(_ fd: Int32) {
        guard let req = readRequest(fd) else { close(fd); return }
        lock.lock()
        _requests.append(req)
        let h = _handler
        lock.unlock()
        switch h(req) {
        case .json(let text):
            writeAll(fd, Self.response(200, "application/json; charset=utf-8", text))
        case .http(let status, let ct, let body):
            writeAll(fd, Self.response(status, ct, body))
        case .raw(let bytes):
            writeAll(fd, bytes)
        case .hang:
            lock.lock()
            if stopped { lock.unlock(); close(fd); return }
            hanging.append(fd)
            lock.unlock()
            return
        case .close:
            break
        }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }

    static func response(_ status: Int, _ contentType: String, _ body: String) -> [UInt8] {
        let b = Array(body.utf8)
        var head = "HTTP/1.1 \(status) X\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(b.count)\r\n"
        head += "Access-control-allow-origin: *\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + b
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buf: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headEnd: Int? = nil
        while headEnd == nil {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            buf += chunk[0..<n]
            if let r = find(buf, Array("\r\n\r\n".utf8)) { headEnd = r }
        }
        let head = String(decoding: buf[0..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var headers: [String: String] = [:]
        for l in lines {
            guard let c = l.firstIndex(of: ":") else { continue }
            headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(buf[(headEnd! + 4)...])
        while body.count < length {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            body += chunk[0..<n]
        }
        let target = requestLine.count > 1 ? requestLine[1] : ""
        var path = target
        var query: [String: String] = [:]
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            for pair in target[target.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                query[kv[0]] = kv.count > 1 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""
            }
        }
        return Request(method: requestLine.first ?? "", target: target, path: path, query: query,
                       headers: headers, body: body)
    }

    private func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<i + needle.count]) == needle { return i }
        return nil
    }
}
