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
}
