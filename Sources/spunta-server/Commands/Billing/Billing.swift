import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server billing …`: the month's billing.
struct Billing: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fatturazione: consumi del mese, rendiconti, avvisi pagoPA, credito prepagato.",
        discussion: """
            Il mese tipico: billing run --period 2026-10 (bozze e addebiti prepagati), billing statements e billing show per \
            controllare, billing adjust per rettificare, billing issue per emettere gli avvisi, billing export per l'intermediario \
            pagoPA, billing notices per la stampa. Regole e formati: protocol/billing.md
            """,
        subcommands: [Run.self, Statements.self, Show.self, Adjust.self, Issue.self, Export.self, Notices.self, Balances.self, TopUp.self]
    )
}

/// Writes a document to a file or to standard output.
func write(_ data: Data, to output: String, _ context: CommandContext) throws {
    if output == "-" {
        context.standardOutput.writeDocument(String(decoding: data, as: UTF8.self))
    } else {
        try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        context.printError("Scritto \(output).")
    }
}
