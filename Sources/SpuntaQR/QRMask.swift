/// Maschera: one of the eight patterns XORed over the data modules so that the symbol has no large blocks, long
/// runs or finder look-alikes that confuse a reader (ISO/IEC 18004 §7.8.2, Table 10). `i` is the row, `j` the column.
public enum QRMask: Int, Sendable, CaseIterable {
    case m0, m1, m2, m3, m4, m5, m6, m7

    /// Whether the module at row `i`, column `j` is inverted.
    func inverts(row i: Int, column j: Int) -> Bool {
        switch self {
        case .m0: return (i + j) % 2 == 0
        case .m1: return i % 2 == 0
        case .m2: return j % 3 == 0
        case .m3: return (i + j) % 3 == 0
        case .m4: return (i / 2 + j / 3) % 2 == 0
        case .m5: return (i * j) % 2 + (i * j) % 3 == 0
        case .m6: return ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case .m7: return ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }
}
