/// Characters that text from outside (a name in the Comune's file, a diet description) may not carry to a
/// person as they are: control characters — C0 (U+0000–U+001F, line ends and tab included), DEL and C1
/// (U+0080–U+009F) — because a terminal obeys them (ESC starts the sequence that clears the canteen's screen,
/// a line feed forges a second line, a carriage return overwrites the first), and the bidirectional embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make a terminal or a spreadsheet show
/// characters in another order than they are stored ("Trojan Source", CVE-2021-42574).
///
/// One definition for both defences: the import refuses these characters in every text field, and the
/// terminal escaper replaces them in whatever reaches a screen anyway.
public enum UnsafeCharacters {
    /// The bidirectional formatting characters that reorder text: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
    public static let bidirectionalControls: ClosedRange<UInt32> = 0x202A...0x202E
    public static let bidirectionalIsolates: ClosedRange<UInt32> = 0x2066...0x2069

    /// Whether `scalar` is a control character or a bidirectional control.
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value)
            || bidirectionalControls.contains(value) || bidirectionalIsolates.contains(value)
    }

    /// Whether `scalar` is a bidirectional control (not a control character).
    public static func isBidirectional(_ scalar: Unicode.Scalar) -> Bool {
        bidirectionalControls.contains(scalar.value) || bidirectionalIsolates.contains(scalar.value)
    }

    /// The first unsafe character of `text`, if any.
    public static func first(in text: some StringProtocol) -> Unicode.Scalar? {
        // Printable ASCII is looked at byte by byte, without decoding scalars: a month's `--json` report is more than
        // a megabyte of it. The first other byte starts a scalar, from which the scalars are looked at.
        guard let start = text.utf8.firstIndex(where: { $0 < 0x20 || $0 >= 0x7F }) else { return nil }
        return text.unicodeScalars[start...].first(where: contains)
    }

    /// The character as a message names it, in Italian: `U+001B (ESC, inizio di una sequenza di controllo del
    /// terminale)`, `U+000A (a capo)`, `U+202E (inversione della direzione del testo)`.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        let what: String
        switch scalar.value {
        case 0x00: what = "NUL, carattere nullo"
        case 0x07: what = "BEL, campanello"
        case 0x08: what = "BS, cancella indietro"
        case 0x09: what = "tabulazione"
        case 0x0A: what = "a capo"
        case 0x0D: what = "ritorno a inizio riga"
        case 0x1B: what = "ESC, inizio di una sequenza di controllo del terminale"
        case 0x7F: what = "DEL"
        case 0x9B: what = "CSI, sequenza di controllo del terminale"
        case 0x202D, 0x202E: what = "forzatura della direzione del testo"
        case 0x202A, 0x202B, 0x202C: what = "incorporamento della direzione del testo"
        case 0x2066...0x2069: what = "isolamento della direzione del testo"
        default: what = "carattere di controllo"
        }
        return "\(code) (\(what))"
    }

    /// `text` with each unsafe character written as `[U+001B]`, to quote a value from outside in a message.
    public static func visible(_ text: some StringProtocol) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if contains(scalar) {
                out += "[U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) + "]"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    /// The text with zeros in front up to `width` characters (hex codes of characters).
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
