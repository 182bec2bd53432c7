import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Alerts {
    struct ListAlerts: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca gli avvisi dati, i più recenti per primi.")
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "ore", help: "Solo quelli delle ultime tante ore.")
        var hours: Int?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        mutating func validate() throws {
            if let hours, hours <= 0 { throw ValidationError("--hours «\(hours)» non valido: un numero di ore maggiore di zero.") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let since = hours.map { context.now.addingTimeInterval(-Double($0) * 3_600) }
            let alerts = try queue.read { try OfficeAlerts.list($0, since: since) }
            if json { return try context.printJSON(alerts) }
            for alert in alerts { Alerts.print(alert, context) }
            context.print(alerts.isEmpty ? "Nessun avviso." : Counted.italian(alerts.count, "avviso", "avvisi") + ".")
        }
    }
}
