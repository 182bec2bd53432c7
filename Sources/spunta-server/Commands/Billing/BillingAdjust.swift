import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct Adjust: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rettifica un rendiconto in bozza (importo positivo o negativo) con il motivo.",
            discussion: "Esempio: spunta-server billing adjust --db comune.sqlite --statement 12 --amount -4.40 --reason \"pasto non consumato, gita\""
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Option(valueName: "numero", help: "Il rendiconto (oppure --payer e --period).")
        var statement: Int?
        @Option(valueName: "pagante", help: "Il pagante.")
        var payer: String?
        @Option(valueName: "AAAA-MM", help: "Il mese.")
        var period: String?
        @Option(valueName: "euro", help: "Importo della rettifica, es. -4.40 o 10.00.")
        var amount: String
        @Option(valueName: "motivo", help: "Perché (resta nel rendiconto e nel registro di audit).")
        var reason: String
        @Option(valueName: "fruitore", help: "Il bambino a cui si riferisce.")
        var beneficiary: String?

        mutating func validate() throws {
            guard Money(decimal: amount, allowNegative: true) != nil else { throw ValidationError("--amount «\(amount)» non valido: es. -4.40.") }
            guard statement != nil || (payer != nil && period.flatMap { BillingPeriod($0) } != nil) else {
                throw ValidationError("indicare --statement oppure --payer e --period (AAAA-MM).")
            }
            // Both ways at once could name two statements (number 200 and P0003's of November): which one the
            // operator meant is not ours to guess, and the wrong family would be charged.
            guard statement == nil || (payer == nil && period == nil) else {
                throw ValidationError("indicare il rendiconto in un modo solo: --statement oppure --payer e --period, non insieme. "
                    + "Nulla è stato rettificato.")
            }
        }

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            guard let money = Money(decimal: amount, allowNegative: true) else { return }
            let now = context.now
            let id = try queue.write { db -> Int64 in
                let id = try statement.map(Int64.init) ?? StatementDesk.find(db, payer: payer ?? "", period: BillingPeriod(period ?? "") ?? BillingPeriod(year: 2000, month: 1)!)
                try StatementDesk.adjust(db, statement: id, amount: money, reason: reason, beneficiary: beneficiary, actor: who, now: now)
                return id
            }
            context.print("Rendiconto \(id) rettificato di \(money.italian).")
        }
    }
}
