import SpuntaDomain
import SpuntaMarkup

/// A command a page suggests, in a block of its own: selecting the block and copying it gives exactly the command,
/// its words quoted for the shell as the command line quotes them, with no sentence's full stop after it. Pages
/// do not know the archive the admin uses on the server, so the command names no --db (SPUNTA_DB, or the reader,
/// supplies it).
enum CommandBlock {
    static func html(_ hint: CommandHint) -> HTML {
        let line = hint.words(location: []).map(ShellWord.quoted).joined(separator: " ")
        return "<pre class=\"command\"><code>\(line)</code></pre>\n"
    }
}
