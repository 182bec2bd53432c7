import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct Notices: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rendiconti con avviso pagoPA da stampare (HTML, una pagina A4 per pagante).")
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "AAAA-MM", help: "Il mese.")
        var period: String
        @Option(valueName: "pagante", help: "Solo questo pagante.")
        var payer: String?
        @Option(valueName: "file", help: "Dove scrivere; «-» per lo standard output.")
        var output = "-"

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            guard let p = BillingPeriod(period) else { throw BillingError.invalidPeriod(period) }
            let html = try queue.read { db -> String in
                guard let municipality = try MasterDataStore.load(db).municipality else { throw BillingError.noMunicipality }
                return StatementHTML.render(try StatementDesk.statements(db, period: p, payer: payer, status: nil), municipality: municipality)
            }
            try write(Data(html.utf8), to: output, context)
        }
    }
}
