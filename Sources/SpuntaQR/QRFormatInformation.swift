/// The two BCH-protected words that tell a reader how to read the symbol (ISO/IEC 18004 §7.9, §7.10).
enum QRFormatInformation {
    /// Format information: 2 bits of level and 3 of mask, then the 10-bit remainder of the (15, 5) BCH code
    /// with generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1, XORed with 101010000010010 so that it is never all light.
    static func formatBits(_ level: QRErrorCorrection, mask: QRMask) -> UInt32 {
        let data = level.formatBits << 3 | UInt32(mask.rawValue)
        return (data << 10 | remainder(data << 10, generator: 0b101_0011_0111, degree: 10)) ^ 0b101_0100_0001_0010
    }

    /// Version information (version 7 and above): the 6-bit version, then the 12-bit remainder of the (18, 6)
    /// BCH code with generator x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1. Not masked.
    static func versionBits(_ version: QRVersion) -> UInt32 {
        let data = UInt32(version.number)
        return data << 12 | remainder(data << 12, generator: 0b1_1111_0010_0101, degree: 12)
    }

    /// The remainder of `value` divided by `generator` as polynomials over GF(2).
    private static func remainder(_ value: UInt32, generator: UInt32, degree: Int) -> UInt32 {
        var rest = value
        for shift in stride(from: 31 - degree, through: 0, by: -1) where rest & (1 << UInt32(shift + degree)) != 0 {
            rest ^= generator << UInt32(shift)
        }
        return rest
    }
}
