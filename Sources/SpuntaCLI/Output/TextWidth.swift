/// Terminal column arithmetic by grapheme, not by byte or code unit: "Niccolò" is seven columns
/// whether the ò is one code point or an o with a combining accent; wide East Asian characters and
/// emoji take two; control characters none.
public enum TextWidth {
    /// The number of terminal columns `text` occupies.
    public static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The number of terminal columns one grapheme occupies: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        switch first.properties.generalCategory {
        case .control, .format, .nonspacingMark, .enclosingMark:
            return 0
        default:
            break
        }
        if isWide(first) { return 2 }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) && first.properties.isEmoji { return 2 }
        return 1
    }

    /// `text` cut to at most `width` columns, ending in `ellipsis` when something was cut.
    public static func truncate(_ text: String, to width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        guard of(text) > width else { return text }
        let budget = width - of(ellipsis)
        var result = ""
        var used = 0
        for character in text {
            let columns = of(character)
            if used + columns > budget { break }
            result.append(character)
            used += columns
        }
        if budget >= 0 { result.append(ellipsis) }
        return result
    }

    /// The end of `text` in at most `width` columns, starting with `ellipsis` when its beginning is cut (what
    /// is being typed stays in view).
    public static func tail(_ text: String, to width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        guard of(text) > width else { return text }
        let budget = width - of(ellipsis)
        var kept: [Character] = []
        var used = 0
        for character in text.reversed() {
            let columns = of(character)
            if used + columns > budget { break }
            kept.append(character)
            used += columns
        }
        return (budget >= 0 ? String(ellipsis) : "") + String(kept.reversed())
    }

    /// `text` padded with spaces to `width` columns, on the right (left alignment) or the left.
    public static func pad(_ text: String, to width: Int, alignment: TextAlignment = .left) -> String {
        let padding = String(repeating: " ", count: max(0, width - of(text)))
        switch alignment {
        case .left: return text + padding
        case .right: return padding + text
        }
    }

    /// `text` broken into lines of at most `width` columns at spaces; a word longer than `width` gets a
    /// line of its own. Existing newlines are kept.
    public static func wrap(_ text: String, width: Int) -> [String] {
        lay(text, width: width, lead: "", indent: "", breakingWords: false)
    }

    /// `text` as a block that never leaves `width` columns and never loses a character: the first line
    /// begins with `lead` (`"OK   "`, `"  !! "`), the following ones with `indent` spaces, so the first word
    /// stands out and what follows lines up under the text. A word too long for a line is split across
    /// lines rather than cut: what a person must act on is shown whole, however narrow the screen.
    public static func wrap(_ text: String, width: Int, lead: String, indent: Int) -> [String] {
        lay(text, width: width, lead: lead, indent: String(repeating: " ", count: max(0, indent)), breakingWords: true)
    }

    private static func lay(_ text: String, width: Int, lead: String, indent: String, breakingWords: Bool) -> [String] {
        var lines: [String] = []
        var line = lead
        var lineWidth = of(lead)
        /// Whether `line` holds text beyond its lead or indent.
        var hasText = false
        func newLine() {
            lines.append(line)
            line = indent
            lineWidth = of(indent)
            hasText = false
        }
        for (index, paragraph) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { newLine() }
            for word in paragraph.split(separator: " ") {
                let wordWidth = of(word)
                if hasText && lineWidth + 1 + wordWidth > width { newLine() }
                if hasText {
                    line += " "
                    lineWidth += 1
                }
                guard breakingWords, lineWidth + wordWidth > width else {
                    line += word
                    lineWidth += wordWidth
                    hasText = true
                    continue
                }
                // Too long for any line: as much as fits here, the rest on the next lines.
                for character in word {
                    let columns = of(character)
                    if hasText && lineWidth + columns > width { newLine() }
                    line.append(character)
                    lineWidth += columns
                    hasText = true
                }
            }
        }
        lines.append(line)
        // Spaces left at the end of a line (an indent with nothing after it) are not text.
        return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    /// East Asian Wide and Fullwidth blocks, and emoji shown as pictures by default.
    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isEmojiPresentation { return true }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
