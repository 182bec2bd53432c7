import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server today`: today's numbers, as the status page shows them.
struct Today: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "I numeri di oggi: pasti serviti per plesso, corse aperte, bambini a bordo.")
    @OptionGroup var database: DatabaseOption
    @Flag(help: "Stampa in JSON.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let numbers = try queue.read { try AdminQueries.today($0, now: context.now) }
        if json { return try context.printJSON(numbers) }
        context.print("Oggi, \(LocalDate(numbers.date)?.italian ?? numbers.date): \(Counted.italian(numbers.mealsTotal, "pasto servito", "pasti serviti")), "
                      + "\(Counted.italian(numbers.ridesOpen, "corsa aperta", "corse aperte")), "
                      + "\(Counted.italian(numbers.childrenAboard, "bambino a bordo", "bambini a bordo")).")
        var table = TextTable(columns: [.init("Plesso"), .init("Nome"), .init("Pasti", alignment: .right)])
        for site in numbers.mealsBySite { table.addRow([site.siteId, site.name, String(site.meals)]) }
        context.print(table.render(width: context.terminalWidth))
    }
}
