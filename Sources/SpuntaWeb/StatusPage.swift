import Foundation
import SpuntaDomain
import SpuntaMarkup
import SpuntaSync

/// Stato del servizio (`/admin`): what an admin glancing at 08:15 must see — the alerts of the day, today's
/// numbers, every device with its state and what waits on it, the open conflicts in words. It reads the same
/// queries as `spunta-server devices`, `conflicts`, `alerts` and `today`, and refreshes itself every minute.
public enum StatusPage {
    public struct Content: Sendable {
        public var municipality: String
        public var now: Date
        public var devices: [AdminQueries.DeviceStatus]
        public var conflicts: [AdminQueries.ConflictRow]
        public var alerts: [OfficeAlerts.Alert]
        public var today: AdminQueries.TodayNumbers
        /// Today's meals per site, as the caterers receive them (`CatererCounts.report`).
        public var meals: [CatererCounts.SiteMeals]
        public var actor: String
        public var formToken: String
        public var refreshSeconds: Int
        /// How the commands the page gives run on this server: its `--db`, and `sudo -u` its service account.
        public var shell: ServerShell

        public init(
            municipality: String, now: Date, devices: [AdminQueries.DeviceStatus], conflicts: [AdminQueries.ConflictRow],
            alerts: [OfficeAlerts.Alert], today: AdminQueries.TodayNumbers, meals: [CatererCounts.SiteMeals] = [], actor: String,
            formToken: String, refreshSeconds: Int = 60, shell: ServerShell = ServerShell(database: nil)
        ) {
            self.shell = shell
            self.meals = meals
            self.municipality = municipality
            self.now = now
            self.devices = devices
            self.conflicts = conflicts
            self.alerts = alerts
            self.today = today
            self.actor = actor
            self.formToken = formToken
            self.refreshSeconds = refreshSeconds
        }
    }

    public static func render(_ c: Content) -> HTML {
        let day = BusinessCalendar.date(of: c.now)
        let header: HTML = """
            <div>
            <h1>Spunta — stato del servizio</h1>
            <p class="muted">\(c.municipality) · aggiornato alle \(ItalianTime.time(c.now)) del \(day.italian) · si aggiorna da sé ogni \(c.refreshSeconds) secondi</p>
            </div>
            <form method="post" action="/admin/logout">
            <input type="hidden" name="form_token" value="\(c.formToken)">
            <button type="submit">Esci (\(c.actor))</button>
            </form>
            """
        let main = alerts(c.alerts, today: day, shell: c.shell) + numbers(c.today) + kitchen(c.meals) + devices(c.devices)
            + conflicts(c.conflicts, shell: c.shell)
        return Layout.page(title: "Spunta — stato del servizio", refreshSeconds: c.refreshSeconds, header: header, main: main)
    }

    /// An alert's body: its text lines, and each command it gives (on a line of its own in the mail too) as a block.
    static func body(_ alert: OfficeAlerts.Alert) -> HTML {
        var html: HTML = .empty
        var afterText = false
        for line in alert.lines {
            switch line {
            case .text(let text):
                html += afterText ? "<br>\(text)" : "\(text)"
                afterText = true
            case .command(let words):
                html += "\n" + CommandBlock.html(quotedWords: words)
                afterText = false
            }
        }
        return html
    }

    static func alerts(_ alerts: [OfficeAlerts.Alert], today: LocalDate, shell: ServerShell) -> HTML {
        var items: [HTML] = []
        for alert in alerts {
            let raised = UTCTime.date(alert.raisedAt).map { ItalianTime.short($0, today: today) } ?? alert.raisedAt
            let urgent = alert.kind == OfficeAlerts.Kind.childLeftAboard.rawValue
            let cleared: HTML = alert.clearedAt.map { " <span class=\"cleared\">(rientrato alle \(ItalianTime.dateTime(stored: $0)))</span>" } ?? .empty
            let unsent: HTML = alert.awaitingRecipient
                ? " <span class=\"unsent\">(non inviato: nessun destinatario degli avvisi)</span>" : .empty
            let addRecipient: HTML = alert.awaitingRecipient
                ? "<br>Per aggiungere chi riceve gli avvisi:\n\(CommandBlock.html(AlertRecipients.addCommand, shell: shell))" : .empty
            items.append("""
                <li\(urgent ? " class=\"urgent\"" : "" as HTML)><strong>\(raised) — \(alert.title)</strong>\(cleared)\(unsent)<br>\(body(alert))\(addRecipient)</li>

                """)
        }
        let list: HTML = items.isEmpty ? "<p>Nessun avviso nelle ultime 24 ore.</p>\n" : "<ul class=\"alerts\">\n\(items)</ul>\n"
        return """
            <section aria-labelledby="avvisi">
            <h2 id="avvisi">Avvisi all'ufficio (ultime 24 ore)</h2>
            \(list)</section>

            """
    }

    static func numbers(_ t: AdminQueries.TodayNumbers) -> HTML {
        let date = LocalDate(t.date)?.italian ?? t.date
        var rows: [HTML] = []
        for site in t.mealsBySite {
            rows.append("<tr><td data-label=\"Plesso\">\(site.siteId) \(site.name)</td><td class=\"number\" data-label=\"Pasti\">\(site.meals)</td></tr>\n")
        }
        return """
            <section aria-labelledby="oggi">
            <h2 id="oggi">Oggi, \(date)</h2>
            <dl class="numbers">
            <div><dt>Pasti serviti</dt><dd>\(t.mealsTotal)</dd></div>
            <div><dt>Corse aperte</dt><dd>\(t.ridesOpen)</dd></div>
            <div><dt>Bambini a bordo</dt><dd>\(t.childrenAboard)</dd></div>
            </dl>
            <table class="cards">
            <caption>Pasti serviti per plesso</caption>
            <thead><tr><th scope="col">Plesso</th><th scope="col" class="number">Pasti</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            </section>

            """
    }

    /// Today's meals to prepare per site: the numbers now, what the caterer was sent, the classes without roll call.
    static func kitchen(_ meals: [CatererCounts.SiteMeals]) -> HTML {
        var rows: [HTML] = []
        for site in meals {
            let missing = site.classesWithoutRollCall
            let diets = site.count.diets.map { "\($0.name) \($0.meals)" }.joined(separator: ", ")
            rows.append("""
                <tr><td data-label="Plesso">\(site.count.siteId) \(site.count.siteName)</td>
                <td class="number" data-label="Pasti da preparare">\(site.count.total)</td>
                <td data-label="Per dieta">\(diets)</td>
                <td data-label="Inviato alla ditta">\(site.sentItalian)</td>
                <td data-label="Appello non ricevuto">\(missing.isEmpty ? "—" : missing.joined(separator: ", "))</td>
                <td class="number" data-label="Serviti">\(site.served)</td></tr>

                """)
        }
        let table: HTML = rows.isEmpty ? "<p>Nessuna mensa aperta oggi.</p>\n" : """
            <table class="cards">
            <caption>Iscritti meno assenti e periodi di assenza; le classi senza appello sono contate per intero</caption>
            <thead><tr><th scope="col">Plesso</th><th scope="col" class="number">Pasti da preparare</th><th scope="col">Per dieta</th>
            <th scope="col">Inviato alla ditta</th><th scope="col">Appello non ricevuto</th><th scope="col" class="number">Serviti</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>

            """
        return """
            <section aria-labelledby="cucina">
            <h2 id="cucina">Pasti da preparare oggi</h2>
            \(table)</section>

            """
    }

    static func devices(_ devices: [AdminQueries.DeviceStatus]) -> HTML {
        var rows: [HTML] = []
        for d in devices {
            rows.append("""
                <tr>
                <td data-label="Dispositivo"><strong>\(WholeWords.name(d.name))</strong><br><span class="muted whole">\(d.id)</span></td>
                <td data-label="Ruolo">\(d.roleItalian)<br><span class="muted">\(d.scopeWords.map(WholeWords.group).joined(separator: ", "))</span></td>
                <td data-label="Stato" class="nowrap"><span class="state state-\(d.state.rawValue)">\(d.state.italian)</span></td>
                <td data-label="Visto" class="nowrap">\(d.seenItalian)</td>
                <td data-label="Registrazioni ricevute">\(d.opsItalian)</td>
                <td data-label="Da inviare">\(d.pendingItalian)</td>
                <td data-label="Novità da scaricare" class="number">\(Int(d.cursorLag))</td>
                <td data-label="Orologio" class="nowrap">\(d.clockItalian)</td>
                <td data-label="Note" class="note">\(WholeWords.html(d.notesItalian))</td>
                </tr>

                """)
        }
        let summary = devices.stateSummaryItalian
        return """
            <section aria-labelledby="dispositivi">
            <h2 id="dispositivi">Dispositivi</h2>
            <table class="cards">
            <caption>\(summary)</caption>
            <thead><tr><th scope="col">Dispositivo</th><th scope="col">Ruolo</th><th scope="col">Stato</th><th scope="col">Visto</th>
            <th scope="col">Registrazioni ricevute</th><th scope="col">Da inviare</th><th scope="col" class="number">Novità da scaricare</th><th scope="col">Orologio</th><th scope="col">Note</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            </section>

            """
    }

    static func conflicts(_ conflicts: [AdminQueries.ConflictRow], shell: ServerShell) -> HTML {
        var items: [HTML] = []
        for c in conflicts {
            items.append("""
                <li><strong>\(c.headline)</strong><br>\(c.summary)<br>Per chiuderlo, scrivendo al posto di MOTIVO come è stato deciso (tra virgolette):
                \(CommandBlock.html(c.resolveCommand, shell: shell))</li>

                """)
        }
        let list: HTML = items.isEmpty ? "<p>Nessun conflitto da decidere.</p>\n" : "<ol class=\"conflicts\">\n\(items)</ol>\n"
        return """
            <section aria-labelledby="conflitti">
            <h2 id="conflitti">Conflitti da decidere (\(conflicts.count))</h2>
            \(list)</section>

            """
    }
}
