import SpuntaMarkup

/// Text of a table cell that a browser wraps only between words. Chromium breaks a line after a hyphen or a dash,
/// so a device id, a class (`S02-1A`) or a time range (`07:00–09:00`) would be cut in two where its column is
/// narrow; each such word goes in a span kept on one line. Words longer than `longest` (an op id, a path) are left
/// breakable: kept whole they would push a phone's page sideways.
enum WholeWords {
    static let longest = 24

    /// Characters after which a browser may break a word.
    private static let breakers: Set<Character> = ["-", "–", "—", "/", "‐"]

    static func html(_ text: String) -> HTML {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> HTML in
            let word = String(word)
            guard word.count <= longest, word.dropLast().contains(where: { breakers.contains($0) }) else { return "\(word)" }
            return "<span class=\"whole\">\(word)</span>"
        }.joined(separator: " ")
    }

    /// A name (a device's, "Scuolabus Nord"): on one line when it is short enough for a phone's card, so that a
    /// desk's table gives its column the room instead of the notes; a longer one wraps between its words.
    static func name(_ text: String) -> HTML {
        text.count <= longest ? group(text) : html(text)
    }

    /// A group of words that reads as one (a scope item, "classe 1A (S02)"), kept on one line whatever it holds.
    static func group(_ text: String) -> HTML {
        "<span class=\"whole\">\(text)</span>"
    }
}
