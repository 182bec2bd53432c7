/// The one escaper for HTML, SVG and XML text (pagine, tessere, file di scambio): every page, printed statement,
/// notice, card, QR label and exchange file Spunta writes puts what came from data through here, so that a name
/// like `<Rossi & "figli">` is shown as written and never read as markup.
public enum Markup {
    /// Text safe inside an element or a double- or single-quoted attribute: `& < > " '` become character
    /// references; so do tab, line feed and carriage return, which an SVG (XML) reader would otherwise fold into
    /// spaces inside an attribute (in element text the reference reads as the character itself); other control
    /// characters (which XML and HTML do not allow, and which a terminal or a mail client may act on) are dropped.
    ///
    /// With `apostrophes: false` a `'` stays as it is: for writers that quote every attribute with `"` and whose
    /// output people read and compare (the exchange file, whose committed sample is byte for byte what it writes).
    public static func escape(_ text: String, apostrophes: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'" where apostrophes: out += "&#39;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
