import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct Statements: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Elenca i rendiconti.")
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "AAAA-MM", help: "Solo questo mese.")
        var period: String?
        @Option(valueName: "pagante", help: "Solo questo pagante.")
        var payer: String?
        @Option(valueName: "stato", help: "draft o issued.")
        var status: String?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        mutating func validate() throws {
            if let period, BillingPeriod(period) == nil { throw ValidationError("--period «\(period)» non valido: usare AAAA-MM (es. 2026-10).") }
            if let status, !["draft", "issued"].contains(status) { throw ValidationError("--status: draft o issued.") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let list = try queue.read { try StatementDesk.statements($0, period: period.flatMap { BillingPeriod($0) }, payer: payer, status: status) }
            if json { return try context.printJSON(list) }
            var table = TextTable(columns: [.init("N."), .init("Mese"), .init("Pagante", maxWidth: 28), .init("Stato"),
                                            .init("Totale", alignment: .right), .init("Pagato", alignment: .right), .init("Codice avviso")])
            for s in list {
                table.addRow([String(s.id), s.period, "\(s.payerId) \(s.payerName)", s.status == "issued" ? "emesso" : "bozza",
                              Money(cents: s.totalCents).italian, Money(cents: s.paidCents).italian, s.noticeNumber ?? ""])
            }
            context.print(table.render(width: max(context.terminalWidth, 110)))
            context.print(Counted.italian(list.count, "rendiconto", "rendiconti") + ", totale \(Money(cents: list.reduce(0) { $0 + $1.totalCents }).italian).")
        }
    }
}
