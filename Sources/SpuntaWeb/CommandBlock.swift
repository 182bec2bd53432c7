import SpuntaDomain
import SpuntaMarkup

/// A command a page suggests, in a block of its own: selecting the block and copying it gives exactly the command,
/// one line, its words quoted for the shell as the command line quotes them, with no sentence's full stop after it,
/// written for the server the page comes from (`ServerShell`: its `--db`, and `sudo -u` its service account). Each
/// word is kept whole: a narrow screen wraps the block only at the spaces between words, never after the hyphens of
/// `--note` or inside a path, and a word wider than the screen scrolls within the block.
enum CommandBlock {
    static func html(_ hint: CommandHint, shell: ServerShell) -> HTML {
        html(quotedWords: shell.words(hint).map(ShellWord.quoted))
    }

    /// The words as the shell reads them, already quoted (`ShellWord`).
    static func html(quotedWords: [String]) -> HTML {
        let words = quotedWords.map { "<span class=\"word\">\($0)</span>" as HTML }.joined(separator: " ")
        return "<pre class=\"command\"><code>\(words)</code></pre>\n"
    }
}
