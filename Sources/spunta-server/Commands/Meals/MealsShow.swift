import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension MealsCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Mostra i pasti di un giorno per plesso.")

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "AAAA-MM-GG", help: "Il giorno (predefinito oggi).")
        var date: String?
        @Option(valueName: "plesso", help: "Solo questo plesso.")
        var site: String?
        @Flag(help: "Stampa in JSON (un array, un oggetto per plesso).")
        var json = false

        mutating func validate() throws {
            if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: usare AAAA-MM-GG (es. 2026-10-05).") }
        }

        func run(_ context: CommandContext) async throws {
            let day = date.flatMap { LocalDate($0) } ?? BusinessCalendar.date(of: context.now)
            let queue = try ServerDatabase.open(path: database.path)
            let sites = try queue.read { db in try CatererCounts.report(db, date: day, site: site) }
            if json { return try context.printJSON(sites) }
            let width = min(context.terminalWidth, 80)
            guard !sites.isEmpty else {
                return context.printWrapped("Nessun pasto il \(day.italian)" + (site.map { " nel plesso \($0)" } ?? "")
                    + ": mensa chiusa quel giorno o plesso senza mensa.", width: width)
            }
            for (index, meals) in sites.enumerated() {
                if index > 0 { context.print() }
                context.printWrapped("\(meals.count.siteName) (\(meals.count.siteId)) — \(day.weekdayName) \(day.italian)", width: width, style: .bold)
                context.printWrapped("Ditta: \(meals.caterer ?? "nessuna nell'anagrafica"); inviato: \(meals.sentItalian).", width: width)
                for line in MealCountText.lines(meals.count) {
                    let lead = String(line.prefix { $0 == " " })
                    context.printWrapped(line, width: width, indent: lead + "    ")
                }
                context.printWrapped("Pasti serviti finora: \(meals.served).", width: width)
            }
        }
    }
}
