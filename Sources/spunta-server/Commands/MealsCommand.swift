import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server meals`: the meals to prepare per site, as the caterer receives them, and what was sent.
struct MealsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meals",
        abstract: "Pasti da preparare per plesso (per classe e per dieta), come li riceve la ditta, e cosa le è stato inviato.",
        discussion: """
            I numeri sono quelli di adesso: iscritti meno assenti nei registri sincronizzati meno i periodi di assenza. \
            Il conteggio parte da sé all'orario di cut-off di ogni plesso mentre gira spunta-server serve; \
            spunta-server meals send invia subito quello che è dovuto (per chi preferisce cron).
            """,
        subcommands: [Show.self, Send.self],
        defaultSubcommand: Show.self
    )

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
            if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: AAAA-MM-GG.") }
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

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send", abstract: "Compone e mette in posta in uscita i conteggi, le variazioni e i resoconti dovuti adesso."
        )

        @OptionGroup var database: DatabaseOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let kept = try queue.write { db in try CatererCounts.run(db, now: now) }
            for message in kept {
                context.printWrapped("\(message.siteId): \(message.kind.italian) (\(message.total)) "
                    + (message.recipient.map { "per \($0)" } ?? "tenuto, senza ditta a cui inviarlo") + ".", width: min(context.terminalWidth, 80))
            }
            context.print(kept.isEmpty ? "Nulla da inviare adesso." : "Da consegnare con spunta-server outbox send.")
        }
    }
}
