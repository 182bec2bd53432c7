import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server tax-statement`.
struct TaxStatementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tax-statement",
        abstract: "Attestazione annuale delle spese pagate, per la dichiarazione dei redditi (CSV o HTML da stampare)."
    )
    enum Format: String, CaseIterable, ArgumentValue { case csv, html }
    @OptionGroup var database: DatabaseOption
    @Option(valueName: "anno", help: "L'anno solare, es. 2026.")
    var year: Int
    @Option(valueName: "formato", help: "csv o html.")
    var format: Format = .csv
    @Option(valueName: "file", help: "Dove scrivere; «-» per lo standard output.")
    var output = "-"
    @Flag(help: "Stampa le righe in JSON.")
    var json = false

    mutating func validate() throws {
        guard (2000...2100).contains(year) else { throw ValidationError("--year «\(year)» non valido: indicare l'anno solare con quattro cifre, es. 2026.") }
    }

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let (rows, excesses, municipality) = try queue.read { db in
            (try TaxStatement.rows(db, year: year), try TaxStatement.excesses(db, year: year), try MasterDataStore.load(db).municipality)
        }
        if json { return try context.printJSON(rows) }
        guard let municipality else { throw BillingError.noMunicipality }
        let text = format == .csv ? TaxStatement.csv(rows, year: year)
            : TaxStatement.html(rows, excesses: excesses, year: year, municipality: municipality)
        try write(Data(text.utf8), to: output, context)
    }
}
