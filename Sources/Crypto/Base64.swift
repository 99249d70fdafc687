/// Base64 (RFC 4648 §4) and base64url (§5). Decoding is strict: no whitespace or line breaks,
/// no characters outside the chosen alphabet, padding exactly as the `Padding` rule says, and
/// zero trailing bits in the last character (§3.5), so every byte string has exactly one
/// accepted encoding. Errors give the byte offset and the reason.
public enum Base64 {
    public enum Alphabet: Sendable {
        /// `A–Z a–z 0–9 + /`
        case standard
        /// `A–Z a–z 0–9 - _` (URL and file-name safe)
        case url
    }

    /// What decoding accepts at the end of the input.
    public enum Padding: Sendable {
        /// Length a multiple of 4, `=` filling the last group (RFC 4648 default).
        case required
        /// No `=` at all (JWT, RFC 7515 §2).
        case forbidden
        /// Either complete padding or none.
        case optional
    }

    public static func encode(_ bytes: [UInt8], alphabet: Alphabet = .standard, padding: Bool = true) -> String {
        let table = alphabet == .standard ? standardTable : urlTable
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(table[Int(n >> 18 & 63)]); out.append(table[Int(n >> 12 & 63)])
            out.append(table[Int(n >> 6 & 63)]); out.append(table[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out.append(table[Int(n >> 18 & 63)]); out.append(table[Int(n >> 12 & 63)])
            if padding { out.append(equals); out.append(equals) }
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(table[Int(n >> 18 & 63)]); out.append(table[Int(n >> 12 & 63)])
            out.append(table[Int(n >> 6 & 63)])
            if padding { out.append(equals) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String, alphabet: Alphabet = .standard, padding: Padding = .required) throws(CryptoError) -> [UInt8] {
        try decode(bytes: Array(text.utf8), alphabet: alphabet, padding: padding)
    }

    public static func decode(bytes input: [UInt8], alphabet: Alphabet = .standard, padding: Padding = .required) throws(CryptoError) -> [UInt8] {
        // Split off the padding first: it may only be the last one or two bytes.
        var dataEnd = input.count
        while dataEnd > 0 && input[dataEnd - 1] == equals && input.count - dataEnd < 2 { dataEnd -= 1 }
        let padCount = input.count - dataEnd
        var values: [UInt8] = []
        values.reserveCapacity(dataEnd)
        for i in 0..<dataEnd {
            let c = input[i]
            let v = value(of: c, alphabet: alphabet)
            if v == invalid {
                if c == equals {
                    throw .invalidBase64(offset: i, reason: "'=' padding before the end of the input")
                }
                throw .invalidBase64(offset: i, reason: "character " + show(c) + " is not in the "
                    + (alphabet == .standard ? "standard" : "URL-safe") + " base64 alphabet"
                    + hint(c, alphabet: alphabet))
            }
            values.append(v)
        }
        let remainder = dataEnd % 4
        if remainder == 1 {
            throw .invalidBase64(offset: dataEnd - 1, reason: "a final group of one character cannot encode a byte (truncated input?)")
        }
        switch padding {
        case .required:
            if input.count % 4 != 0 {
                throw .invalidBase64(offset: input.count, reason: "length " + String(input.count) + " is not a multiple of 4 (missing '=' padding?)")
            }
        case .forbidden:
            if padCount > 0 {
                throw .invalidBase64(offset: dataEnd, reason: "'=' padding is not allowed here")
            }
        case .optional:
            if padCount > 0 && input.count % 4 != 0 {
                throw .invalidBase64(offset: input.count, reason: "incomplete '=' padding: length " + String(input.count) + " is not a multiple of 4")
            }
        }
        // Here any padding exactly completes the last group: at most two '=' were split off,
        // a remainder of 1 is rejected, and the length checks above fix padCount = 4 - remainder.
        var out: [UInt8] = []
        out.reserveCapacity(dataEnd / 4 * 3 + 2)
        var i = 0
        while i + 4 <= values.count {
            let n = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6 | UInt32(values[i + 3])
            out.append(UInt8(truncatingIfNeeded: n >> 16)); out.append(UInt8(truncatingIfNeeded: n >> 8)); out.append(UInt8(truncatingIfNeeded: n))
            i += 4
        }
        if remainder == 2 {
            guard values[i + 1] & 0x0f == 0 else {
                throw .invalidBase64(offset: i + 1, reason: "non-zero trailing bits in the last character (not a canonical encoding)")
            }
            out.append(values[i] << 2 | values[i + 1] >> 4)
        } else if remainder == 3 {
            guard values[i + 2] & 0x03 == 0 else {
                throw .invalidBase64(offset: i + 2, reason: "non-zero trailing bits in the last character (not a canonical encoding)")
            }
            out.append(values[i] << 2 | values[i + 1] >> 4)
            out.append(values[i + 1] << 4 | values[i + 2] >> 2)
        }
        return out
    }

    private static let equals: UInt8 = 0x3d
    private static let invalid: UInt8 = 0xff
    private static let standardTable: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlTable: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static func value(of c: UInt8, alphabet: Alphabet) -> UInt8 {
        switch c {
        case 0x41...0x5a: return c - 0x41           // A-Z
        case 0x61...0x7a: return c - 0x61 + 26      // a-z
        case 0x30...0x39: return c - 0x30 + 52      // 0-9
        case 0x2b: return alphabet == .standard ? 62 : invalid   // +
        case 0x2f: return alphabet == .standard ? 63 : invalid   // /
        case 0x2d: return alphabet == .url ? 62 : invalid        // -
        case 0x5f: return alphabet == .url ? 63 : invalid        // _
        default: return invalid
        }
    }

    private static func show(_ c: UInt8) -> String {
        if c > 0x20 && c < 0x7f { return "'" + String(decoding: [c], as: UTF8.self) + "'" }
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return "byte 0x" + String(decoding: [digits[Int(c >> 4)], digits[Int(c & 15)]], as: UTF8.self)
    }

    private static func hint(_ c: UInt8, alphabet: Alphabet) -> String {
        switch c {
        case 0x2b, 0x2f: return alphabet == .url ? " (standard-alphabet input?)" : ""
        case 0x2d, 0x5f: return alphabet == .standard ? " (URL-safe input?)" : ""
        case 0x20, 0x09, 0x0a, 0x0d: return " (whitespace and line breaks are not accepted)"
        default: return ""
        }
    }
}
