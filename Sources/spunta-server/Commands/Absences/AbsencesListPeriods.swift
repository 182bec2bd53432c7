import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Absences {
    struct ListPeriods: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca i periodi di assenza registrati.")

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "bambino", help: "Solo questo bambino (codice o cognome).")
        var child: String?
        @Option(valueName: "AAAA-MM-GG", help: "Solo i periodi che comprendono questo giorno.")
        var date: String?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        mutating func validate() throws {
            if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: usare AAAA-MM-GG (es. 2026-10-05).") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let entries = try queue.read { db in
                try OfficeAbsences.list(db, beneficiary: try child.map { try OfficeAbsences.child(db, named: $0).id },
                                        covering: date.flatMap { LocalDate($0) })
            }
            if json { return try context.printJSON(entries) }
            for entry in entries {
                context.printWrapped("\(entry.opId): \(entry.italian)", width: context.terminalWidth, indent: "    ")
            }
            context.print(entries.isEmpty ? "Nessun periodo di assenza." : Counted.italian(entries.count, "periodo", "periodi") + ".")
        }
    }
}
