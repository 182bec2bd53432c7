import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Emette i rendiconti in bozza del mese: li blocca e crea gli avvisi pagoPA.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Option(valueName: "AAAA-MM", help: "Il mese.")
        var period: String
        @Option(valueName: "pagante", help: "Solo questo pagante.")
        var payer: String?
        @Option(name: "due-date", valueName: "AAAA-MM-GG", help: "Scadenza, non prima di oggi (predefinita tra 30 giorni).")
        var dueDate: String?
        @Flag(name: "before-month-end",
              help: "Emette anche se il mese non è finito: si addebitano i giorni trascorsi, il resto va nel mese dopo come conguaglio.")
        var beforeMonthEnd = false
        @Flag(help: "Stampa in JSON.")
        var json = false

        mutating func validate() throws {
            if BillingPeriod(period) == nil { throw ValidationError("--period «\(period)» non valido: usare AAAA-MM (es. 2026-10).") }
            if let dueDate, LocalDate(dueDate) == nil { throw ValidationError("--due-date «\(dueDate)» non valida: usare AAAA-MM-GG (es. 2026-10-05).") }
        }

        /// The `--json` answer: what was issued, and what is held back and why.
        struct Outcome: Encodable {
            let issued: [StatementDesk.Statement]
            let held: [BillingHolds.Hold]
        }

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let outcome = try queue.write { db -> Outcome in
                let month = try BillingRun.period(period, db: db, now: now)
                let held = try BillingHolds.statements(db, period: month, payer: payer)
                let ids = try StatementDesk.issue(db, period: month, payer: payer, dueDate: dueDate.flatMap { LocalDate($0) },
                                                  beforeMonthEnd: beforeMonthEnd, actor: who, now: now)
                return Outcome(issued: try ids.map { try StatementDesk.statement(db, id: $0) }, held: held)
            }
            if json { return try context.printJSON(outcome) }
            let statements = outcome.issued
            let withNotice = statements.filter { $0.noticeNumber != nil }
            context.print((statements.count == 1 ? "Emesso " : "Emessi ") + Counted.italian(statements.count, "rendiconto", "rendiconti") + ", \(withNotice.count) con avviso pagoPA, totale \(Money(cents: withNotice.reduce(0) { $0 + $1.totalCents }).italian).")
            printWithoutNotice(statements.filter { $0.noticeNumber == nil }, context)
            guard !outcome.held.isEmpty else { return }
            let count = Set(outcome.held.map(\.statementId)).count
            context.print("Rendiconti trattenuti: \(count). Non sono emessi finché non si decide il giorno di fatti registrati con l'orologio sbagliato:")
            for hold in outcome.held {
                context.print(hinted: "- n. \(hold.statementId) \(hold.payerName) (\(hold.payerId)): \(hold.hint)")
            }
        }

        /// The statements issued without a pagoPA notice, by name and why (nothing to pay, or a credit that goes to the
        /// payer's next statement), so that the office can tell the families: a few, each with the command that shows it.
        func printWithoutNotice(_ statements: [StatementDesk.Statement], _ context: CommandContext) {
            guard !statements.isEmpty else { return }
            let shown = 5
            context.print(statements.count == 1 ? "Senza avviso pagoPA, perché non c'è nulla da pagare:"
                          : "Senza avviso pagoPA (\(statements.count)), perché non c'è nulla da pagare:")
            for statement in statements.prefix(shown) {
                let why = statement.totalCents == 0 ? "totale zero"
                    : "credito di \(Money(cents: -statement.totalCents).italian), che passa al suo rendiconto del mese dopo"
                context.print(hinted: "- n. \(statement.id) \(statement.payerName) (\(statement.payerId)): \(why). "
                              + "Il dettaglio con \(CommandHint.server("billing", "show", arguments: [String(statement.id)]))")
            }
            if statements.count > shown {
                context.print(hinted: "- e altri \(statements.count - shown): l'elenco con "
                              + "\(CommandHint.server("billing", "statements", arguments: ["--period", period, "--status", "issued"]))")
            }
        }
    }
}
