/// Versione of a QR code symbol (ISO/IEC 18004 §5.3.1): 1 to 40, a square of 17 + 4 × version modules a side.
/// Carries what depends on the version alone: the alignment pattern centres, the width of the character count
/// fields and the error-correction block layout of each level.
public struct QRVersion: Sendable, Hashable, Comparable {
    /// 1...40.
    public let number: Int

    /// The smallest and the largest version the standard defines.
    public static let all: ClosedRange<Int> = 1...40

    /// - Returns: nil when `number` is outside 1...40.
    public init?(_ number: Int) {
        guard Self.all.contains(number) else { return nil }
        self.number = number
    }

    /// Modules a side, without the quiet zone.
    public var size: Int { 17 + 4 * number }

    /// The row and column coordinates of the alignment pattern centres (Annex E): the first is always 6, the last
    /// is 7 from the far edge, the others evenly spaced by an even step counted back from the last. Version 32 is
    /// the one exception the standard's table makes to the rule (step 26, not 28).
    var alignmentCentres: [Int] {
        if number == 1 { return [] }
        let count = number / 7 + 2
        let last = size - 7
        let step = number == 32 ? 26 : ((last - 6 + 2 * (count - 1) - 1) / (2 * (count - 1))) * 2
        var centres = [6]
        for index in stride(from: count - 2, through: 0, by: -1) {
            centres.append(last - index * step)
        }
        return centres
    }

    /// Bits of the character count indicator of `mode` (Table 3).
    func countBits(_ mode: QRMode) -> Int {
        let band = number <= 9 ? 0 : number <= 26 ? 1 : 2
        switch mode {
        case .numeric: return [10, 12, 14][band]
        case .alphanumeric: return [9, 11, 13][band]
        case .byte: return [8, 16, 16][band]
        }
    }

    /// How the codewords are cut into error-correction blocks at `level` (Table 9).
    func blocks(_ level: QRErrorCorrection) -> (count: Int, errorCorrectionPerBlock: Int) {
        let row = QRVersion.blockTable[level.rawValue]
        return (row.blocks[number - 1], row.perBlock[number - 1])
    }

    /// Codewords in the symbol, data and error correction together, and the remainder bits left over (§7.7.3):
    /// counted from the modules that no function pattern takes.
    var capacity: (codewords: Int, remainderBits: Int) {
        let free = QRMatrix(version: self).freeModuleCount
        return (free / 8, free % 8)
    }

    /// Data codewords at `level`: the total less every block's error-correction codewords.
    func dataCodewords(_ level: QRErrorCorrection) -> Int {
        let layout = blocks(level)
        return capacity.codewords - layout.count * layout.errorCorrectionPerBlock
    }

    public static func < (lhs: QRVersion, rhs: QRVersion) -> Bool { lhs.number < rhs.number }

    /// ISO/IEC 18004 Table 9, one row per level (L, M, Q, H), one column per version 1...40.
    private static let blockTable: [(perBlock: [Int], blocks: [Int])] = [
        (perBlock: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
                    28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
         blocks: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
                  8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25]),
        (perBlock: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
                    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
         blocks: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
                  17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49]),
        (perBlock: [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
                    28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
         blocks: [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
                  23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68]),
        (perBlock: [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
                    30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
         blocks: [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
                  25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81]),
    ]
}
