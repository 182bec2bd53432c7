/// A run of the message in one mode: mode indicator, character count, then the characters packed as the mode
/// says (ISO/IEC 18004 §7.4).
struct QRSegment: Sendable, Equatable {
    let mode: QRMode
    let bytes: [UInt8]

    /// - Precondition: `mode` admits every byte (the segmenter only builds such segments).
    init(mode: QRMode, bytes: [UInt8]) {
        precondition(bytes.allSatisfy(mode.admits), "a segment holds only characters its mode can encode")
        self.mode = mode
        self.bytes = bytes
    }

    /// Bits of the whole segment in a symbol of `version`.
    func bitCount(in version: QRVersion) -> Int {
        4 + version.countBits(mode) + mode.dataBits(count: bytes.count)
    }

    /// Appends the segment to `buffer`.
    /// - Precondition: the count fits in the version's count field (the segmenter splits longer runs).
    func append(to buffer: inout QRBitBuffer, version: QRVersion) {
        let width = version.countBits(mode)
        precondition(bytes.count < 1 << width, "a segment of \(bytes.count) characters overflows its count field")
        buffer.append(mode.indicator, width: 4)
        buffer.append(UInt32(bytes.count), width: width)
        switch mode {
        case .numeric:
            var start = 0
            while start < bytes.count {
                let group = bytes[start..<min(start + 3, bytes.count)]
                let value = group.reduce(UInt32(0)) { $0 * 10 + UInt32($1 - 0x30) }
                buffer.append(value, width: [0, 4, 7, 10][group.count])
                start += 3
            }
        case .alphanumeric:
            var start = 0
            while start < bytes.count {
                let first = UInt32(QRMode.alphanumericValue(bytes[start]) ?? 0)
                if start + 1 < bytes.count {
                    let second = UInt32(QRMode.alphanumericValue(bytes[start + 1]) ?? 0)
                    buffer.append(first * 45 + second, width: 11)
                } else {
                    buffer.append(first, width: 6)
                }
                start += 2
            }
        case .byte:
            for byte in bytes { buffer.append(UInt32(byte), width: 8) }
        }
    }
}
