import Foundation
import SpuntaDomain

/// A message with commands in it, laid out so that copying a command gives exactly the command: each command on a
/// line of its own, never followed by the sentence's full stop or closing parenthesis, and, where a line is too
/// narrow for it, continued on the next with the shell's `\` so that the copied lines still run as one command.
public enum HintLayout {
    public enum Line: Equatable, Sendable {
        case text(String)
        /// The command's words as the program reads them: quoted for the shell when laid out.
        case command([String])
    }

    /// `text` as lines: the text before a command ends with a colon, the command follows on its own line, and what
    /// the sentence says after it (past its `.`, `,` or the `)` that closed around it) starts a line of its own.
    public static func lines(_ text: HintedText, words: (CommandHint) -> [String]) -> [Line] {
        var lines: [Line] = []
        var pending = ""
        var closeParenthesis = false
        var afterCommand = false
        func flush() {
            // Trailing spaces go; leading ones indent an item of a list, and stay.
            let trimmed = String(pending.reversed().drop { $0 == " " }.reversed())
            if !trimmed.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(.text(trimmed)) }
            pending = ""
        }
        for part in text.parts {
            switch part {
            case .text(var string):
                if afterCommand {
                    if closeParenthesis, string.hasPrefix(")") { string.removeFirst() }
                    // The sentence's own punctuation after the command belongs to no command: dropped with it.
                    while let first = string.first, first == "." || first == "," || first == ";" { string.removeFirst() }
                    string = String(string.drop { $0 == " " || $0 == "\n" })
                    closeParenthesis = false
                    afterCommand = false
                }
                pending += string
            case .command(let hint):
                var before = String(pending.reversed().drop { $0 == " " }.reversed())
                if before.hasSuffix("(") {
                    before = String(before.dropLast().reversed().drop { $0 == " " }.reversed())
                    closeParenthesis = true
                }
                if let last = before.last, !":\n ".contains(last) { before += ":" }
                pending = before
                flush()
                lines.append(.command(words(hint)))
                afterCommand = true
            }
        }
        flush()
        // A text part may hold several lines of its own.
        return lines.flatMap { line -> [Line] in
            guard case .text(let string) = line else { return [line] }
            return string.split(separator: "\n", omittingEmptySubsequences: false).map { .text(String($0)) }
        }
    }

    /// The lines as plain text: each command two spaces deeper than the text before it (an item of a list keeps its
    /// command under it), on one line whatever its length (a terminal that wraps it keeps it one line for copying).
    public static func plain(_ lines: [Line]) -> String {
        var margin = ""
        return lines.map { line in
            switch line {
            case .text(let string):
                margin = String(string.prefix { $0 == " " })
                return string
            case .command(let words):
                return margin + "  " + words.map(ShellWord.quoted).joined(separator: " ")
            }
        }.joined(separator: "\n")
    }

    /// The lines within `width` columns: text wrapped between words after `lead` (its following lines indented by
    /// `indent`), each command two columns deeper than the text and broken only between words with ` \` at the end
    /// of the line, its following lines two columns deeper still; a word longer than a line is cut where the shell
    /// joins it back.
    public static func wrapped(_ lines: [Line], width: Int, lead: String = "", indent: Int = 0) -> [String] {
        var output: [String] = []
        let margin = String(repeating: " ", count: indent)
        for line in lines {
            switch line {
            case .text(let string):
                output += TextWidth.wrap(string, width: width, lead: output.isEmpty ? lead : margin, indent: indent)
            case .command(let words):
                let start = output.isEmpty && !lead.isEmpty ? lead : margin + "  "
                output += command(words, width: width, lead: start, indent: indent + 4)
            }
        }
        return output
    }

    /// A command's words from `lead`, quoted for the shell, continued at `indent` columns after a ` \`. A word too
    /// long for a line is cut into pieces, each quoted on its own and ended by `\`, the next from the line's start:
    /// the shell joins them back into the one word.
    static func command(_ words: [String], width: Int, lead: String, indent: Int) -> [String] {
        var lines: [String] = []
        var line = lead
        var hasWord = false
        let margin = String(repeating: " ", count: indent)
        for (index, word) in words.enumerated() {
            let quoted = ShellWord.quoted(word)
            // Room for " \" after the word unless it is the last.
            let tail = index == words.count - 1 ? 0 : 2
            if hasWord && TextWidth.of(line) + 1 + TextWidth.of(quoted) + tail > width {
                lines.append(line + " \\")
                line = margin
                hasWord = false
            }
            if hasWord { line += " " }
            hasWord = true
            guard TextWidth.of(line) + TextWidth.of(quoted) + tail > width else {
                line += quoted
                continue
            }
            var rest = Substring(word)
            while TextWidth.of(line) + TextWidth.of(ShellWord.quoted(String(rest))) + tail > width {
                // The longest piece that fits before the `\`; at least one character, whatever the width.
                var piece = rest.prefix(1)
                while piece.count < rest.count,
                      TextWidth.of(line) + TextWidth.of(ShellWord.quoted(String(rest.prefix(piece.count + 1)))) + 1 <= width {
                    piece = rest.prefix(piece.count + 1)
                }
                lines.append(line + ShellWord.quoted(String(piece)) + "\\")
                rest = rest.dropFirst(piece.count)
                line = ""
            }
            line += ShellWord.quoted(String(rest))
        }
        lines.append(line)
        return lines
    }
}
