import Foundation
import SpuntaDomain

extension CommandContext {
    /// `hint` as a line to paste into a shell: its words quoted (`ShellWord`), with the location the user gave on
    /// this command line (`--db PERCORSO`, `--home CARTELLA`) after the subcommand. Without one given (the user's
    /// SPUNTA_DB or SPUNTA_HOME names it), none: the hint then runs as printed in that same environment.
    public func rendered(_ hint: CommandHint) -> String {
        words(hint).map(ShellWord.quoted).joined(separator: " ")
    }

    /// `text` with each of its commands written by `rendered(_:)` on a line of its own (`HintLayout`), so that
    /// copying it gives the command and nothing of the sentence around it.
    public func rendered(_ text: HintedText) -> String {
        HintLayout.plain(lines(text))
    }

    /// `hint`'s words with this command line's location, as the program reads them (not yet quoted).
    public func words(_ hint: CommandHint) -> [String] {
        hint.words(location: hintLocation)
    }

    /// `text` as `HintLayout` lines, each command's words with this command line's location.
    public func lines(_ text: HintedText) -> [HintLayout.Line] {
        HintLayout.lines(text, words: words)
    }

    /// Writes `text` to standard error, its commands on lines of their own; on a terminal wrapped to its width
    /// without breaking a command in a way that changes it.
    public func printError(hinted text: HintedText) {
        guard let width = errorWidth else { return standardError.writeLine(rendered(text)) }
        for line in HintLayout.wrapped(lines(text), width: width) { standardError.writeLine(line) }
    }

    /// Writes `text` as `printWrapped` does (40 columns, never cut), its commands on lines of their own and broken
    /// only where the shell joins them back (`HintLayout.wrapped`).
    public func printWrapped(hinted text: HintedText, width: Int = CommandContext.handheldWidth, indent: String = "  ") {
        let lines = self.lines(text).map { line -> HintLayout.Line in
            guard case .text(let string) = line else { return line }
            // Escaped before it is measured, as `printWrapped` does.
            return .text(TerminalText.lines(string))
        }
        let first: String
        if case .text(let string)? = lines.first { first = String(string.prefix { $0 == " " }) } else { first = "" }
        let trimmed = lines.enumerated().map { index, line -> HintLayout.Line in
            guard index == 0, case .text(let string) = line else { return line }
            return .text(String(string.dropFirst(first.count)))
        }
        for line in HintLayout.wrapped(trimmed, width: width, lead: first, indent: TextWidth.of(indent)) {
            standardOutput.writeLine(line)
        }
    }

    /// Writes `text` to standard output, its commands on lines of their own.
    public func print(hinted text: HintedText) {
        print(rendered(text))
    }
}

/// Where the commands a message suggests must point: the root command's location option (`--db`, `--home`) and the
/// value this command line gave it.
enum HintLocation {
    /// `["--db", value]` when `arguments` give `option` (`--db PERCORSO` or `--db=PERCORSO`, before any `--`; the
    /// last one given counts, as the parser takes it), else none.
    static func words(option: String?, in arguments: [String]) -> [String] {
        guard let option else { return [] }
        var value: String?
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" { break }
            if word == option, index + 1 < arguments.count {
                value = arguments[index + 1]
                index += 2
                continue
            }
            if word.hasPrefix(option + "=") { value = String(word.dropFirst(option.count + 1)) }
            index += 1
        }
        return value.map { [option, $0] } ?? []
    }
}
