import JSON

/// One `name=value` pair of a query string or one field of a flat request body.
public struct SimField: Equatable, Sendable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// An API request as the pure core sees it: no socket, no headers (the PBX ignores them).
public struct SimAPIRequest: Equatable {
    public var method: String
    /// Path without the query, e.g. `/api/v0.0.1/login`.
    public var path: String
    public var query: [SimField]
    public var body: [UInt8]

    public init(method: String, path: String, query: [SimField], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }

    /// Splits a request target (`/api/v0.0.1/login?type=json`) into path and decoded query.
    public init(method: String, target: String, body: [UInt8]) {
        let bytes = Array(target.utf8)
        var q = bytes.count
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "?") { q = i; break }
        self.method = method
        self.path = String(decoding: bytes[0..<q], as: UTF8.self)
        self.query = q < bytes.count ? SimAPIRequest.parseQuery(Array(bytes[(q + 1)...])) : []
        self.body = body
    }

    /// The first query value named `name`.
    public func queryValue(_ name: String) -> String? {
        for f in query where f.name == name { return f.value }
        return nil
    }

    /// `a=1&b=x%20y` → [a: 1, b: "x y"]; `+` is a space; malformed escapes are kept literally.
    static func parseQuery(_ bytes: [UInt8]) -> [SimField] {
        var out: [SimField] = []
        var start = 0
        var i = 0
        while i <= bytes.count {
            if i == bytes.count || bytes[i] == UInt8(ascii: "&") {
                if i > start {
                    let part = Array(bytes[start..<i])
                    var eq = part.count
                    for (j, b) in part.enumerated() where b == UInt8(ascii: "=") { eq = j; break }
                    let name = percentDecode(Array(part[0..<eq]))
                    let value = eq < part.count ? percentDecode(Array(part[(eq + 1)...])) : ""
                    out.append(SimField(name, value))
                }
                start = i + 1
            }
            i += 1
        }
        return out
    }

    static func percentDecode(_ b: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hexValue(b[i + 1]), let l = hexValue(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i] == UInt8(ascii: "+") ? UInt8(ascii: " ") : b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}

/// Why a request body could not be read.
enum SimBodyError: Error, Equatable {
    case badJSON
    case badXML

    var message: String {
        switch self {
        case .badJSON: return "request body is not a JSON object"
        case .badXML: return "request body is not a flat <xml> document"
        }
    }
}

/// The flat fields of a request body. Bodies are JSON objects or `<xml>` documents with one
/// element per field; which one is decided by the first byte, not by `type=` (several OpenVox
/// XML examples still say `type=json`, §1). Numbers are taken as their text, so `"urltag":1`
/// and `"urltag":"1"` read the same (§12.5).
enum SimRequestBody {
    static func fields(_ body: [UInt8]) throws(SimBodyError) -> [SimField] {
        var i = 0
        while i < body.count, isSpace(body[i]) { i += 1 }
        if i == body.count { return [] }
        if body[i] == UInt8(ascii: "<") { return try xmlFields(body) }
        let value: JSONValue
        do { value = try JSON.parse(body) } catch { throw .badJSON }
        guard case .object(let obj) = value else { throw .badJSON }
        var out: [SimField] = []
        for m in obj.members {
            switch m.value {
            case .string(let s): out.append(SimField(m.key, s))
            case .number(let n): out.append(SimField(m.key, n.text))
            case .bool(let b): out.append(SimField(m.key, b ? "true" : "false"))
            case .null, .array, .object: continue
            }
        }
        return out
    }

    /// `<?xml …?><xml><name>value</name>…</xml>`; entities &lt; &gt; &amp; &quot; &apos;.
    static func xmlFields(_ b: [UInt8]) throws(SimBodyError) -> [SimField] {
        var i = 0
        func skipSpace() { while i < b.count, isSpace(b[i]) { i += 1 } }
        func startsWith(_ s: String) -> Bool {
            let t = Array(s.utf8)
            guard i + t.count <= b.count else { return false }
            for k in 0..<t.count where b[i + k] != t[k] { return false }
            return true
        }
        func readName() -> [UInt8]? {
            let s = i
            while i < b.count, b[i] != UInt8(ascii: ">"), b[i] != UInt8(ascii: "/"), !isSpace(b[i]) { i += 1 }
            return i > s ? Array(b[s..<i]) : nil
        }
        skipSpace()
        if startsWith("<?") {
            while i + 1 < b.count, !(b[i] == UInt8(ascii: "?") && b[i + 1] == UInt8(ascii: ">")) { i += 1 }
            guard i + 1 < b.count else { throw .badXML }
            i += 2
            skipSpace()
        }
        guard startsWith("<xml>") else { throw .badXML }
        i += 5
        var out: [SimField] = []
        while true {
            skipSpace()
            if startsWith("</xml>") { return out }
            guard i < b.count, b[i] == UInt8(ascii: "<") else { throw .badXML }
            i += 1
            guard let name = readName() else { throw .badXML }
            skipSpace()
            if startsWith("/>") {
                i += 2
                out.append(SimField(String(decoding: name, as: UTF8.self), ""))
                continue
            }
            guard i < b.count, b[i] == UInt8(ascii: ">") else { throw .badXML }
            i += 1
            let s = i
            while i < b.count, b[i] != UInt8(ascii: "<") { i += 1 }
            let text = Array(b[s..<i])
            guard startsWith("</") else { throw .badXML }
            i += 2
            guard let close = readName(), close == name, i < b.count, b[i] == UInt8(ascii: ">") else { throw .badXML }
            i += 1
            out.append(SimField(String(decoding: name, as: UTF8.self), decodeEntities(text)))
        }
    }

    static func decodeEntities(_ b: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        let table: [(String, UInt8)] = [("&lt;", 0x3C), ("&gt;", 0x3E), ("&amp;", 0x26), ("&quot;", 0x22), ("&apos;", 0x27)]
        outer: while i < b.count {
            if b[i] == UInt8(ascii: "&") {
                for (name, ch) in table {
                    let t = Array(name.utf8)
                    if i + t.count <= b.count, Array(b[i..<(i + t.count)]) == t {
                        out.append(ch)
                        i += t.count
                        continue outer
                    }
                }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
}

extension Array where Element == SimField {
    /// The first field named `name`, nil when absent or empty.
    func value(_ name: String) -> String? {
        for f in self where f.name == name { return f.value.isEmpty ? nil : f.value }
        return nil
    }
}
