import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Payments {
    struct ImportPayments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Importa un file CSV di pagamenti: tutto o niente se una riga è sbagliata.",
            discussion: "Colonne: date;amount;notice;kind;payer;beneficiary;service;method;reference (vedere protocol/billing.md)."
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Argument(valueName: "file", help: "Il file CSV dei pagamenti.")
        var file: String
        @Flag(help: "Stampa l'esito riga per riga in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let report = try queue.write { db in try PaymentImport.run(db, path: file, actor: who, now: now) }
            if json { try context.printJSON(report) } else { context.print(context.rendered(report.italian)) }
        }
    }
}
