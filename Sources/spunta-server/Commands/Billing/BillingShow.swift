import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mostra un rendiconto riga per riga, con le registrazioni da cui viene.")
        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "numero", help: "Numero del rendiconto.")
        var id: Int
        @Flag(help: "Stampa in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let s = try queue.read { try StatementDesk.statement($0, id: Int64(id)) }
            if json { return try context.printJSON(s) }
            context.print("Rendiconto \(s.id) — \(s.payerName) (\(s.payerFiscalCode)) — \(BillingPeriod(s.period)?.italian ?? s.period) — \(s.status == "issued" ? "emesso" : "bozza")")
            for l in s.lines {
                context.print("  \(Money(cents: l.amountCents).italian.padding(toLength: 12, withPad: " ", startingAt: 0)) \(l.beneficiaryName ?? "") — \(l.description)")
                if !l.sourceOps.isEmpty { context.print("               da: \(l.sourceOps.joined(separator: ", "))") }
            }
            context.print("  Totale \(Money(cents: s.totalCents).italian)" + (s.noticeNumber.map { nav in
                // As printed on the notice: the code in groups of four digits, the due day as the office writes it.
                let code = (try? NoticeNumber(validating: nav).grouped) ?? nav
                let due = s.dueDate.map { LocalDate($0)?.italian ?? $0 } ?? ""
                return " — codice avviso \(code), scadenza \(due)"
            } ?? ""))
        }
    }
}
