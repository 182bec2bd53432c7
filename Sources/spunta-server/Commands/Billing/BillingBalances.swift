import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct Balances: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Saldi del credito prepagato per pagante, bambino e servizio.")
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Solo i saldi sotto soglia o negativi.")
        var below = false
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let list = try queue.read { try PrepaidLedger.balances($0, belowOnly: below) }
            if json { return try context.printJSON(list) }
            var table = TextTable(columns: [.init("Pagante", maxWidth: 26), .init("Bambino", maxWidth: 24), .init("Servizio"),
                                            .init("Saldo", alignment: .right), .init("Soglia", alignment: .right), .init("Stato")])
            for b in list {
                table.addRow(["\(b.payerId) \(b.payerName)", b.beneficiaryName, b.serviceId, Money(cents: b.balanceCents).italian,
                              b.thresholdCents.map { Money(cents: $0).italian } ?? "-", b.belowThreshold ? "sotto soglia" : ""])
            }
            context.print(table.render(width: max(context.terminalWidth, 100)))
            context.print(Counted.italian(list.count, "posizione", "posizioni") + ".")
        }
    }
}
