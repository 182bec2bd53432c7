/// The one escaper for HTML and SVG text (testo nelle pagine e nelle tessere): every page, printed statement and
/// notice, card and QR label Spunta writes puts what came from data through here, so that a name like
/// `<Rossi & "figli">` is shown as written and never read as markup.
public enum Markup {
    /// Text safe inside an element or a double- or single-quoted attribute: `& < > " '` become character
    /// references; so do tab, line feed and carriage return, which an SVG (XML) reader would otherwise fold into
    /// spaces inside an attribute (in element text the reference reads as the character itself); other control
    /// characters (which XML and HTML do not allow, and which a terminal or a mail client may act on) are dropped.
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
