import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Payments {
    /// `payments refunds`: what was paid beyond the notices, for the office to give back.
    struct Refunds: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Eccedenze da rimborsare: avvisi pagati per più del dovuto o pagati due volte.",
            discussion: "L'avviso risulta pagato fino al suo importo; l'eccedenza non è detraibile e va restituita alla famiglia."
        )
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let list = try queue.read { try PaymentImport.refunds($0) }
            if json { return try context.printJSON(list) }
            guard !list.isEmpty else { return context.print("Nessun pagamento in eccesso da rimborsare.") }
            var table = TextTable(columns: [.init("Pagato il"), .init("Pagante", maxWidth: 28), .init("Codice avviso"),
                                            .init("Pagato", alignment: .right), .init("Da rimborsare", alignment: .right), .init("Riferimento")])
            for r in list {
                table.addRow([LocalDate(r.paidOn)?.italian ?? r.paidOn, "\(r.payerId ?? "") \(r.payerName ?? "")",
                              r.noticeNumber.map { (try? NoticeNumber(validating: $0).grouped) ?? $0 } ?? "",
                              Money(cents: r.amountCents).italian, Money(cents: r.excessCents).italian, r.reference])
            }
            context.print(table.render(width: max(context.terminalWidth, 110)))
            context.print("\(Counted.italian(list.count, "eccedenza", "eccedenze")), \(Money(cents: list.reduce(0) { $0 + $1.excessCents }).italian) da rimborsare.")
        }
    }
}
