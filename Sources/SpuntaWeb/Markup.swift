/// The one escaper for HTML and SVG text (testo nelle pagine): every page, printed statement and QR label of
/// Spunta writes what came from data through here, so that a name like `<Rossi & "figli">` is shown as
/// written and never read as markup.
public enum Markup {
    /// Text safe inside an element or a double- or single-quoted attribute: `& < > " '` become character
    /// references; control characters other than tab, line feed and carriage return (which HTML does not
    /// allow, and which a terminal or a mail client may act on) are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
