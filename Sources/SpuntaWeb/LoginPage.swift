import SpuntaDomain
import SpuntaMarkup

/// Accesso: the admin credential (from `spunta-server admin-token`) and, for the audit trail, the person's name.
/// The form carries the token of the session the page was served with; below it, the command that makes the
/// credential on this server, in a block to copy (`shell`: the server's `--db`, and `sudo -u` its service account).
public enum LoginPage {
    /// The command that prints a new admin credential.
    public static let credentialCommand = CommandHint.server("admin-token")

    public static func render(municipality: String, formToken: String, shell: ServerShell, error: String? = nil) -> HTML {
        let problem: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>\n" } ?? .empty
        let main: HTML = """
            <h2>Accesso</h2>
            \(problem)<form method="post" action="/admin/login">
            <input type="hidden" name="form_token" value="\(formToken)">
            <p><label for="credential">Credenziale di amministratore</label>
            <input id="credential" name="credential" type="password" autocomplete="current-password" required></p>
            <p><label for="actor">Il tuo nome (resta nel registro di audit)</label>
            <input id="actor" name="actor" type="text" autocomplete="username" maxlength="80"></p>
            <p><button type="submit">Entra</button></p>
            </form>
            <p class="muted">La credenziale si crea sul server con questo comando (una nuova sostituisce la precedente):</p>
            \(CommandBlock.html(credentialCommand, shell: shell))
            """
        return Layout.page(
            title: "Spunta — accesso",
            header: "<h1>Spunta — \(municipality)</h1>",
            main: main
        )
    }
}
