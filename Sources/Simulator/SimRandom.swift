import Crypto

/// The simulator's random choices on top of SplitMix64, so a traffic run or a random report
/// order can be replayed from `--seed` on any architecture.
public struct SimRandom: Equatable {
    private var core: SplitMix64

    public init(seed: UInt64) { core = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { core.next() }

    /// Uniform in `0..<bound` (bound > 0); the modulo bias is negligible for the small bounds used.
    public mutating func below(_ bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        return Int(next() % UInt64(bound))
    }

    /// Uniform in `lo...hi`.
    public mutating func between(_ lo: Int64, _ hi: Int64) -> Int64 {
        guard hi > lo else { return lo }
        return lo + Int64(next() % UInt64(hi - lo + 1))
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    public mutating func chance(percent: Int) -> Bool { below(100) < percent }

    /// Exponentially distributed with the given mean (inverse CDF).
    public mutating func exponential(mean: Double) -> Double {
        let u = 1.0 - unit()  // (0, 1]
        return -mean * SimRandom.naturalLog(u)
    }

    /// 32 lowercase hex characters, the shape of an OpenVox token.
    public mutating func hexToken() -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for _ in 0..<2 {
            var v = next()
            for _ in 0..<16 {
                out.append(digits[Int(v & 0xF)])
                v >>= 4
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// ln(x) for x > 0 without libm (Embedded has no `log`): x = m·2^e with m in [1, 2),
    /// ln x = e·ln 2 + 2·atanh((m−1)/(m+1)), the series converging fast for that m.
    static func naturalLog(_ x: Double) -> Double {
        guard x > 0 else { return -Double.infinity }
        let e = Double(Int(x.exponent))
        let m = x.significand
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var term = t
        var sum = 0.0
        var k = 1.0
        while k < 60 {
            sum += term / k
            term *= t2
            k += 2
        }
        return e * 0.693_147_180_559_945_3 + 2 * sum
    }
}
