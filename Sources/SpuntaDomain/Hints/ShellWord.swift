import Foundation

/// A word of a command line as a person pastes it into a POSIX shell: the hints that tell an operator which
/// command to run next name paths as given, and a path with a space or a quote would otherwise split or break.
public enum ShellWord {
    /// `word` itself when the shell reads it unchanged, else in single quotes (a `'` inside written as `'\''`).
    public static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "_-./:=@%+,".unicodeScalars.contains(scalar))
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The words of a line that `quoted` wrote (its words joined by spaces), each as written, quotes and all: a
    /// command kept as text (an alert's body) shown again word by word. A space inside quotes or after a `\` is
    /// part of its word.
    public static func split(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inQuotes = false
        var escaped = false
        for character in line {
            if escaped {
                word.append(character)
                escaped = false
                continue
            }
            switch character {
            case "'":
                inQuotes.toggle()
                word.append(character)
            case "\\" where !inQuotes:
                escaped = true
                word.append(character)
            case " " where !inQuotes:
                if !word.isEmpty { words.append(word) }
                word = ""
            default:
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}
