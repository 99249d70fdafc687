import CSystem

/// A numeric IPv4 or IPv6 address and a port. `ip` is the canonical text (`inet_ntop`), so
/// two addresses are equal exactly when they name the same endpoint.
/// Printed as `127.0.0.1:8260` or `[::1]:80`.
public struct SocketAddress: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let ip: String
    public let port: UInt16
    public let isIPv6: Bool

    /// A numeric address (`"192.168.1.10"`, `"::1"`); nil for host names or junk.
    public init?(ip: String, port: UInt16) {
        var a = csys_addr()
        guard csys_parse_addr(ip, port, &a) == 0 else { return nil }
        self.init(a)
    }

    init(_ a: csys_addr) {
        var c = a
        var buf = [CChar](repeating: 0, count: 64)
        let r = buf.withUnsafeMutableBufferPointer { csys_format_addr(&c, $0.baseAddress, Int32($0.count)) }
        ip = r == 0 ? String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
        port = a.port
        isIPv6 = a.family == AF_INET6
    }

    var cAddress: csys_addr {
        var a = csys_addr()
        _ = csys_parse_addr(ip, port, &a)
        return a
    }

    public var description: String {
        isIPv6 ? "[" + ip + "]:" + String(port) : ip + ":" + String(port)
    }

    /// Parses `"127.0.0.1:8260"` or `"[::1]:80"` (numeric addresses only, port required).
    public static func parse(_ hostPort: String) -> SocketAddress? {
        let bytes = Array(hostPort.utf8)
        let host: [UInt8]
        let portBytes: [UInt8]
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")),
                  close + 1 < bytes.count, bytes[close + 1] == UInt8(ascii: ":") else { return nil }
            host = Array(bytes[1..<close])
            portBytes = Array(bytes[(close + 2)...])
        } else {
            guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")),
                  bytes.firstIndex(of: UInt8(ascii: ":")) == colon else { return nil }
            host = Array(bytes[..<colon])
            portBytes = Array(bytes[(colon + 1)...])
        }
        guard let port = parsePort(portBytes) else { return nil }
        return SocketAddress(ip: String(decoding: host, as: UTF8.self), port: port)
    }

    /// Resolves a host name with `getaddrinfo`, first answer wins. **Blocks**: use at startup
    /// (reading config), never from a loop callback. Numeric addresses skip the resolver.
    public static func resolve(host: String, port: UInt16) -> SocketAddress? {
        var a = csys_addr()
        guard csys_resolve(host, port, &a) == 0 else { return nil }
        return SocketAddress(a)
    }

    /// Decimal 0...65535, 1 to 5 digits, nothing else.
    static func parsePort(_ b: [UInt8]) -> UInt16? {
        guard !b.isEmpty, b.count <= 5 else { return nil }
        var v: UInt32 = 0
        for c in b {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + UInt32(c - UInt8(ascii: "0"))
        }
        return v <= 65535 ? UInt16(v) : nil
    }
}
