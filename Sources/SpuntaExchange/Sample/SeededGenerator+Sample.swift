import SpuntaDomain

extension SeededGenerator {
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
