/// Value grammars of `ucagent.conf`, each `String -> Result<T, ConfigValueError>`, plus the
/// formatters `effectiveText()` uses to print values back in a form these accept.
///
/// - Durations: a whole number with a unit `ms`, `s`, `m` or `h` (`500ms`, `30s`, `5m`, `1h`);
///   a bare number is seconds. No fractions, signs, blanks or compound forms (`1m30s`).
/// - Sizes: bytes (`262144`) or a whole number of `KiB` or `MiB`. `K`, `M`, `KB`, `MB` are
///   rejected: whether they mean 1000 or 1024 is ambiguous.
/// - Integers: decimal digits only.
struct ConfigValueError: Error, Equatable {
    var message: String
}

enum ConfigValue {
    typealias Outcome<T> = Result<T, ConfigValueError>

    static func fail<T>(_ message: String) -> Outcome<T> { .failure(ConfigValueError(message: message)) }

    // MARK: numbers, durations, sizes

    /// Up to 18 decimal digits (so no Int64 overflow); nil for anything else.
    static func digits(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for c in bytes {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int64(c - 0x30)
        }
        return value
    }

    /// The leading digits of `bytes` and the rest (the unit).
    static func splitNumber(_ text: String) -> (ArraySlice<UInt8>, String) {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
        return (bytes[0..<i], String(decoding: bytes[i...], as: UTF8.self))
    }

    static func duration(_ text: String, _ range: ClosedRange<Int64>) -> Outcome<Int64> {
        let expected = "expected a duration between " + formatDuration(range.lowerBound) + " and " + formatDuration(range.upperBound)
        let (number, unit) = splitNumber(text)
        let multiplier: Int64
        switch unit {
        case "": multiplier = 1000
        case "ms": multiplier = 1
        case "s": multiplier = 1000
        case "m": multiplier = 60_000
        case "h": multiplier = 3_600_000
        default: multiplier = 0
        }
        guard multiplier > 0, let n = digits(number) else {
            return fail(expected + " (e.g. 500ms, 30s, 5m, 1h; a bare number is seconds), got " + shownValue(text))
        }
        let (ms, overflow) = n.multipliedReportingOverflow(by: multiplier)
        guard !overflow, range.contains(ms) else { return fail(expected + ", got " + shownValue(text)) }
        return .success(ms)
    }

    static func size(_ text: String, _ range: ClosedRange<Int64>) -> Outcome<Int64> {
        let expected = "expected a size between " + formatSize(range.lowerBound) + " and " + formatSize(range.upperBound)
        let (number, unit) = splitNumber(text)
        let multiplier: Int64
        switch unit {
        case "": multiplier = 1
        case "KiB": multiplier = 1024
        case "MiB": multiplier = 1024 * 1024
        default: multiplier = 0
        }
        guard multiplier > 0, let n = digits(number) else {
            return fail(expected + " (bytes, or a number with KiB or MiB; K, KB, M and MB are not accepted), got " + shownValue(text))
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: multiplier)
        guard !overflow, range.contains(bytes) else { return fail(expected + ", got " + shownValue(text)) }
        return .success(bytes)
    }

    static func integer(_ text: String, _ range: ClosedRange<Int64>) -> Outcome<Int64> {
        guard let n = digits(Array(text.utf8)[...]), range.contains(n) else {
            return fail("expected an integer between " + String(range.lowerBound) + " and " + String(range.upperBound)
                + ", got " + shownValue(text))
        }
        return .success(n)
    }

    /// Whole seconds as `30s`, anything else as `1500ms`: one form, so ranges in messages read
    /// the same as in the documentation (`between 5s and 1500s`).
    static func formatDuration(_ ms: Int64) -> String {
        ms % 1000 == 0 ? String(ms / 1000) + "s" : String(ms) + "ms"
    }

    /// The largest unit that divides exactly: `4MiB`, `256KiB`, `1000`.
    static func formatSize(_ bytes: Int64) -> String {
        if bytes != 0 && bytes % (1024 * 1024) == 0 { return String(bytes / (1024 * 1024)) + "MiB" }
        if bytes != 0 && bytes % 1024 == 0 { return String(bytes / 1024) + "KiB" }
        return String(bytes)
    }

    // MARK: words

    static func logLevel(_ text: String) -> Outcome<AgentConfig.LogLevel> {
        switch text {
        case "error": return .success(.error)
        case "warn": return .success(.warn)
        case "info": return .success(.info)
        case "debug": return .success(.debug)
        default: return fail("expected one of error, warn, info, debug, got " + shownValue(text))
        }
    }

    /// `1.0.2`, `0.0.1`: three dot-separated numbers of 1–3 digits.
    static func version(_ text: String) -> Outcome<String> {
        let parts = text.utf8.split(separator: 0x2e, omittingEmptySubsequences: false)
        let ok = parts.count == 3 && parts.allSatisfy { p in p.count >= 1 && p.count <= 3 && p.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        return ok ? .success(text) : fail("expected a version of three numbers such as 1.0.2 or 0.0.1, got " + shownValue(text))
    }

    static func username(_ text: String) -> Outcome<String> {
        let n = text.utf8.count
        guard AgentConfig.Ranges.usernameBytes.contains(n) else {
            return fail("expected a user name of at most " + String(AgentConfig.Ranges.usernameBytes.upperBound)
                + " bytes, got " + String(n) + " bytes")
        }
        return .success(text)
    }

    /// Never echoes the value.
    static func password(_ text: String) -> Outcome<String> {
        let n = text.utf8.count
        guard AgentConfig.Ranges.passwordBytes.contains(n) else {
            return fail("the password is " + String(n) + " bytes; the limit is " + String(AgentConfig.Ranges.passwordBytes.upperBound))
        }
        return .success(text)
    }

    /// Never echoes the value. Upper-case hex is accepted and lower-cased.
    static func md5Hex(_ text: String) -> Outcome<String> {
        let bytes = Array(text.utf8)
        if let bad = bytes.firstIndex(where: { hexValue($0) == nil }) {
            return fail("expected 32 hex digits (the MD5 of the API password), found a character that is not a hex digit at position "
                + String(bad + 1))
        }
        guard bytes.count == 32 else {
            return fail("expected 32 hex digits (the MD5 of the API password), got " + String(bytes.count))
        }
        return .success(text.lowercased())
    }

    // MARK: paths

    /// An absolute file-system path. A directory's trailing `/` is dropped (not for `/` itself);
    /// a file path must not end in `/`.
    static func absolutePath(_ text: String, directory: Bool) -> Outcome<String> {
        let bytes = Array(text.utf8)
        guard bytes.first == 0x2f else {
            return fail("expected an absolute path (starting with /), got " + shownValue(text))
        }
        guard AgentConfig.Ranges.pathBytes.contains(bytes.count) else {
            return fail("the path is " + String(bytes.count) + " bytes; the limit is " + String(AgentConfig.Ranges.pathBytes.upperBound))
        }
        if directory {
            var end = bytes.count
            while end > 1 && bytes[end - 1] == 0x2f { end -= 1 }
            return .success(String(decoding: bytes[0..<end], as: UTF8.self))
        }
        guard bytes.last != 0x2f else {
            return fail("expected a file path, got a directory (ends with /): " + shownValue(text))
        }
        return .success(text)
    }

    /// An HTTP path: `/` and segments of letters, digits, `-`, `.`, `_`, `~`; no empty, `.` or
    /// `..` segment, no trailing `/`. `/` alone only when `allowRoot`.
    static func urlPath(_ text: String, allowRoot: Bool) -> Outcome<String> {
        let bytes = Array(text.utf8)
        let problem = "expected a path such as /report: '/' and segments of letters, digits, '-', '.', '_', '~'"
            + (allowRoot ? "" : " (not / alone)") + ", got " + shownValue(text)
        guard bytes.first == 0x2f, bytes.count <= 256 else { return fail(problem) }
        if bytes.count == 1 { return allowRoot ? .success(text) : fail(problem) }
        let segments = bytes[1...].split(separator: 0x2f, omittingEmptySubsequences: false)
        for segment in segments {
            let dots = segment.allSatisfy { $0 == 0x2e }
            guard !segment.isEmpty, !(dots && segment.count <= 2), segment.allSatisfy(isPathByte) else { return fail(problem) }
        }
        return .success(text)
    }

    static func isPathByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
            || c == 0x2d || c == 0x2e || c == 0x5f || c == 0x7e
    }

    // MARK: addresses

    static func port(_ bytes: ArraySlice<UInt8>, allowZero: Bool) -> UInt16? {
        guard bytes.count <= 5, let n = digits(bytes), n <= 65535, n > 0 || allowZero else { return nil }
        return UInt16(n)
    }

    /// `a.b.c.d:port` or `[v6]:port`, IP literals only (nothing here resolves names).
    static func hostPort(_ text: String, allowPortZero: Bool, allowUnspecified: Bool) -> Outcome<AgentConfig.HostPort> {
        let example = allowUnspecified ? "0.0.0.0:8260 or [::]:8260" : "192.168.1.20:8260 or [fd00::20]:8260"
        let bytes = Array(text.utf8)
        let hostBytes: ArraySlice<UInt8>
        let portBytes: ArraySlice<UInt8>
        let address: AgentConfig.IPAddress
        if bytes.first == 0x5b {
            guard let close = bytes.firstIndex(of: 0x5d), close + 1 < bytes.count, bytes[close + 1] == 0x3a else {
                return fail("expected [IPv6 address]:port such as [::1]:8260, got " + shownValue(text))
            }
            hostBytes = bytes[1..<close]
            portBytes = bytes[(close + 2)...]
            guard hostBytes.contains(0x3a), let v6 = AgentConfig.IPAddress(bytes: Array(hostBytes)) else {
                return fail("invalid IPv6 address in brackets, got " + shownValue(text))
            }
            address = v6
        } else {
            guard let colon = bytes.lastIndex(of: 0x3a) else {
                return fail("expected address:port such as " + example + ", got " + shownValue(text))
            }
            hostBytes = bytes[0..<colon]
            portBytes = bytes[(colon + 1)...]
            if hostBytes.contains(0x3a) {
                return fail("an IPv6 address needs brackets, e.g. [::1]:8260, got " + shownValue(text))
            }
            guard let v4 = parseIPv4(hostBytes) else {
                return fail("expected an IP address before the port (no host names: nothing here resolves them), got " + shownValue(text))
            }
            address = .v4(v4)
        }
        guard let p = port(portBytes, allowZero: allowPortZero) else {
            return fail("expected a port " + (allowPortZero ? "0" : "1") + "–65535 after the address, got " + shownValue(text))
        }
        if !allowUnspecified && address.isUnspecified {
            return fail("expected an address the PBX can reach, not the unspecified address, got " + shownValue(text))
        }
        return .success(AgentConfig.HostPort(host: address, port: p))
    }

    /// `http://host[:port]` or `https://…`; the host is an IPv4 literal, `[IPv6]` or a DNS name.
    /// A lone trailing `/` is accepted; any other path, a query, a fragment or user info is not.
    static func httpURL(_ text: String) -> Outcome<AgentConfig.HTTPURL> {
        let bytes = Array(text.utf8)
        // Checked first, and the value is not shown: it would be a password.
        if bytes.contains(0x40) {
            return fail("user info (user:password@) in the url is not supported; use username and password")
        }
        let lower = Array(text.lowercased().utf8)
        let scheme: AgentConfig.HTTPURL.Scheme
        var i: Int
        if lower.starts(with: Array("http://".utf8)) {
            scheme = .http; i = 7
        } else if lower.starts(with: Array("https://".utf8)) {
            scheme = .https; i = 8
        } else {
            return fail("expected a url starting with http:// or https://, got " + shownValue(text))
        }
        var end = i
        while end < bytes.count && bytes[end] != 0x2f && bytes[end] != 0x3f && bytes[end] != 0x23 { end += 1 }
        let authority = bytes[i..<end]
        let rest = bytes[end...]
        if !(rest.isEmpty || (rest.count == 1 && rest.first == 0x2f)) {
            return fail("expected a url without path, query or fragment (the API prefix is api_path), got " + shownValue(text))
        }
        var host: AgentConfig.HTTPURL.Host
        var portBytes: ArraySlice<UInt8>? = nil
        if authority.first == 0x5b {
            guard let close = authority.firstIndex(of: 0x5d),
                  let v6 = AgentConfig.IPAddress(bytes: Array(authority[(authority.startIndex + 1)..<close])),
                  case .v6 = v6 else {
                return fail("invalid IPv6 address in brackets in the url, got " + shownValue(text))
            }
            host = .ip(v6)
            i = close + 1
            if i < end {
                guard bytes[i] == 0x3a else { return fail("expected ':port' after ']' in the url, got " + shownValue(text)) }
                portBytes = bytes[(i + 1)..<end]
            }
        } else {
            var hostEnd = authority.startIndex
            while hostEnd < end && bytes[hostEnd] != 0x3a { hostEnd += 1 }
            let hostBytes = bytes[authority.startIndex..<hostEnd]
            if hostEnd < end { portBytes = bytes[(hostEnd + 1)..<end] }
            if hostBytes.isEmpty {
                return fail("expected a host after " + scheme.description + "://, got " + shownValue(text))
            }
            if hostBytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2e }) {
                guard let v4 = parseIPv4(hostBytes) else {
                    return fail("invalid IPv4 address in the url, got " + shownValue(text))
                }
                host = .ip(.v4(v4))
            } else {
                guard isHostName(hostBytes) else {
                    return fail("invalid host name in the url (letters, digits, '-' and dots), got " + shownValue(text))
                }
                host = .name(String(decoding: hostBytes, as: UTF8.self).lowercased())
            }
        }
        var portNumber = scheme.defaultPort
        if let portBytes {
            guard let p = port(portBytes, allowZero: false) else {
                return fail("expected a port 1–65535 in the url, got " + shownValue(text))
            }
            portNumber = p
        }
        return .success(AgentConfig.HTTPURL(scheme: scheme, host: host, port: portNumber))
    }

    /// RFC 1123 names: dot-separated labels of 1–63 letters, digits and inner `-`; at most 253
    /// bytes; the last label not all digits (that would be a mistyped IPv4 address).
    static func isHostName(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: 0x2e, omittingEmptySubsequences: false)
        for label in labels {
            guard label.count >= 1, label.count <= 63, label.first != 0x2d, label.last != 0x2d else { return false }
            guard label.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }) else {
                return false
            }
        }
        if let last = labels.last, last.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return false }
        return true
    }

    /// `127.0.0.1, 10.0.0.0/8, ::1, fd00::/8`: IP addresses or networks, comma-separated.
    static func allowList(_ text: String) -> Outcome<AgentConfig.AllowList> {
        let items = Array(text.utf8).split(separator: 0x2c, omittingEmptySubsequences: false)
        guard items.count <= AgentConfig.Ranges.allowEntries.upperBound else {
            return fail("at most " + String(AgentConfig.Ranges.allowEntries.upperBound) + " entries, got " + String(items.count))
        }
        var entries: [AgentConfig.CIDR] = []
        for (index, raw) in items.enumerated() {
            var item = raw
            while let f = item.first, ConfigSyntax.isBlank(f) { item = item.dropFirst() }
            while let l = item.last, ConfigSyntax.isBlank(l) { item = item.dropLast() }
            let shown = shownValue(String(decoding: item, as: UTF8.self))
            if item.isEmpty {
                return fail("entry " + String(index + 1) + " is empty (a stray comma?)")
            }
            var addressBytes = item
            var prefix: Int? = nil
            if let slash = item.firstIndex(of: 0x2f) {
                addressBytes = item[item.startIndex..<slash]
                let prefixBytes = item[(slash + 1)...]
                guard prefixBytes.count <= 3, let p = digits(prefixBytes) else {
                    return fail("expected a prefix length after '/', got " + shown)
                }
                prefix = Int(p)
            }
            guard let address = AgentConfig.IPAddress(bytes: Array(addressBytes)) else {
                return fail("expected an IP address or network such as 10.0.0.0/8 or fd00::/8 (IPv6 without brackets), got " + shown)
            }
            let maxPrefix = address.bytes.count * 8
            let length = prefix ?? maxPrefix
            guard length <= maxPrefix else {
                return fail("prefix length " + String(length) + " is longer than " + String(maxPrefix) + " in " + shown)
            }
            guard let cidr = AgentConfig.CIDR(network: address, prefixLength: length) else {
                return fail(shown + " has host bits set; the network is " + masked(address, length).description
                    + "/" + String(length))
            }
            entries.append(cidr)
        }
        return .success(AgentConfig.AllowList(entries))
    }

    static func masked(_ address: AgentConfig.IPAddress, _ prefix: Int) -> AgentConfig.IPAddress {
        switch address {
        case .v4(let v): return .v4(v & mask32(prefix))
        case .v6(let high, let low):
            let (mh, ml) = mask128(prefix)
            return .v6(high: high & mh, low: low & ml)
        }
    }
}
