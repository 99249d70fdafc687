/// Where a client asked for its reports (§7): host, port and an optional path.
public struct SimDestination: Equatable, Hashable {
    public var host: String
    public var port: UInt16
    /// "" for the client's root, else a path starting with "/".
    public var path: String

    public init(host: String, port: UInt16, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    /// "host:port/path", the queue key and what the control API shows.
    public var key: String { host + ":" + String(port) + path }

    /// Builds the destination from login or heartbeat fields.
    /// - `urltag` 1 (string or number): `url` is absolute `[http://]host[:port][/path]`. Which of
    ///   url and ip/port wins when they disagree is undocumented (§13): `absoluteURLWins`.
    /// - `urltag` 0 or absent: `url` is a path relative to ip:port (`report` → `/report`).
    /// Returns nil when a port is not 1…65535.
    static func from(ip: String, port: String, url: String?, urltag: String?, absoluteURLWins: Bool) -> SimDestination? {
        guard let p = parsePort(Array(port.utf8)) else { return nil }
        guard let url = url, !url.isEmpty else { return SimDestination(host: ip, port: p, path: "") }
        var u = Array(url.utf8)
        if urltag == "1" {
            for scheme in ["http://", "https://"] {
                let s = Array(scheme.utf8)
                if u.count >= s.count && Array(u[0..<s.count]) == s { u = Array(u[s.count...]) }
            }
            var slash = u.count
            for (i, b) in u.enumerated() where b == UInt8(ascii: "/") { slash = i; break }
            let authority = Array(u[0..<slash])
            let path = String(decoding: u[slash...], as: UTF8.self)
            var colon = authority.count
            for (i, b) in authority.enumerated() where b == UInt8(ascii: ":") { colon = i; break }
            let host = String(decoding: authority[0..<colon], as: UTF8.self)
            var urlPort: UInt16? = nil
            if colon < authority.count {
                guard let up = parsePort(Array(authority[(colon + 1)...])) else { return nil }
                urlPort = up
            }
            if absoluteURLWins && !host.isEmpty {
                return SimDestination(host: host, port: urlPort ?? p, path: path)
            }
            return SimDestination(host: ip, port: p, path: path)
        }
        let path = u.first == UInt8(ascii: "/") ? url : "/" + url
        return SimDestination(host: ip, port: p, path: path)
    }

    static func parsePort(_ b: [UInt8]) -> UInt16? {
        guard !b.isEmpty, b.count <= 5 else { return nil }
        var v = 0
        for c in b {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v >= 1 && v <= 65_535 ? UInt16(v) : nil
    }
}

/// One report for one destination, as decided by the core. The shell queues it, checks the
/// token again just before each attempt, and writes `SimReportWire.request(...)`.
public struct SimDelivery: Equatable {
    /// Number of the report event (shared by the copies for different destinations).
    public var reportSeq: Int64
    public var action: String
    public var callid: String?
    /// Compact JSON body in the shape chosen for this destination.
    public var body: [UInt8]
    public var destination: SimDestination
    /// The token the destination was registered with; nil for BootUp, which is sent although
    /// the reboot killed every token (when `bootUpReport` is on).
    public var token: String?
}

/// The report request exactly as the firmware writes it (§8, §12.12).
public enum SimReportWire {
    public static func request(body: [UInt8], destination: SimDestination, form: SimRequestLine, lineEnding: SimLineEnding) -> [UInt8] {
        let eol = lineEnding == .crlf ? "\r\n" : "\n"
        var head: String
        switch form {
        case .emptyTwoSpaces:
            head = "POST  HTTP/1.1" + eol
        case .emptyOneSpace:
            head = "POST HTTP/1.1" + eol
        case .registeredPath:
            head = "POST " + destination.path + " HTTP/1.1" + eol
        case .yeastar:
            head = "POST " + (destination.path.isEmpty ? "/" : destination.path) + " HTTP/1.1" + eol
            head += "User-Agent: WebAPI" + eol
            head += "Host: " + destination.host + ": " + String(destination.port) + eol
            head += "Content-Length: " + String(body.count) + eol
            head += "Accept: application/json" + eol
            head += "Content-Type: application/json" + eol
            head += "Connection: close" + eol + eol
            return Array(head.utf8) + body
        }
        head += "Host:" + destination.host + eol
        head += "Content-Length:" + String(body.count) + eol
        head += "Accept: application/json" + eol
        head += "Content-Type:application/json" + eol
        head += "Connection:close" + eol + eol
        return Array(head.utf8) + body
    }
}
