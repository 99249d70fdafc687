/// SplitMix64: a tiny deterministic generator that gives the same sequence on every
/// architecture for a given seed. For spread (backoff jitter, simulated traffic), never for
/// secrets: those come from `randomBytes`.
public struct SplitMix64: Equatable, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0...bound` (0 for a non-positive bound).
    public mutating func next(upTo bound: Int64) -> Int64 {
        guard bound > 0 else { return 0 }
        return Int64(next() % (UInt64(bound) + 1))
    }
}
