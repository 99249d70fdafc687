/// Why a document was rejected, with the byte offset (from 0) where the parser stopped.
public enum JSONError: Error, Equatable, Sendable {
    /// The input ended where more was required (inside a string, after a comma, empty input).
    case unexpectedEnd(offset: Int)
    /// A byte that cannot start or continue what the grammar expects here.
    case unexpectedByte(UInt8, offset: Int)
    /// A number that breaks the RFC 8259 grammar (leading zero, `1.`, `-`, `1e`); the offset
    /// is where the grammar broke.
    case invalidNumber(offset: Int)
    /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`; offset of the backslash.
    case invalidEscape(offset: Int)
    /// A `\u` surrogate that is not part of a high+low pair; offset of its backslash.
    case loneSurrogate(offset: Int)
    /// Bytes that are not well-formed UTF-8 (overlong, surrogate, > U+10FFFF, bad continuation).
    case invalidUTF8(offset: Int)
    /// A raw byte below 0x20 inside a string; RFC 8259 requires it escaped.
    case controlCharacterInString(offset: Int)
    /// Nesting deeper than `JSONLimits.maxDepth`; offset of the bracket that went too deep.
    case tooDeep(offset: Int)
    /// The document is longer than `JSONLimits.maxBytes`.
    case tooLarge(bytes: Int, limit: Int)
    /// A string or name longer than `JSONLimits.maxStringBytes` once decoded; offset of its quote.
    case stringTooLong(offset: Int)
    /// An array or object with more than `JSONLimits.maxContainerElements` entries; offset of
    /// the first entry over the limit.
    case tooManyElements(offset: Int)
    /// More than `JSONLimits.maxTotalValues` values in the document; offset of the first one over.
    case tooManyValues(offset: Int)
    /// Something other than whitespace after the top-level value.
    case trailingData(offset: Int)

    /// Byte offset where parsing stopped (for `tooLarge`, the limit).
    public var offset: Int {
        switch self {
        case .unexpectedEnd(let o), .unexpectedByte(_, let o), .invalidNumber(let o),
             .invalidEscape(let o), .loneSurrogate(let o), .invalidUTF8(let o),
             .controlCharacterInString(let o), .tooDeep(let o), .stringTooLong(let o),
             .tooManyElements(let o), .tooManyValues(let o), .trailingData(let o):
            return o
        case .tooLarge(_, let limit):
            return limit
        }
    }

    /// What is wrong and where, for a PBX admin reading a log line.
    public var message: String {
        switch self {
        case .unexpectedEnd(let o):
            return "invalid JSON: input ends too early at byte " + String(o)
        case .unexpectedByte(let b, let o):
            return "invalid JSON: unexpected " + JSONError.describe(byte: b) + " at byte " + String(o)
                + JSONError.hint(for: b)
        case .invalidNumber(let o):
            return "invalid JSON: malformed number at byte " + String(o)
                + " (no leading zeros, '+', bare '.', NaN or Infinity)"
        case .invalidEscape(let o):
            return "invalid JSON: bad backslash escape in a string at byte " + String(o)
        case .loneSurrogate(let o):
            return "invalid JSON: \\u escape at byte " + String(o) + " is half of a UTF-16 surrogate pair"
        case .invalidUTF8(let o):
            return "invalid JSON: bytes at " + String(o) + " are not valid UTF-8"
        case .controlCharacterInString(let o):
            return "invalid JSON: unescaped control character in a string at byte " + String(o)
        case .tooDeep(let o):
            return "JSON rejected: nesting deeper than the limit (JSONLimits.maxDepth) at byte " + String(o)
        case .tooLarge(let n, let limit):
            return "JSON rejected: document is " + String(n) + " bytes, limit " + String(limit)
        case .stringTooLong(let o):
            return "JSON rejected: string at byte " + String(o)
                + " is longer than the limit (JSONLimits.maxStringBytes)"
        case .tooManyElements(let o):
            return "JSON rejected: array or object has more entries than the limit"
                + " (JSONLimits.maxContainerElements) at byte " + String(o)
        case .tooManyValues(let o):
            return "JSON rejected: more values than the limit (JSONLimits.maxTotalValues) at byte " + String(o)
        case .trailingData(let o):
            return "invalid JSON: data after the end of the document at byte " + String(o)
        }
    }

    static func describe(byte b: UInt8) -> String {
        let hex = "0x" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
        if b >= 0x21 && b < 0x7F {
            return "'" + String(decoding: [b], as: UTF8.self) + "' (" + hex + ")"
        }
        return "byte " + hex
    }

    private static func hint(for b: UInt8) -> String {
        switch b {
        case UInt8(ascii: "/"), UInt8(ascii: "#"): return " (comments are not JSON)"
        case UInt8(ascii: "]"), UInt8(ascii: "}"): return " (trailing comma or missing value?)"
        case UInt8(ascii: "'"): return " (strings need double quotes)"
        case UInt8(ascii: "<"): return " (XML or HTML, not JSON?)"
        case 0xEF: return " (a UTF-8 byte order mark is not accepted)"
        default: return ""
        }
    }
}

extension JSONError: CustomStringConvertible {
    public var description: String { message }
}
