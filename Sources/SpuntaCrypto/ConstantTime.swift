/// Comparisons whose running time does not depend on where two secrets differ, so that comparing a
/// presented token (or its hash) with a stored one leaks nothing but the lengths.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. Every byte of the longer array is visited whatever the
    /// contents; arrays of different lengths are never equal.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let length = max(a.count, b.count)
        var difference = UInt(bitPattern: a.count ^ b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= UInt(x ^ y)
        }
        return difference == 0
    }

    /// Whether the UTF-8 encodings of `a` and `b` are equal, compared as `equals(_:_:)` does.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
