import Foundation
import SpuntaDomain

extension CommandContext {
    /// `hint` as a line to paste into a shell: its words quoted (`ShellWord`), with the location the user gave on
    /// this command line (`--db PERCORSO`, `--home CARTELLA`) after the subcommand. Without one given (the user's
    /// SPUNTA_DB or SPUNTA_HOME names it), none: the hint then runs as printed in that same environment.
    public func rendered(_ hint: CommandHint) -> String {
        hint.words(location: hintLocation).map(ShellWord.quoted).joined(separator: " ")
    }

    /// `text` with each of its commands written by `rendered(_:)`.
    public func rendered(_ text: HintedText) -> String {
        text.rendered { rendered($0) }
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
