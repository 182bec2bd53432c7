import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Alerts {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Controlla ora e mette in coda gli avvisi nuovi (per cron: ogni minuto).",
            discussion: "Esempio in /etc/cron.d/spunta: * * * * *  spunta  /usr/local/bin/spunta-server alerts check --db /var/lib/spunta/comune.sqlite --quiet"
        )
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Non stampa nulla se non ci sono avvisi nuovi.")
        var quiet = false
        @Flag(help: "Stampa in JSON (un array degli avvisi nuovi).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let (raised, recipients) = try queue.write { db in
                (try OfficeAlerts.check(db, now: context.now), try AlertRecipients.all(db).count)
            }
            if json { return try context.printJSON(raised) }
            for alert in raised { Alerts.print(alert, context) }
            if !raised.isEmpty, recipients == 0 {
                context.printError(hinted: "Nessun destinatario degli avvisi: aggiungerne con \(Alerts.addRecipient).")
            }
            if !quiet || !raised.isEmpty { context.print(raised.isEmpty ? "Nessun avviso nuovo." : Counted.italian(raised.count, "avviso nuovo", "avvisi nuovi") + ".") }
        }
    }
}
