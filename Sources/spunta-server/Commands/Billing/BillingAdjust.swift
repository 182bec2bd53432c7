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
            discussion: """
                Il rendiconto si indica col numero, come in billing show (anche --statement N), oppure con --payer e --period. \
                Il motivo resta nella riga del rendiconto e nel registro di audit, con chi ha rettificato. Sono rifiutate, \
                senza cambiare nulla, una rettifica che porterebbe il rendiconto sotto zero e un aumento oltre il suo totale e \
                oltre \(StatementDesk.ordinaryIncrease.italian): quasi sempre un errore di battitura (-400 per -4.00). Se alla famiglia spetta davvero un credito \
                oltre il rendiconto, --carry-credit: il rendiconto, una volta emesso, non ha avviso e il credito passa al rendiconto \
                successivo del pagante. Un aumento grande voluto: --large-amount. Un pagamento fatto in più non è una rettifica: \
                si restituisce (payments refunds).
                Esempio: spunta-server billing adjust --db comune.sqlite 12 --amount -4.40 --reason "pasto non consumato, gita"
                """
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Argument(valueName: "numero", help: "Il rendiconto, come in billing show (oppure --statement, o --payer e --period).")
        var number: Int?
        @Option(valueName: "numero", help: "Il rendiconto, per gli script (come il numero senza opzione).")
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
        @Flag(help: "Lascia andare il rendiconto sotto zero: il credito passa al rendiconto successivo del pagante.")
        var carryCredit = false
        @Flag(help: "Conferma un aumento oltre il totale del rendiconto e oltre \(StatementDesk.ordinaryIncrease.italian).")
        var largeAmount = false

        /// The statement named by number, positional or `--statement`.
        private var numbered: Int? { number ?? statement }

        mutating func validate() throws {
            guard Money(decimal: amount, allowNegative: true) != nil else { throw ValidationError("--amount «\(amount)» non valido: es. -4.40.") }
            if let number, let statement, number != statement {
                throw ValidationError("rendiconto \(number) e --statement \(statement): indicarne uno solo. Nulla è stato rettificato.")
            }
            guard numbered != nil || (payer != nil && period.flatMap { BillingPeriod($0) } != nil) else {
                throw ValidationError("indicare il numero del rendiconto (come in billing show) oppure --payer e --period (AAAA-MM).")
            }
            // Both ways at once could name two statements (number 200 and P0003's of November): which one the
            // operator meant is not ours to guess, and the wrong family would be charged.
            guard numbered == nil || (payer == nil && period == nil) else {
                throw ValidationError("indicare il rendiconto in un modo solo: il numero oppure --payer e --period, non insieme. "
                    + "Nulla è stato rettificato.")
            }
        }

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            guard let money = Money(decimal: amount, allowNegative: true) else { return }
            let now = context.now
            let (id, total) = try queue.write { db -> (Int64, Int64) in
                let id = try numbered.map(Int64.init) ?? StatementDesk.find(db, payer: payer ?? "", period: BillingPeriod(period ?? "") ?? BillingPeriod(year: 2000, month: 1)!)
                try StatementDesk.adjust(db, statement: id, amount: money, reason: reason, beneficiary: beneficiary, carryCredit: carryCredit,
                                         largeAmount: largeAmount, actor: who, now: now)
                return (id, try StatementHeader.load(db, id: id)?.totalCents ?? 0)
            }
            context.print("Rendiconto \(id) rettificato di \(money.italian): totale ora \(Money(cents: total).italian)"
                          + (total < 0 ? ", credito che passa al rendiconto successivo del pagante." : "."))
        }
    }
}
