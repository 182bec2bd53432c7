import SpuntaDomain

/// The terminal escaper: every text that reaches a terminal passes here, so that what came from outside — a
/// child's name, a diet, a class, a value quoted from an imported file — is shown and never obeyed. Control
/// characters and bidirectional controls (`UnsafeCharacters`: ESC starting `ESC[2J`, a line feed forging a
/// second line, U+202E reversing what follows) become U+FFFD, a visible mark that something was there; a tab
/// in a single line becomes a space.
///
/// Master data are checked at import; this is the defence for whatever arrived before the check, or by
/// another way. `OutputSink` applies it to everything it writes, and screens that measure columns (a scan's
/// 40-column line, a table's cells) apply it first so that widths count what will be shown.
public enum TerminalText {
    /// What an unsafe character is shown as.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// `text` for one line of a screen: no character of it moves the cursor or changes the terminal.
    public static func line(_ text: some StringProtocol) -> String {
        escape(text, keepingLineFeeds: false)
    }

    /// `text` of several lines (a message, a document on a terminal): line feeds and tabs are kept, every
    /// other unsafe character is replaced.
    public static func lines(_ text: some StringProtocol) -> String {
        escape(text, keepingLineFeeds: true)
    }

    private static func escape(_ text: some StringProtocol, keepingLineFeeds: Bool) -> String {
        guard UnsafeCharacters.first(in: text) != nil else { return String(text) }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where keepingLineFeeds, "\t" where keepingLineFeeds:
                out.append(scalar)
            case "\t":
                out.append(" ")
            case _ where UnsafeCharacters.contains(scalar):
                out.append(replacement)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
