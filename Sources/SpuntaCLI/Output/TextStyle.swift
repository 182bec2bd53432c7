/// A text attribute of the ANSI terminal (SGR): weight, inverse video, colours. Applied only where the
/// output is a terminal (`OutputSink.styled`).
public enum TextStyle: Hashable, Sendable {
    case bold
    case dim
    case underline
    case inverse
    case red
    case green
    case yellow
    case blue
    case magenta
    case cyan
    case white
    case redBackground
    case greenBackground
    case yellowBackground

    /// The Select Graphic Rendition parameter.
    var sgrCode: Int {
        switch self {
        case .bold: return 1
        case .dim: return 2
        case .underline: return 4
        case .inverse: return 7
        case .red: return 31
        case .green: return 32
        case .yellow: return 33
        case .blue: return 34
        case .magenta: return 35
        case .cyan: return 36
        case .white: return 37
        case .redBackground: return 41
        case .greenBackground: return 42
        case .yellowBackground: return 43
        }
    }
}
