import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Alerts {
    struct AddRecipient: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-recipient",
            abstract: "Aggiunge un indirizzo e-mail o un cellulare che riceve gli avvisi (resta nel registro di audit).",
            discussion: "Esempio: spunta-server alerts add-recipient --db comune.sqlite --email ufficio.scuola@comune.example.it"
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var recipient: RecipientOption
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            let added = try queue.write { db in
                try AlertRecipients.add(db, channel: recipient.channel, address: recipient.address, actor: who, now: context.now)
            }
            context.print("\(added.address) riceverà gli avvisi per \(recipient.channel.italian).")
            guard !added.queued.isEmpty else { return }
            context.print("Avvisi dell'ultimo giorno ancora aperti, dati quando nessuno li riceveva, ora in coda anche per \(added.address) "
                + "(li consegna outbox send): \(added.queued.count).")
            for alert in added.queued {
                context.print("  \(ItalianTime.dateTime(stored: alert.raisedAt)) \(Alerts.headline(alert))")
            }
        }
    }
}
