import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

extension Conflicts {
    struct ListConflicts: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca i conflitti.")

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "stato", help: "open (da rivedere), resolved (risolti) o all.")
        var status = "open"
        @Option(valueName: "AAAA-MM-GG", help: "Solo questo giorno.")
        var date: String?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        mutating func validate() throws {
            guard ["open", "resolved", "all"].contains(status) else { throw ValidationError("--status: open, resolved o all.") }
            if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: usare AAAA-MM-GG (es. 2026-10-05).") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let (rows, settled) = try queue.write { db in
                // Rides that should have ended by now are checked before listing.
                try RideChecks.refresh(db, now: now)
                return (try AdminQueries.conflicts(db, status: status == "all" ? nil : status, date: date.flatMap { LocalDate($0) }),
                        try AdminQueries.settledConflictCount(db))
            }
            if json { return try context.printJSON(rows) }
            for c in rows {
                context.print("\(c.headline) (aperto il \(ItalianTime.dateTime(stored: c.openedAt)))")
                context.print("    \(c.summary)")
                if let resolution = c.resolutionItalian { context.print("    \(resolution)") }
            }
            let resolved = rows.filter(\.isResolved).count
            context.print(rows.isEmpty ? "Nessun conflitto." : Counted.italian(rows.count, "conflitto", "conflitti") + (resolved > 0 ? ", " + Counted.italian(resolved, "risolto", "risolti") + "." : "."))
            // The numbers that are missing from the list are not lost conflicts: said once, where the numbers are read.
            if settled > 0 {
                context.print(settled == 1
                    ? "1 conflitto risolto da registrazioni successive, prima di essere rivisto, non è elencato (il suo numero manca)."
                    : "\(settled) conflitti risolti da registrazioni successive, prima di essere rivisti, non sono elencati (i loro numeri mancano).")
            }
        }
    }
}
