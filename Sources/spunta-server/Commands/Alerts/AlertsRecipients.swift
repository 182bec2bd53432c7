import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Alerts {
    struct Recipients: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Elenca chi riceve gli avvisi e le impostazioni.")
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Stampa in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let (list, hours) = try queue.read { db in (try AlertRecipients.all(db), try MonitoringSettings.conflictAlertHours(db)) }
            if json {
                struct Out: Encodable {
                    let recipients: [AlertRecipients.Recipient]
                    let conflictAlertHours: Int
                    enum CodingKeys: String, CodingKey { case recipients, conflictAlertHours = "conflict_alert_hours" }
                }
                return try context.printJSON(Out(recipients: list, conflictAlertHours: hours))
            }
            for r in list {
                context.print("\(r.channel.italian) \(r.address) (aggiunto il \(ItalianTime.dateTime(stored: r.addedAt)) da \(r.addedBy))")
            }
            context.print(list.isEmpty ? "Nessun destinatario: gli avvisi restano solo nell'elenco e sulla pagina /admin." : Counted.italian(list.count, "destinatario", "destinatari") + ".")
            context.print("Conflitti segnalati dopo \(hours) ore aperti.")
        }
    }
}
