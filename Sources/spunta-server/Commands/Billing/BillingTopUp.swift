import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct TopUp: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "topup", abstract: "Registra una ricarica del credito prepagato.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Option(valueName: "pagante", help: "Il pagante.")
        var payer: String
        @Option(valueName: "fruitore", help: "Il bambino.")
        var beneficiary: String
        @Option(valueName: "servizio", help: "Il servizio prepagato.")
        var service: String
        @Option(valueName: "euro", help: "Importo, es. 50.00.")
        var amount: String
        @Option(valueName: "metodo", help: "pagopa, bank, card, postal o cash (i contanti non sono detraibili).")
        var method = "pagopa"
        @Option(valueName: "AAAA-MM-GG", help: "Data del pagamento (predefinita oggi).")
        var date: String?

        mutating func validate() throws {
            guard Money(decimal: amount) != nil else { throw ValidationError("--amount «\(amount)» non valido: es. 50.00.") }
            guard PaymentImport.methods.contains(method) else { throw ValidationError("--method: \(PaymentImport.methods.sorted().joined(separator: ", ")).") }
            if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: usare AAAA-MM-GG (es. 2026-10-05).") }
        }

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            guard let money = Money(decimal: amount) else { return }
            let now = context.now
            let day = date.flatMap { LocalDate($0) } ?? BusinessCalendar.date(of: now)
            try queue.write { db in
                try PrepaidLedger.topUp(db, payer: payer, beneficiary: beneficiary, service: service, amount: money, date: day, method: method,
                                        source: "sportello", actor: who, now: now)
            }
            context.print("Ricarica di \(money.italian) registrata.")
        }
    }
}
