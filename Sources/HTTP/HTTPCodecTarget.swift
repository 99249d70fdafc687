// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

/// One `name=value` pair of a query string, percent-decoded (`+` is a space).
public struct HTTPQueryParameter: Equatable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension HTTPRequestHead {
    /// The path of the target without the query, still percent-encoded: `/api/x` for
    /// `/api/x?token=1`, `/p` for `http://host:80/p`, "" for the empty target the OpenVox
    /// firmware sends (see `HTTPQuirks.emptyTarget`; routes usually treat it as `/`).
    public var path: String {
        let bytes = HTTPTarget.originPart(target)
        let end = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        return HTTPBytes.string(bytes[bytes.startIndex..<end])
    }

    /// The raw query after `?`, nil when the target has no `?`.
    public var query: String? {
        let bytes = HTTPTarget.originPart(target)
        guard let mark = bytes.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        var end = bytes.endIndex
        if let hash = bytes[mark...].firstIndex(of: UInt8(ascii: "#")) { end = hash }
        return HTTPBytes.string(bytes[(mark + 1)..<end])
    }

    /// Query parameters in order, percent-decoded; at most `limit` of them (the rest are
    /// ignored: the target is already bounded by `maxRequestLineBytes`, this bounds the work).
    /// Malformed escapes such as `%zz` are kept as written rather than failing the request.
    public func queryParameters(limit: Int = 64) -> [HTTPQueryParameter] {
        guard let query else { return [] }
        var result: [HTTPQueryParameter] = []
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if result.count >= limit { break }
            if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                result.append(HTTPQueryParameter(
                    name: HTTPTarget.percentDecoded(pair[pair.startIndex..<eq], plusIsSpace: true),
                    value: HTTPTarget.percentDecoded(pair[pair.index(after: eq)...], plusIsSpace: true)))
            } else {
                result.append(HTTPQueryParameter(name: HTTPTarget.percentDecoded(pair, plusIsSpace: true), value: ""))
            }
        }
        return result
    }

    /// The first value of query parameter `name` (exact, case-sensitive match after decoding).
    public func queryValue(_ name: String, limit: Int = 64) -> String? {
        for parameter in queryParameters(limit: limit) where parameter.name == name { return parameter.value }
        return nil
    }
}

extension HTTPRequest {
    public var path: String { head.path }
    public var query: String? { head.query }
    public func queryParameters(limit: Int = 64) -> [HTTPQueryParameter] { head.queryParameters(limit: limit) }
    public func queryValue(_ name: String, limit: Int = 64) -> String? { head.queryValue(name, limit: limit) }
}

public enum HTTPTarget {
    /// Percent-decodes bytes into text (UTF-8, or Latin-1 per byte when not valid UTF-8).
    /// A `%` not followed by two hex digits is kept literally.
    public static func percentDecoded<C: Collection<UInt8>>(_ bytes: C, plusIsSpace: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let b = bytes[index]
            if b == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, let hi = HTTPBytes.hexValue(bytes[first]),
                       let lo = HTTPBytes.hexValue(bytes[second]) {
                        out.append(hi << 4 | lo)
                        index = bytes.index(after: second)
                        continue
                    }
                }
                out.append(b)
            } else if b == UInt8(ascii: "+") && plusIsSpace {
                out.append(HTTPBytes.space)
            } else {
                out.append(b)
            }
            index = bytes.index(after: index)
        }
        return HTTPBytes.string(out)
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters (for query values).
    public static func percentEncoded(_ text: String) -> String {
        let hex: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
        var out = ""
        for b in text.utf8 {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%"
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
        return out
    }

    /// The path-and-query of a target: absolute-form `http://host:port/p?q` yields `/p?q`.
    static func originPart(_ target: String) -> ArraySlice<UInt8> {
        let bytes = Array(target.utf8)
        guard let schemeEnd = findSchemeSeparator(bytes) else { return bytes[...] }
        let authorityStart = schemeEnd + 3
        if let slash = bytes[authorityStart...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) {
            return bytes[slash...]
        }
        return bytes[bytes.count...]
    }

    /// Index of `://` when the target starts with a scheme (`http`, `https`).
    private static func findSchemeSeparator(_ bytes: [UInt8]) -> Int? {
        for i in 0..<bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: ":") {
                guard i > 0, i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") else { return nil }
                return i
            }
            let lower = HTTPBytes.lowercased(b)
            let letter = lower >= 0x61 && lower <= 0x7A
            let other = HTTPBytes.isDigit(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            guard letter || (i > 0 && other) else { return nil }
        }
        return nil
    }
}
