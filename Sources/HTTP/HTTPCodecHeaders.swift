// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

/// One header line as received or to be sent: name as written, value with surrounding
/// whitespace removed.
public struct HTTPHeader: Equatable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Header lines in wire order, duplicates kept. Lookup by name ignores ASCII case, as HTTP
/// field names are case-insensitive.
public struct HTTPHeaders: Equatable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [HTTPHeader]

    public init() { fields = [] }

    public init(_ fields: [HTTPHeader]) { self.fields = fields }

    /// Literal order is kept: `["Content-Type": "application/json", "Accept": "*/*"]`.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = []
        for (name, value) in elements { fields.append(HTTPHeader(name: name, value: value)) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[HTTPHeader]> { fields.makeIterator() }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for field in fields where HTTPHeaders.namesEqual(field.name, name) { return field.value }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        var result: [String] = []
        for field in fields where HTTPHeaders.namesEqual(field.name, name) { result.append(field.value) }
        return result
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Whether a comma-separated header (Connection, ...) lists `token`, ignoring case.
    public func containsToken(_ token: String, in name: String) -> Bool {
        for value in values(name) {
            for part in value.utf8.split(separator: UInt8(ascii: ",")) {
                if HTTPHeaders.asciiEqualIgnoringCase(HTTPBytes.trimmed(part), token.utf8) { return true }
            }
        }
        return false
    }

    /// Appends a line; an existing line of the same name is kept.
    public mutating func add(name: String, value: String) {
        fields.append(HTTPHeader(name: name, value: value))
    }

    /// Replaces every line of `name` with one line (at the position of the first, or at the end).
    public mutating func replaceOrAdd(name: String, value: String) {
        if let first = fields.firstIndex(where: { HTTPHeaders.namesEqual($0.name, name) }) {
            fields[first].value = value
            var index = fields.count - 1
            while index > first {
                if HTTPHeaders.namesEqual(fields[index].name, name) { fields.remove(at: index) }
                index -= 1
            }
        } else {
            add(name: name, value: value)
        }
    }

    public mutating func remove(name: String) {
        fields.removeAll { HTTPHeaders.namesEqual($0.name, name) }
    }

    static func namesEqual(_ a: String, _ b: String) -> Bool {
        asciiEqualIgnoringCase(a.utf8, b.utf8)
    }

    static func asciiEqualIgnoringCase<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        if a.count != b.count { return false }
        var ib = b.makeIterator()
        for x in a {
            guard let y = ib.next() else { return false }
            if HTTPBytes.lowercased(x) != HTTPBytes.lowercased(y) { return false }
        }
        return true
    }
}

/// Byte classes and small helpers shared by the codec files.
enum HTTPBytes {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    static func lowercased(_ b: UInt8) -> UInt8 {
        (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
    }

    /// RFC 9110 tchar: the characters of a method or a header name.
    static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// A byte allowed inside a field value: HTAB, SP, VCHAR, obs-text.
    static func isFieldValueChar(_ b: UInt8) -> Bool {
        b == tab || (b >= 0x20 && b != 0x7F)
    }

    /// Visible ASCII: the characters of a request target.
    static func isVisible(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    static func trimmed<C: BidirectionalCollection<UInt8>>(_ bytes: C) -> C.SubSequence {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == space || bytes[start] == tab { start = bytes.index(after: start) }
        while end > start {
            let before = bytes.index(before: end)
            if bytes[before] == space || bytes[before] == tab { end = before } else { break }
        }
        return bytes[start..<end]
    }

    /// Text of header bytes: UTF-8 when valid, otherwise each byte as Latin-1, so no byte a
    /// peer sent is replaced or lost.
    static func string<C: Collection<UInt8>>(_ bytes: C) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var scalars = String.UnicodeScalarView()
        for b in bytes { scalars.append(Unicode.Scalar(b)) }
        return String(scalars)
    }

    /// Decimal digits only, at most 18 of them (fits `Int64` with room to add).
    static func parseDecimal<C: Collection<UInt8>>(_ bytes: C) -> Int64? {
        if bytes.isEmpty || bytes.count > 18 { return nil }
        var value: Int64 = 0
        for b in bytes {
            guard isDigit(b) else { return nil }
            value = value * 10 + Int64(b - 0x30)
        }
        return value
    }

    /// Escaped, truncated text of raw bytes for logs: printable ASCII as is, the rest `\xNN`.
    static func escaped<C: Collection<UInt8>>(_ bytes: C, limit: Int = 80) -> String {
        var out = ""
        var n = 0
        for b in bytes {
            if n == limit { out += "..."; break }
            n += 1
            switch b {
            case cr: out += "\\r"
            case lf: out += "\\n"
            case tab: out += "\\t"
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
                out += "\\x"
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
        return out
    }
}
