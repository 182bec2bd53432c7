import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Calcola i consumi del mese: rendiconti in bozza e addebiti prepagati.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Option(valueName: "AAAA-MM", help: "Il mese da fatturare.")
        var period: String
        @Flag(help: "Stampa il riepilogo in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path, configuration: BillingRun.writerConfiguration)
            let now = context.now
            let report = try BillingRun.run(queue, period: period, actor: who, now: now)
            if json { context.printJSON(encoded: report.jsonText) } else { context.print(hinted: report.hinted) }
        }
    }
}
