/// From segments to the final codeword sequence (ISO/IEC 18004 §7.4.9–7.6): terminator and padding, the split
/// into error-correction blocks, Reed–Solomon per block, then the blocks interleaved codeword by codeword.
enum QRCodewords {
    /// One block's data codewords and their error-correction codewords.
    struct Block: Sendable, Equatable {
        let data: [UInt8]
        let errorCorrection: [UInt8]
    }

    /// The data codewords of `segments` in `version` at `level`: the segments, a terminator of up to four zero
    /// bits, zeros to the byte boundary, then the pad codewords 11101100 and 00010001 in turn to fill the
    /// capacity. Nil when the segments do not fit.
    static func data(_ segments: [QRSegment], version: QRVersion, level: QRErrorCorrection) -> [UInt8]? {
        let capacity = version.dataCodewords(level)
        let needed = segments.reduce(0) { $0 + $1.bitCount(in: version) }
        guard needed <= capacity * 8 else { return nil }
        var buffer = QRBitBuffer()
        for segment in segments { segment.append(to: &buffer, version: version) }
        buffer.append(0, width: min(4, capacity * 8 - buffer.count))
        buffer.append(0, width: (8 - buffer.count % 8) % 8)
        var codewords = buffer.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// `data` cut into the blocks of Table 9 — the shorter blocks first, the longer ones one codeword more —
    /// each with its Reed–Solomon codewords.
    /// - Precondition: `data` has exactly the version's data capacity at `level`.
    static func blocks(_ data: [UInt8], version: QRVersion, level: QRErrorCorrection) -> [Block] {
        precondition(data.count == version.dataCodewords(level), "the data fills the symbol's data capacity exactly")
        let layout = version.blocks(level)
        let shortLength = data.count / layout.count
        let longBlocks = data.count % layout.count
        let code = ReedSolomon(degree: layout.errorCorrectionPerBlock)
        var blocks: [Block] = []
        var start = 0
        for index in 0..<layout.count {
            let length = shortLength + (index >= layout.count - longBlocks ? 1 : 0)
            let slice = Array(data[start..<(start + length)])
            blocks.append(Block(data: slice, errorCorrection: code.remainder(of: slice)))
            start += length
        }
        return blocks
    }

    /// The codeword sequence placed in the symbol: the first data codeword of every block, then the second, and
    /// so on (short blocks have none at the last round), then the error-correction codewords in the same way.
    static func interleave(_ blocks: [Block]) -> [UInt8] {
        var out: [UInt8] = []
        let longest = blocks.map(\.data.count).max() ?? 0
        for index in 0..<longest {
            for block in blocks where index < block.data.count { out.append(block.data[index]) }
        }
        let errorCorrection = blocks.first?.errorCorrection.count ?? 0
        for index in 0..<errorCorrection {
            for block in blocks { out.append(block.errorCorrection[index]) }
        }
        return out
    }
}
