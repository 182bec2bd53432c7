import SpuntaMarkup

/// The frame every admin page shares: `lang="it"`, the one stylesheet, a viewport for phones, a link to skip
/// to the content as the first stop of the keyboard, and (on the status page) a refresh without JavaScript.
enum Layout {
    static func page(title: String, refreshSeconds: Int? = nil, header: HTML, main: HTML) -> HTML {
        let refresh: HTML = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">\n" } ?? .empty
        return """
            <!DOCTYPE html>
            <html lang="it">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh)<title>\(title)</title>
            <link rel="stylesheet" href="\(Stylesheet.path)">
            </head>
            <body>
            <a class="skip" href="#contenuto">Vai al contenuto</a>
            <header>
            \(header)
            </header>
            <main id="contenuto">
            \(main)
            </main>
            </body>
            </html>

            """
    }
}
