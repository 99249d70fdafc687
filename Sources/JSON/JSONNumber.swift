/// A JSON number kept as the exact text it was written with ("1e400", "-0",
/// "12345678901234567890" survive a round trip unchanged). Conversions are on demand and
/// never guess: `int64` is nil unless the text is an integer that fits.
public struct JSONNumber: Equatable, Sendable {
    /// RFC 8259 number text, validated.
    public let text: String

    /// Accepts exactly the RFC 8259 grammar `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    public init?(text: String) {
        let bytes = Array(text.utf8)
        guard case .ok(let end) = JSONNumber.scan(bytes, from: 0), end == bytes.count else { return nil }
        self.text = text
    }

    public init(_ v: Int64) { self.text = String(v) }

    /// Trusted text from the parser, already scanned.
    init(validated text: String) { self.text = text }

    /// The value when the text is an integer (no fraction, no exponent) within Int64 range.
    /// "-0" gives 0. "1.0" and "1e2" give nil: exact text is the contract, not the value.
    public var int64: Int64? {
        var it = text.utf8.makeIterator()
        guard var b = it.next() else { return nil }
        let negative = b == UInt8(ascii: "-")
        if negative { guard let n = it.next() else { return nil }; b = n }
        // Accumulate negatively so Int64.min fits.
        var acc: Int64 = 0
        while true {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            let (m, o1) = acc.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(b - 0x30))
            if o1 || o2 { return nil }
            acc = s
            guard let n = it.next() else { break }
            b = n
        }
        if negative { return acc }
        let (p, o) = Int64(0).subtractingReportingOverflow(acc)
        return o ? nil : p
    }

    /// The nearest `Double` (correctly rounded, ties to even); nil when the magnitude is beyond
    /// `Double.greatestFiniteMagnitude` (e.g. "1e400"). Tiny values round to subnormals or 0.
    /// Hand-written because the stdlib's `Double(String)` needs `strtod`, which Embedded lacks.
    public var double: Double? { DecimalToDouble.convert(Array(text.utf8)) }

    enum ScanResult: Equatable { case ok(end: Int), bad(at: Int) }

    /// Scans one number starting at `start`; returns the index after it, or where the grammar
    /// broke (which may be `bytes.count` when the input ends inside the number).
    static func scan(_ bytes: [UInt8], from start: Int) -> ScanResult {
        var i = start
        let n = bytes.count
        @inline(__always) func isDigit(_ i: Int) -> Bool { i < n && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        if i < n && bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return .bad(at: i) }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(i) { return .bad(at: i) }  // leading zero
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return .bad(at: i) }
            while isDigit(i) { i += 1 }
        }
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard isDigit(i) else { return .bad(at: i) }
            while isDigit(i) { i += 1 }
        }
        return .ok(end: i)
    }
}

extension JSONNumber: CustomStringConvertible {
    public var description: String { text }
}
