import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Billing {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Esporta gli avvisi emessi per l'intermediario pagoPA (CSV o JSON come GPD).")
        enum Format: String, CaseIterable, ArgumentValue { case csv, gpd }
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "AAAA-MM", help: "Il mese.")
        var period: String
        @Option(valueName: "formato", help: "csv oppure gpd (JSON delle posizioni debitorie).")
        var format: Format = .csv
        @Option(valueName: "file", help: "Dove scrivere; «-» per lo standard output.")
        var output = "-"

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            guard let p = BillingPeriod(period) else { throw BillingError.invalidPeriod(period) }
            let data = try queue.read { db in
                format == .csv ? Data(try NoticeExport.csv(db, period: p).utf8) : try NoticeExport.json(db, period: p) + Data("\n".utf8)
            }
            try write(data, to: output, context)
        }
    }
}
