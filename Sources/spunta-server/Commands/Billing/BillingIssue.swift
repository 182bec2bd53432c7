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
            guard !outcome.held.isEmpty else { return }
            let count = Set(outcome.held.map(\.statementId)).count
            context.print("Rendiconti trattenuti: \(count). Non sono emessi finché non si decide il giorno di fatti registrati con l'orologio sbagliato:")
            for hold in outcome.held {
                context.print(hinted: "- n. \(hold.statementId) \(hold.payerName) (\(hold.payerId)): \(hold.hint)")
            }
        }
    }
}
