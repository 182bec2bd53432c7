import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Alerts {
    struct Settings: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Cambia dopo quante ore un conflitto aperto è segnalato all'ufficio (resta nel registro di audit)."
        )
        @OptionGroup var database: DatabaseOption
        @Option(name: "conflict-hours", valueName: "ore", help: "Ore dopo cui un conflitto ancora aperto è segnalato.")
        var conflictHours: Int
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            try queue.write { db in try MonitoringSettings.setConflictAlertHours(db, conflictHours, actor: who, now: context.now) }
            context.print("I conflitti aperti da più di \(conflictHours) ore saranno segnalati all'ufficio.")
        }
    }
}
