/// Modalità of a data segment (ISO/IEC 18004 §7.4): which characters it may hold and how densely it packs them.
enum QRMode: Sendable, CaseIterable {
    /// Digits 0–9, three in 10 bits.
    case numeric
    /// Digits, capital letters, space and `$%*+-./:`, two in 11 bits.
    case alphanumeric
    /// Any byte, 8 bits each (the text's UTF-8).
    case byte

    /// The 4-bit mode indicator (Table 2).
    var indicator: UInt32 {
        switch self {
        case .numeric: return 0b0001
        case .alphanumeric: return 0b0010
        case .byte: return 0b0100
        }
    }

    /// The 45 characters of the alphanumeric mode, each encoded as its index here (Table 5).
    static let alphanumericCharset: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    private static let alphanumericValues: [Int] = {
        var values = [Int](repeating: -1, count: 256)
        for (index, byte) in alphanumericCharset.enumerated() { values[Int(byte)] = index }
        return values
    }()

    /// The alphanumeric value of `byte`, or nil when the mode cannot hold it.
    static func alphanumericValue(_ byte: UInt8) -> Int? {
        let value = alphanumericValues[Int(byte)]
        return value < 0 ? nil : value
    }

    func admits(_ byte: UInt8) -> Bool {
        switch self {
        case .numeric: return (0x30...0x39).contains(byte)
        case .alphanumeric: return QRMode.alphanumericValue(byte) != nil
        case .byte: return true
        }
    }

    /// Bits taken by `count` characters, without mode indicator and count (§7.4.3–7.4.5).
    func dataBits(count: Int) -> Int {
        switch self {
        case .numeric: return 10 * (count / 3) + [0, 4, 7][count % 3]
        case .alphanumeric: return 11 * (count / 2) + 6 * (count % 2)
        case .byte: return 8 * count
        }
    }
}
