/// The RFC 8259 parser behind `JSON.parse`. Iterative: containers live on an explicit stack
/// bounded by `maxDepth`, so hostile nesting cannot exhaust the call stack.
struct JSONParser {
    private let bytes: [UInt8]
    private let limits: JSONLimits
    private var pos = 0
    private var valueCount = 0

    /// Open containers, innermost last. Kept as parallel arrays rather than an enum stack so
    /// the innermost container is appended to in place (an enum payload taken out and put back
    /// would be copied on every element: quadratic).
    private var openIsObject: [Bool] = []
    private var openArrays: [[JSONValue]] = []
    private var openObjects: [JSONObject] = []
    private var openKeys: [String] = []

    init(bytes: [UInt8], limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        if bytes.count > limits.maxBytes { throw .tooLarge(bytes: bytes.count, limit: limits.maxBytes) }
        skipWhitespace()
        nextValue: while true {
            // Expecting the start of a value.
            try countValue()
            var value: JSONValue
            let b = try peek()
            switch b {
            case UInt8(ascii: "{"):
                if openIsObject.count >= limits.maxDepth { throw .tooDeep(offset: pos) }
                pos += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "}") {
                    pos += 1
                    value = .object(JSONObject())
                } else {
                    let key = try parseMemberName()
                    openIsObject.append(true)
                    openObjects.append(JSONObject())
                    openKeys.append(key)
                    continue nextValue
                }
            case UInt8(ascii: "["):
                if openIsObject.count >= limits.maxDepth { throw .tooDeep(offset: pos) }
                pos += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    openIsObject.append(false)
                    openArrays.append([])
                    continue nextValue
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral(JSONParser.trueBytes); value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral(JSONParser.falseBytes); value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral(JSONParser.nullBytes); value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                throw .unexpectedByte(b, offset: pos)
            }

            // A value is complete: hand it to the enclosing containers, closing as many as end here.
            while true {
                skipWhitespace()
                guard let isObject = openIsObject.last else {
                    if pos < bytes.count { throw .trailingData(offset: pos) }
                    return value
                }
                let b = try peek()
                if isObject {
                    let top = openObjects.count - 1
                    openObjects[top].append(openKeys.removeLast(), value)
                    if b == UInt8(ascii: ",") {
                        pos += 1
                        skipWhitespace()
                        if openObjects[top].count >= limits.maxContainerElements { throw .tooManyElements(offset: pos) }
                        openKeys.append(try parseMemberName())
                        continue nextValue
                    } else if b == UInt8(ascii: "}") {
                        pos += 1
                        openIsObject.removeLast()
                        value = .object(openObjects.removeLast())
                    } else {
                        throw .unexpectedByte(b, offset: pos)
                    }
                } else {
                    let top = openArrays.count - 1
                    openArrays[top].append(value)
                    if b == UInt8(ascii: ",") {
                        pos += 1
                        skipWhitespace()
                        if openArrays[top].count >= limits.maxContainerElements { throw .tooManyElements(offset: pos) }
                        continue nextValue
                    } else if b == UInt8(ascii: "]") {
                        pos += 1
                        openIsObject.removeLast()
                        value = .array(openArrays.removeLast())
                    } else {
                        throw .unexpectedByte(b, offset: pos)
                    }
                }
            }
        }
    }

    // MARK: - Pieces

    private mutating func countValue() throws(JSONError) {
        valueCount += 1
        if valueCount > limits.maxTotalValues { throw .tooManyValues(offset: pos) }
    }

    private func peek() throws(JSONError) -> UInt8 {
        guard pos < bytes.count else { throw .unexpectedEnd(offset: pos) }
        return bytes[pos]
    }

    /// RFC 8259 whitespace only: space, tab, LF, CR.
    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    /// `"name"` then `:`, leaving `pos` at the member's value.
    private mutating func parseMemberName() throws(JSONError) -> String {
        let b = try peek()
        guard b == UInt8(ascii: "\"") else { throw .unexpectedByte(b, offset: pos) }
        let key = try parseString()
        skipWhitespace()
        let c = try peek()
        guard c == UInt8(ascii: ":") else { throw .unexpectedByte(c, offset: pos) }
        pos += 1
        skipWhitespace()
        return key
    }

    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let nullBytes: [UInt8] = Array("null".utf8)

    private mutating func expectLiteral(_ word: [UInt8]) throws(JSONError) {
        for w in word {
            let b = try peek()
            guard b == w else { throw .unexpectedByte(b, offset: pos) }
            pos += 1
        }
    }

    private mutating func parseNumber() throws(JSONError) -> JSONNumber {
        let start = pos
        switch JSONNumber.scan(bytes, from: start) {
        case .ok(let end):
            pos = end
            return JSONNumber(validated: String(decoding: bytes[start..<end], as: UTF8.self))
        case .bad(let at):
            throw .invalidNumber(offset: at)
        }
    }

    /// Parses a string starting at its opening quote. Plain ASCII runs are copied in one go;
    /// escapes and multi-byte UTF-8 go through the checked slow path.
    private mutating func parseString() throws(JSONError) -> String {
        let quote = pos
        pos += 1
        let runStart = pos
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                if pos - runStart > limits.maxStringBytes { throw .stringTooLong(offset: quote) }
                let s = String(decoding: bytes[runStart..<pos], as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            pos += 1
        }
        var out = Array(bytes[runStart..<pos])
        while true {
            if out.count > limits.maxStringBytes { throw .stringTooLong(offset: quote) }
            let b = try peek()
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case 0..<0x20:
                throw .controlCharacterInString(offset: pos)
            case 0x20..<0x80:
                out.append(b)
                pos += 1
            default:
                try copyUTF8Sequence(into: &out)
            }
        }
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONError) {
        let backslash = pos
        pos += 1
        let e = try peek()
        pos += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(backslash: backslash)
            var scalar = UInt32(unit)
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate must be followed at once by `\u` and a low surrogate.
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                else { throw .loneSurrogate(offset: backslash) }
                let second = pos
                pos += 2
                let low = try parseHex4(backslash: second)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw .loneSurrogate(offset: backslash) }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw .loneSurrogate(offset: backslash)
            }
            appendUTF8(scalar, to: &out)
        default:
            throw .invalidEscape(offset: backslash)
        }
    }

    private mutating func parseHex4(backslash: Int) throws(JSONError) -> UInt16 {
        var v: UInt16 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else { throw .unexpectedEnd(offset: pos) }
            let b = bytes[pos]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw .invalidEscape(offset: backslash)
            }
            v = v << 4 | UInt16(d)
            pos += 1
        }
        return v
    }

    private func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80:
            out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (s >> 6)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (s >> 12)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (s >> 18)))
            out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    /// Copies one well-formed multi-byte UTF-8 sequence (Unicode Table 3-7): no overlongs,
    /// no encoded surrogates, nothing above U+10FFFF. The offset of an error is the first bad byte.
    private mutating func copyUTF8Sequence(into out: inout [UInt8]) throws(JSONError) {
        let lead = bytes[pos]
        let count: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 1
        case 0xE0: count = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 2
        case 0xED: count = 2; hi = 0x9F
        case 0xF0: count = 3; lo = 0x90
        case 0xF1...0xF3: count = 3
        case 0xF4: count = 3; hi = 0x8F
        default: throw .invalidUTF8(offset: pos)
        }
        for k in 1...count {
            let at = pos + k
            guard at < bytes.count else { throw .unexpectedEnd(offset: at) }
            let c = bytes[at]
            let (l, h) = k == 1 ? (lo, hi) : (UInt8(0x80), UInt8(0xBF))
            guard c >= l && c <= h else { throw .invalidUTF8(offset: at) }
        }
        out.append(contentsOf: bytes[pos...(pos + count)])
        pos += count + 1
    }
}
