import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore
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

/// Writes a document to a file or to standard output. The file is for its owner only (0600), whatever the umask:
/// notices, exports and tax statements name children and payers with their codici fiscali.
func write(_ data: Data, to output: String, _ context: CommandContext) throws {
    if output == "-" {
        context.standardOutput.writeDocument(String(decoding: data, as: UTF8.self))
    } else {
        try PrivateFile.write(data, to: output)
        context.printError("Scritto \(output).")
    }
}
