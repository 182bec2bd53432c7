/// A QR code reader written for the tests, apart from the encoder: it shares no code with it and takes its
/// tables from the standard's text (ISO/IEC 18004 Table 9, Annex C, Annex E). It reads a clean symbol — no
/// perspective, no damage — and checks every block's Reed–Solomon syndromes instead of correcting errors.
public struct QRTestDecoder {
    public struct Decoded: Equatable {
        public let version: Int
        public let level: Character
        public let mask: Int
        public let dataCodewords: [UInt8]
        public let bytes: [UInt8]
    }

    public enum Failure: Error, Equatable {
        case unsupportedSize(Int)
        case formatCopiesDiffer(UInt32, UInt32)
        case unknownFormat(UInt32)
        case versionInformation(UInt32, UInt32)
        case syndromeNotZero(block: Int)
        case unknownMode(Int)
        case truncated
    }

    /// The 32 format words of Annex C, Table C.1, by level and mask 0–7.
    static let formatWords: [Character: [String]] = [
        "L": ["111011111000100", "111001011110011", "111110110101010", "111100010011101",
              "110011000101111", "110001100011000", "110110001000001", "110100101110110"],
        "M": ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
              "100010111111001", "100000011001110", "100111110010111", "100101010100000"],
        "Q": ["011010101011111", "011000001101000", "011111100110001", "011101000000110",
              "010010010110100", "010000110000011", "010111011011010", "010101111101101"],
        "H": ["001011010001001", "001001110111110", "001110011100111", "001100111010000",
              "000011101100010", "000001001010101", "000110100001100", "000100000111011"],
    ]

    /// Alignment pattern centres of Annex E, Table E.1, versions 1–40.
    static let alignmentCentres: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
        [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78],
        [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90], [6, 28, 50, 72, 94], [6, 26, 50, 74, 98],
        [6, 30, 54, 78, 102], [6, 28, 54, 80, 106], [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134],
        [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146], [6, 30, 54, 78, 102, 126, 150],
        [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158], [6, 32, 58, 84, 110, 136, 162],
        [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    /// Table 9 for versions 1–10: error-correction blocks and error-correction codewords per block, by level.
    static let blockLayout: [Character: [(blocks: Int, perBlock: Int)]] = [
        "L": [(1, 7), (1, 10), (1, 15), (1, 20), (1, 26), (2, 18), (2, 20), (2, 24), (2, 30), (4, 18)],
        "M": [(1, 10), (1, 16), (1, 26), (2, 18), (2, 24), (4, 16), (4, 18), (4, 22), (5, 22), (5, 26)],
        "Q": [(1, 13), (1, 22), (2, 18), (2, 26), (4, 18), (4, 24), (6, 18), (6, 22), (8, 20), (8, 24)],
        "H": [(1, 17), (1, 28), (2, 22), (4, 16), (4, 22), (4, 28), (5, 26), (6, 26), (8, 24), (8, 28)],
    ]

    let size: Int
    let version: Int
    let dark: (Int, Int) -> Bool

    /// Reads the symbol whose module at column x, row y is `dark(x, y)`; versions 1–10.
    public static func decode(size: Int, dark: @escaping (Int, Int) -> Bool) throws -> Decoded {
        guard size >= 21, (size - 17) % 4 == 0, (size - 17) / 4 <= 10 else { throw Failure.unsupportedSize(size) }
        return try QRTestDecoder(size: size, version: (size - 17) / 4, dark: dark).decode()
    }

    func isFunction(_ x: Int, _ y: Int) -> Bool {
        if x <= 8 && y <= 8 || x >= size - 8 && y <= 8 || x <= 8 && y >= size - 8 { return true }
        if x == 6 || y == 6 { return true }
        let centres = Self.alignmentCentres[version - 1]
        for cx in centres {
            for cy in centres where !(cx == 6 && cy == 6) && !(cx == 6 && cy == size - 7) && !(cx == size - 7 && cy == 6) {
                if abs(x - cx) <= 2 && abs(y - cy) <= 2 { return true }
            }
        }
        if version >= 7 && (x < 6 && y >= size - 11 && y < size - 8 || y < 6 && x >= size - 11 && x < size - 8) { return true }
        return false
    }

    /// The two format copies, MSB first as Figure 25 reads them.
    func formatCopies() -> (UInt32, UInt32) {
        let first: [(Int, Int)] = [(0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8), (8, 7),
                                   (8, 5), (8, 4), (8, 3), (8, 2), (8, 1), (8, 0)]
        let second: [(Int, Int)] = (0..<7).map { (8, size - 1 - $0) } + (0..<8).map { (size - 8 + $0, 8) }
        func read(_ cells: [(Int, Int)]) -> UInt32 { cells.reduce(0) { $0 << 1 | (dark($1.0, $1.1) ? 1 : 0) } }
        return (read(first), read(second))
    }

    func decode() throws -> Decoded {
        let (format, copy) = formatCopies()
        guard format == copy else { throw Failure.formatCopiesDiffer(format, copy) }
        let word = String(format, radix: 2).leftPadded(to: 15)
        guard let entry = Self.formatWords.first(where: { $0.value.contains(word) }), let mask = entry.value.firstIndex(of: word) else {
            throw Failure.unknownFormat(format)
        }
        let level = entry.key
        if version >= 7 {
            var top: UInt32 = 0, bottom: UInt32 = 0
            for index in stride(from: 17, through: 0, by: -1) {
                top = top << 1 | (dark(size - 11 + index % 3, index / 3) ? 1 : 0)
                bottom = bottom << 1 | (dark(index / 3, size - 11 + index % 3) ? 1 : 0)
            }
            guard top == bottom, top >> 12 == UInt32(version) else { throw Failure.versionInformation(top, bottom) }
        }
        let codewords = readCodewords(mask: mask)
        let layout = Self.blockLayout[level]![version - 1]
        let dataCodewords = try deinterleave(codewords, blocks: layout.blocks, perBlock: layout.perBlock)
        return Decoded(version: version, level: level, mask: mask, dataCodewords: dataCodewords, bytes: try parse(dataCodewords))
    }

    /// Every non-function module, unmasked, in the order of §7.7.3, cut into bytes (remainder bits dropped).
    func readCodewords(mask: Int) -> [UInt8] {
        let masks: [(Int, Int) -> Bool] = [
            { i, j in (i + j) % 2 == 0 }, { i, _ in i % 2 == 0 }, { _, j in j % 3 == 0 }, { i, j in (i + j) % 3 == 0 },
            { i, j in (i / 2 + j / 3) % 2 == 0 }, { i, j in i * j % 2 + i * j % 3 == 0 },
            { i, j in (i * j % 2 + i * j % 3) % 2 == 0 }, { i, j in ((i + j) % 2 + i * j % 3) % 2 == 0 },
        ]
        var bits: [Bool] = []
        var column = size - 1
        var up = true
        while column > 0 {
            if column == 6 { column -= 1 }
            for row in up ? Array((0..<size).reversed()) : Array(0..<size) {
                for x in [column, column - 1] where !isFunction(x, row) {
                    bits.append(dark(x, row) != masks[mask](row, x))
                }
            }
            up.toggle()
            column -= 2
        }
        return stride(from: 0, to: bits.count - 7, by: 8).map { start in
            bits[start..<(start + 8)].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
    }

    /// Undoes the interleaving and checks each block's syndromes S₀…Sₙ₋₁ are zero.
    func deinterleave(_ codewords: [UInt8], blocks: Int, perBlock: Int) throws -> [UInt8] {
        let dataTotal = codewords.count - blocks * perBlock
        let lengths = (0..<blocks).map { dataTotal / blocks + ($0 >= blocks - dataTotal % blocks ? 1 : 0) }
        var data = [[UInt8]](repeating: [], count: blocks)
        var ec = [[UInt8]](repeating: [], count: blocks)
        var next = 0
        for index in 0..<(lengths.max() ?? 0) {
            for block in 0..<blocks where index < lengths[block] {
                data[block].append(codewords[next])
                next += 1
            }
        }
        for _ in 0..<perBlock {
            for block in 0..<blocks {
                ec[block].append(codewords[next])
                next += 1
            }
        }
        for block in 0..<blocks where !TestGF.syndromesVanish(data[block] + ec[block], count: perBlock) {
            throw Failure.syndromeNotZero(block: block)
        }
        return data.flatMap { $0 }
    }

    /// Mode indicators, counts and characters until the terminator or the end.
    func parse(_ data: [UInt8]) throws -> [UInt8] {
        var reader = BitReader(bytes: data)
        var out: [UInt8] = []
        let band = version <= 9 ? 0 : 1
        let alphanumerics = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        while reader.remaining >= 4 {
            let mode = reader.read(4)
            if mode == 0 { break }
            switch mode {
            case 1:
                var count = reader.read([10, 12][band])
                while count > 0 {
                    let digits = min(count, 3)
                    guard reader.remaining >= [0, 4, 7, 10][digits] else { throw Failure.truncated }
                    let value = reader.read([0, 4, 7, 10][digits])
                    out += Array(String(value).leftPadded(to: digits, with: "0").utf8)
                    count -= digits
                }
            case 2:
                var count = reader.read([9, 11][band])
                while count > 0 {
                    if count >= 2 {
                        let value = reader.read(11)
                        out += [alphanumerics[value / 45], alphanumerics[value % 45]]
                        count -= 2
                    } else {
                        out.append(alphanumerics[reader.read(6)])
                        count -= 1
                    }
                }
            case 4:
                let count = reader.read([8, 16][band])
                guard reader.remaining >= count * 8 else { throw Failure.truncated }
                for _ in 0..<count { out.append(UInt8(reader.read(8))) }
            default:
                throw Failure.unknownMode(mode)
            }
        }
        return out
    }
}

struct BitReader {
    let bytes: [UInt8]
    var position = 0
    var remaining: Int { bytes.count * 8 - position }

    mutating func read(_ width: Int) -> Int {
        var value = 0
        for _ in 0..<width {
            value = value << 1 | Int(bytes[position / 8] >> (7 - UInt8(position % 8)) & 1)
            position += 1
        }
        return value
    }
}

/// GF(256) for the tests' syndrome check: its own tables from the primitive polynomial 0x11D.
enum TestGF {
    static let powers: [Int] = {
        var out: [Int] = []
        var value = 1
        for _ in 0..<255 {
            out.append(value)
            value *= 2
            if value > 255 { value ^= 0x11D }
        }
        return out
    }()

    static let logs: [Int] = {
        var out = [Int](repeating: 0, count: 256)
        for (power, value) in powers.enumerated() { out[value] = power }
        return out
    }()

    static func times(_ a: Int, _ b: Int) -> Int {
        if a == 0 || b == 0 { return 0 }
        return powers[(logs[a] + logs[b]) % 255]
    }

    /// Whether the polynomial with `coefficients` (highest degree first) is zero at α⁰ … αⁿ⁻¹, as every codeword
    /// of the QR code's Reed–Solomon code is.
    static func syndromesVanish(_ coefficients: [UInt8], count: Int) -> Bool {
        (0..<count).allSatisfy { power in
            coefficients.reduce(0) { times($0, powers[power]) ^ Int($1) } == 0
        }
    }
}

extension String {
    func leftPadded(to length: Int, with pad: Character = "0") -> String {
        String(repeating: pad, count: max(0, length - count)) + self
    }
}
