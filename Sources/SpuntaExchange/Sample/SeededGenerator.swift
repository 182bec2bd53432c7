/// A deterministic random number generator (SplitMix64) for sample data: the same seed gives the same
/// Comune on every machine. Never for secrets.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly chosen element. The array must not be empty (our own name tables).
    mutating func pick<T>(_ values: [T]) -> T {
        precondition(!values.isEmpty, "pick from an empty table")
        return values[Int.random(in: 0..<values.count, using: &self)]
    }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool {
        Int.random(in: 0..<100, using: &self) < percent
    }
}
