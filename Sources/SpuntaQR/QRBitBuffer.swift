/// A growing sequence of bits, most significant bit of each appended value first: the data bit stream of §7.4
/// before it is cut into 8-bit codewords.
struct QRBitBuffer: Sendable, Equatable {
    private(set) var bits: [Bool] = []

    var count: Int { bits.count }

    /// Appends the `width` low bits of `value`, the highest first.
    /// - Precondition: `value` fits in `width` bits, and `width` is at most 32 (our callers pass fixed field widths).
    mutating func append(_ value: UInt32, width: Int) {
        precondition((0...32).contains(width), "a field is at most 32 bits wide")
        precondition(width == 32 || value >> UInt32(width) == 0, "the value \(value) does not fit in \(width) bits")
        for shift in stride(from: width - 1, through: 0, by: -1) {
            bits.append((value >> UInt32(shift)) & 1 == 1)
        }
    }

    /// The bits as bytes, eight at a time.
    /// - Precondition: the length is a whole number of bytes (the caller has padded it).
    var bytes: [UInt8] {
        precondition(bits.count % 8 == 0, "the bit stream is padded to a byte boundary before it becomes codewords")
        var out: [UInt8] = []
        out.reserveCapacity(bits.count / 8)
        var byte: UInt8 = 0
        for (index, bit) in bits.enumerated() {
            byte = byte << 1 | (bit ? 1 : 0)
            if index % 8 == 7 {
                out.append(byte)
                byte = 0
            }
        }
        return out
    }
}
