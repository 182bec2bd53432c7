import SpuntaMarkup

/// What an admin page shows when the server could not compose it: what happened and what to do, nothing more.
public enum ErrorPage {
    public static func render() -> HTML {
        Layout.page(
            title: "Spunta — errore",
            header: "<h1>Spunta</h1>",
            main: "<h2>Errore del server</h2>\n<p>La pagina non si è potuta comporre. Riprovare; se si ripete, vedere il registro del server.</p>"
        )
    }
}
