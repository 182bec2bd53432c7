/// Arithmetic in GF(2⁸) with the QR code's primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), whose element
/// α = 2 generates every non-zero element (ISO/IEC 18004 §7.5.2). Addition is exclusive or.
enum GaloisField256 {
    /// αⁱ for i in 0..<510: twice round the cycle, so that a product needs no modulo.
    static let exponents: [UInt8] = tables.exponents
    /// The i with αⁱ = x, for x in 1...255 (index 0 is unused: zero has no logarithm).
    static let logarithms: [Int] = tables.logarithms

    private static let tables: (exponents: [UInt8], logarithms: [Int]) = {
        var exponents = [UInt8](repeating: 0, count: 510)
        var logarithms = [Int](repeating: 0, count: 256)
        var value = 1
        for power in 0..<255 {
            exponents[power] = UInt8(value)
            exponents[power + 255] = UInt8(value)
            logarithms[value] = power
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return (exponents, logarithms)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }

    /// αⁿ for any n ≥ 0.
    static func alpha(_ power: Int) -> UInt8 { exponents[power % 255] }
}
