/// Network values of the config, parsed without sockets or DNS: IP literals, CIDR allow lists,
/// `host:port` pairs and the PBX URL.
extension AgentConfig {
    /// An IPv4 or IPv6 address. `v6` holds the 128 bits as two big-endian halves.
    public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
        case v4(UInt32)
        case v6(high: UInt64, low: UInt64)

        /// Accepts dotted IPv4 (`10.0.0.1`, no leading zeros: `010` is ambiguous) and RFC 4291
        /// IPv6 text (`::1`, `fe80::1`, `::ffff:10.0.0.1`); no zone ids (`%eth0`), no brackets.
        public init?(_ text: String) {
            self.init(bytes: Array(text.utf8))
        }

        init?(bytes: [UInt8]) {
            if bytes.contains(0x3a) {
                guard let halves = parseIPv6(bytes) else { return nil }
                self = .v6(high: halves.0, low: halves.1)
            } else {
                guard let v = parseIPv4(bytes[...]) else { return nil }
                self = .v4(v)
            }
        }

        /// The address in network byte order: 4 or 16 bytes, ready for a `sockaddr`.
        public var bytes: [UInt8] {
            switch self {
            case .v4(let v):
                return [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
                        UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
            case .v6(let high, let low):
                var out: [UInt8] = []
                for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
                for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
                return out
            }
        }

        /// 0.0.0.0 or ::, the "any address" of a listener.
        public var isUnspecified: Bool { self == .v4(0) || self == .v6(high: 0, low: 0) }

        /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), which is how
        /// a dual-stack listener sees IPv4 peers.
        public var mappedIPv4: UInt32? {
            if case .v6(let high, let low) = self, high == 0, low >> 32 == 0xffff { return UInt32(truncatingIfNeeded: low) }
            return nil
        }

        /// Canonical text: dotted IPv4; IPv6 as RFC 5952 (lower case, longest zero run as `::`,
        /// IPv4-mapped as `::ffff:a.b.c.d`).
        public var description: String {
            switch self {
            case .v4(let v):
                return String(v >> 24) + "." + String(v >> 16 & 255) + "." + String(v >> 8 & 255) + "." + String(v & 255)
            case .v6(let high, let low):
                if let v4 = mappedIPv4 { return "::ffff:" + IPAddress.v4(v4).description }
                var groups: [UInt16] = []
                for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift))) }
                for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift))) }
                var bestStart = -1, bestLength = 1
                var i = 0
                while i < 8 {
                    if groups[i] == 0 {
                        var j = i
                        while j < 8 && groups[j] == 0 { j += 1 }
                        if j - i > bestLength { bestStart = i; bestLength = j - i }
                        i = j
                    } else {
                        i += 1
                    }
                }
                func join(_ range: Range<Int>) -> String {
                    var out = ""
                    for k in range {
                        if k > range.lowerBound { out += ":" }
                        out += String(groups[k], radix: 16)
                    }
                    return out
                }
                if bestStart < 0 { return join(0..<8) }
                return join(0..<bestStart) + "::" + join((bestStart + bestLength)..<8)
            }
        }
    }

    /// A network in CIDR notation; a bare address is a one-address network (/32 or /128).
    public struct CIDR: Hashable, Sendable, CustomStringConvertible {
        public let network: IPAddress
        public let prefixLength: Int

        /// nil unless `prefixLength` fits the family and `network` has no host bits set.
        public init?(network: IPAddress, prefixLength: Int) {
            switch network {
            case .v4(let v):
                guard prefixLength >= 0, prefixLength <= 32, v & ~mask32(prefixLength) == 0 else { return nil }
            case .v6(let high, let low):
                guard prefixLength >= 0, prefixLength <= 128 else { return nil }
                let (mh, ml) = mask128(prefixLength)
                guard high & ~mh == 0, low & ~ml == 0 else { return nil }
            }
            self.network = network
            self.prefixLength = prefixLength
        }

        public static func host(_ address: IPAddress) -> CIDR {
            switch address {
            case .v4: return CIDR(uncheckedNetwork: address, prefixLength: 32)
            case .v6: return CIDR(uncheckedNetwork: address, prefixLength: 128)
            }
        }

        private init(uncheckedNetwork: IPAddress, prefixLength: Int) {
            self.network = uncheckedNetwork
            self.prefixLength = prefixLength
        }

        /// Whether `address` lies in this network. An IPv4 network also matches the IPv4-mapped
        /// IPv6 form of its addresses, and an IPv6 network in `::ffff:0:0/96` matches plain IPv4,
        /// so a rule works whether the listener is IPv4-only or dual-stack.
        public func contains(_ address: IPAddress) -> Bool {
            switch (network, address) {
            case (.v4(let n), .v4(let a)):
                return a & mask32(prefixLength) == n
            case (.v4(let n), .v6):
                guard let a = address.mappedIPv4 else { return false }
                return a & mask32(prefixLength) == n
            case (.v6(let nh, let nl), .v6(let ah, let al)):
                let (mh, ml) = mask128(prefixLength)
                return ah & mh == nh && al & ml == nl
            case (.v6, .v4(let a)):
                return contains(.v6(high: 0, low: 0xffff_0000_0000 | UInt64(a)))
            }
        }

        var isHost: Bool {
            switch network {
            case .v4: return prefixLength == 32
            case .v6: return prefixLength == 128
            }
        }

        /// `10.0.0.0/8`; a single address without the prefix (`127.0.0.1`, `::1`).
        public var description: String {
            isHost ? network.description : network.description + "/" + String(prefixLength)
        }
    }

    /// The peers allowed to post reports: a list of networks. Empty never parses.
    public struct AllowList: Hashable, Sendable, CustomStringConvertible {
        public var entries: [CIDR]

        public init(_ entries: [CIDR]) { self.entries = entries }

        public func contains(_ address: IPAddress) -> Bool {
            entries.contains { $0.contains(address) }
        }

        /// `false` for text that is not an IP address.
        public func contains(ip: String) -> Bool {
            guard let address = IPAddress(ip) else { return false }
            return contains(address)
        }

        /// Comma-separated, as in the config: `127.0.0.1, 10.0.0.0/8, ::1`.
        public var description: String {
            var out = ""
            for (i, entry) in entries.enumerated() {
                if i > 0 { out += ", " }
                out += entry.description
            }
            return out
        }
    }

    /// An IP literal and a port: a listen or advertise address. `1.2.3.4:80`, `[::1]:80`.
    public struct HostPort: Hashable, Sendable, CustomStringConvertible {
        public var host: IPAddress
        /// 0 only for listen addresses: the kernel picks a port (tests).
        public var port: UInt16

        public init(host: IPAddress, port: UInt16) { self.host = host; self.port = port }

        public var description: String {
            switch host {
            case .v4: return host.description + ":" + String(port)
            case .v6: return "[" + host.description + "]:" + String(port)
            }
        }
    }

    /// The PBX base URL: scheme, host and port only; the API prefix is `api_path`.
    public struct HTTPURL: Hashable, Sendable, CustomStringConvertible {
        public enum Scheme: Hashable, Sendable, CustomStringConvertible {
            case http, https
            public var description: String { self == .http ? "http" : "https" }
            public var defaultPort: UInt16 { self == .http ? 80 : 443 }
        }

        public enum Host: Hashable, Sendable, CustomStringConvertible {
            case ip(IPAddress)
            /// A DNS name, lower-cased. Resolving it is the HTTP client's business.
            case name(String)

            public var description: String {
                switch self {
                case .ip(let address): return address.description
                case .name(let name): return name
                }
            }
        }

        public var scheme: Scheme
        public var host: Host
        public var port: UInt16

        public init(scheme: Scheme, host: Host, port: UInt16) {
            self.scheme = scheme; self.host = host; self.port = port
        }

        /// The host as it goes into a `Host:` header, TLS SNI or a name check: IPv6 without
        /// brackets here; `authority` adds them.
        public var hostText: String { host.description }

        /// `host:port` with IPv6 in brackets, for the `Host:` header.
        public var authority: String {
            if case .ip(.v6) = host { return "[" + host.description + "]:" + String(port) }
            return host.description + ":" + String(port)
        }

        /// Always with the port, so the effective config shows it.
        public var description: String { scheme.description + "://" + authority }
    }
}

func mask32(_ prefix: Int) -> UInt32 {
    prefix <= 0 ? 0 : UInt32.max << UInt32(32 - prefix)
}

func mask128(_ prefix: Int) -> (UInt64, UInt64) {
    if prefix <= 0 { return (0, 0) }
    if prefix <= 64 { return (UInt64.max << UInt64(64 - prefix), 0) }
    if prefix >= 128 { return (UInt64.max, UInt64.max) }
    return (UInt64.max, UInt64.max << UInt64(128 - prefix))
}

/// Strict dotted quad: four decimal parts 0–255, no signs, no leading zeros.
func parseIPv4(_ s: ArraySlice<UInt8>) -> UInt32? {
    var value: UInt32 = 0
    var parts = 0
    var i = s.startIndex
    while true {
        let start = i
        var part: UInt32 = 0
        while i < s.endIndex, s[i] >= 0x30, s[i] <= 0x39, i - start < 3 {
            part = part * 10 + UInt32(s[i] - 0x30)
            i += 1
        }
        let length = i - start
        guard length > 0, part <= 255, !(length > 1 && s[start] == 0x30) else { return nil }
        value = value << 8 | part
        parts += 1
        if parts == 4 { return i == s.endIndex ? value : nil }
        guard i < s.endIndex, s[i] == 0x2e else { return nil }
        i += 1
    }
}

/// RFC 4291 §2.2 text: up to eight groups of 1–4 hex digits, one `::`, an optional dotted
/// IPv4 tail. Returns the two big-endian halves.
func parseIPv6(_ s: [UInt8]) -> (UInt64, UInt64)? {
    guard !s.isEmpty else { return nil }
    var groups: [UInt16] = []
    var gap: Int? = nil
    var i = 0
    if s[0] == 0x3a {
        guard s.count >= 2, s[1] == 0x3a else { return nil }
        gap = 0
        i = 2
    }
    while i < s.count {
        let start = i
        var group: UInt32 = 0
        while i < s.count, let d = hexValue(s[i]) {
            group = group << 4 | UInt32(d)
            i += 1
            if i - start > 4 { break }
        }
        if i < s.count && s[i] == 0x2e {
            // A dotted IPv4 tail: the last 32 bits, written last.
            guard groups.count <= 6, let v4 = parseIPv4(s[start...]) else { return nil }
            groups.append(UInt16(truncatingIfNeeded: v4 >> 16))
            groups.append(UInt16(truncatingIfNeeded: v4))
            i = s.count
            break
        }
        let length = i - start
        guard length >= 1, length <= 4 else { return nil }
        groups.append(UInt16(group))
        if groups.count > 8 { return nil }
        if i == s.count { break }
        guard s[i] == 0x3a else { return nil }
        i += 1
        if i < s.count && s[i] == 0x3a {
            guard gap == nil else { return nil }
            gap = groups.count
            i += 1
        } else if i == s.count {
            return nil   // a single trailing ':'
        }
    }
    if let gap {
        guard groups.count <= 7 else { return nil }
        groups.insert(contentsOf: [UInt16](repeating: 0, count: 8 - groups.count), at: gap)
    } else if groups.count != 8 {
        return nil
    }
    var high: UInt64 = 0, low: UInt64 = 0
    for k in 0..<4 { high = high << 16 | UInt64(groups[k]) }
    for k in 4..<8 { low = low << 16 | UInt64(groups[k]) }
    return (high, low)
}

func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: return c - 0x30
    case 0x61...0x66: return c - 0x61 + 10
    case 0x41...0x46: return c - 0x41 + 10
    default: return nil
    }
}
