/// Correctly rounded decimal-to-binary conversion for validated JSON number text.
/// Exact small cases use Clinger's fast path; everything else computes the quotient
/// `M·10^E·2^s` exactly with a small big integer and rounds half to even. Slow but exact,
/// and only `JSONNumber.double` uses it.
enum DecimalToDouble {
    /// Digits kept before the rest collapses into one sticky digit: 767 significant digits
    /// are enough to decide any rounding of a Double, so 780 plus a sticky '1' is exact.
    static let maxDigits = 780

    static func convert(_ text: [UInt8]) -> Double? {
        var i = 0
        let n = text.count
        var negative = false
        if i < n && text[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var digits: [UInt8] = []
        var exp10 = 0
        var sawDigit = false
        while i < n, text[i] >= 0x30, text[i] <= 0x39 {
            sawDigit = true
            if !(digits.isEmpty && text[i] == 0x30) { digits.append(text[i] - 0x30) }
            i += 1
        }
        if i < n && text[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, text[i] >= 0x30, text[i] <= 0x39 {
                sawDigit = true
                if !(digits.isEmpty && text[i] == 0x30) { digits.append(text[i] - 0x30) }
                exp10 -= 1
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < n && (text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < n && (text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-")) {
                expNegative = text[i] == UInt8(ascii: "-"); i += 1
            }
            var e = 0
            while i < n, text[i] >= 0x30, text[i] <= 0x39 {
                // Saturate: anything past a million is out of range either way.
                if e < 1_000_000 { e = e * 10 + Int(text[i] - 0x30) }
                i += 1
            }
            exp10 += expNegative ? -e : e
        }
        guard i == n else { return nil }
        let zero: Double = negative ? -0.0 : 0.0
        if digits.isEmpty { return zero }
        var trailing = 0
        while digits.last == 0 { digits.removeLast(); trailing += 1 }
        exp10 += trailing
        // value in [10^(nd-1+E), 10^(nd+E))
        if digits.count - 1 + exp10 >= 309 { return nil }
        if digits.count + exp10 < -324 { return zero }
        if digits.count > maxDigits {
            // The last digit is non-zero (trailing zeros are gone), so the dropped part is.
            let dropped = digits.count - maxDigits
            digits.removeLast(dropped)
            digits.append(1)
            exp10 += dropped - 1
        }
        let magnitude = fastPath(digits, exp10) ?? slowPath(digits, exp10)
        guard let m = magnitude else { return nil }
        return negative ? -m : m
    }

    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Clinger: an integer below 2^53 and a power of ten up to 10^22 are both exact Doubles,
    /// so one IEEE multiply or divide rounds correctly.
    private static func fastPath(_ digits: [UInt8], _ e: Int) -> Double? {
        guard digits.count <= 15, e >= -22, e <= 22 else { return nil }
        var m: UInt64 = 0
        for d in digits { m = m * 10 + UInt64(d) }
        let v = Double(m)
        return e >= 0 ? v * exactPowers[e] : v / exactPowers[-e]
    }

    private static func slowPath(_ digits: [UInt8], _ e: Int) -> Double? {
        var num = BigUInt(decimalDigits: digits)
        var den = BigUInt(1)
        if e >= 0 { num.multiplyByPowerOf10(e) } else { den.multiplyByPowerOf10(-e) }
        // Find s with q = floor(num·2^s/den) in [2^52, 2^53), or s = 1074 for subnormals.
        var s = 53 - (num.bitLength - den.bitLength)
        var q: UInt64 = 0
        var remainder = BigUInt(0)
        var divisor = BigUInt(0)
        for _ in 0..<3 {
            if s > 1074 { s = 1074 }
            var a = num
            var b = den
            if s >= 0 { a.shiftLeft(s) } else { b.shiftLeft(-s) }
            (q, remainder) = divide(a, by: b)
            divisor = b
            if q >= 1 << 53 { s -= 1; continue }
            if q < 1 << 52 && s < 1074 { s += 1; continue }
            break
        }
        // Round half to even on the exact remainder.
        remainder.shiftLeft(1)
        let c = remainder.compare(divisor)
        if c > 0 || (c == 0 && q & 1 == 1) { q += 1 }
        if q == 1 << 53 { q >>= 1; s -= 1 }
        // value = q·2^-s; the biased exponent is 1075 - s (q ≥ 2^52) and bits = q for subnormals.
        if q < 1 << 52 { return Double(bitPattern: q) }
        let biased = 1075 - s
        if biased >= 2047 { return nil }
        return Double(bitPattern: UInt64(biased) << 52 | (q & ((1 << 52) - 1)))
    }

    /// Quotient (known to be below 2^55) and remainder of a / b.
    private static func divide(_ a: BigUInt, by b: BigUInt) -> (UInt64, BigUInt) {
        var rest = a
        var q: UInt64 = 0
        var bit = 55
        while bit >= 0 {
            var t = b
            t.shiftLeft(bit)
            if rest.compare(t) >= 0 {
                rest.subtract(t)
                q |= 1 << UInt64(bit)
            }
            bit -= 1
        }
        return (q, rest)
    }
}

/// Just enough unsigned big integer for `DecimalToDouble`: little-endian 32-bit limbs,
/// no trailing zero limbs.
struct BigUInt {
    var limbs: [UInt32]

    init(_ v: UInt32) { limbs = v == 0 ? [] : [v] }

    init(decimalDigits digits: [UInt8]) {
        limbs = []
        var chunk: UInt32 = 0
        var chunkLen = 0
        for d in digits {
            chunk = chunk * 10 + UInt32(d)
            chunkLen += 1
            if chunkLen == 9 { multiplyAdd(1_000_000_000, chunk); chunk = 0; chunkLen = 0 }
        }
        if chunkLen > 0 {
            var p: UInt32 = 1
            for _ in 0..<chunkLen { p *= 10 }
            multiplyAdd(p, chunk)
        }
    }

    mutating func multiplyAdd(_ m: UInt32, _ add: UInt32) {
        var carry = UInt64(add)
        for i in 0..<limbs.count {
            let v = UInt64(limbs[i]) * UInt64(m) + carry
            limbs[i] = UInt32(truncatingIfNeeded: v)
            carry = v >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    mutating func multiplyByPowerOf10(_ k: Int) {
        var k = k
        while k >= 9 { multiplyAdd(1_000_000_000, 0); k -= 9 }
        var p: UInt32 = 1
        for _ in 0..<k { p *= 10 }
        if p != 1 { multiplyAdd(p, 0) }
    }

    mutating func shiftLeft(_ bits: Int) {
        guard !limbs.isEmpty, bits > 0 else { return }
        let whole = bits / 32
        let part = UInt32(bits % 32)
        if part != 0 {
            var carry: UInt32 = 0
            for i in 0..<limbs.count {
                let v = limbs[i]
                limbs[i] = (v << part) | carry
                carry = v >> (32 - part)
            }
            if carry != 0 { limbs.append(carry) }
        }
        if whole > 0 { limbs.insert(contentsOf: repeatElement(0, count: whole), at: 0) }
    }

    /// self -= other; requires self >= other.
    mutating func subtract(_ other: BigUInt) {
        var borrow: Int64 = 0
        for i in 0..<limbs.count {
            var v = Int64(limbs[i]) - borrow - (i < other.limbs.count ? Int64(other.limbs[i]) : 0)
            if v < 0 { v += 1 << 32; borrow = 1 } else { borrow = 0 }
            limbs[i] = UInt32(truncatingIfNeeded: v)
        }
        while limbs.last == 0 { limbs.removeLast() }
    }

    func compare(_ other: BigUInt) -> Int {
        if limbs.count != other.limbs.count { return limbs.count < other.limbs.count ? -1 : 1 }
        var i = limbs.count - 1
        while i >= 0 {
            if limbs[i] != other.limbs[i] { return limbs[i] < other.limbs[i] ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    var bitLength: Int {
        guard let top = limbs.last else { return 0 }
        return (limbs.count - 1) * 32 + (32 - top.leadingZeroBitCount)
    }
}
