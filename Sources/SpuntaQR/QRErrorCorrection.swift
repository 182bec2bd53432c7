/// Livello di correzione d'errore of a QR code (ISO/IEC 18004 §7.5.1): how much of the symbol may be lost or
/// misread and still be recovered. pagoPA notices use `.medium`.
public enum QRErrorCorrection: Int, Sendable, CaseIterable, Comparable {
    /// About 7% of the codewords can be restored.
    case low
    /// About 15% of the codewords can be restored: the level the pagoPA notice asks for.
    case medium
    /// About 25% of the codewords can be restored.
    case quartile
    /// About 30% of the codewords can be restored.
    case high

    /// The two bits that name the level in the format information (Table 12): L 01, M 00, Q 11, H 10.
    var formatBits: UInt32 {
        switch self {
        case .low: return 0b01
        case .medium: return 0b00
        case .quartile: return 0b11
        case .high: return 0b10
        }
    }

    /// The level's letter, as the standard writes it (`1-M` is version 1 at level M).
    public var letter: String {
        switch self {
        case .low: return "L"
        case .medium: return "M"
        case .quartile: return "Q"
        case .high: return "H"
        }
    }

    public static func < (lhs: QRErrorCorrection, rhs: QRErrorCorrection) -> Bool { lhs.rawValue < rhs.rawValue }
}
