import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

extension Devices {
    /// `devices thresholds`: the rules of each role.
    struct Thresholds: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mostra le soglie di controllo per ruolo: orario di servizio, silenzio ammesso, attesa delle registrazioni."
        )

        @OptionGroup var database: DatabaseOption
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let rules = try queue.read { try HealthRule.all($0) }
            let ordered = DeviceRole.allCases.compactMap { rules[$0] }
            if json { return try context.printJSON(ordered) }
            for rule in ordered {
                context.print("\(rule.role.italian) (\(rule.role.rawValue)): in servizio \(rule.serviceHours.italian) nei giorni dei suoi servizi; "
                              + "silenzioso dopo \(rule.silentMinutes) min in servizio, dopo \(rule.silentHours) h altrimenti; "
                              + "da controllare se una registrazione attende da più di \(rule.backlogMinutes) min. "
                              + "Cambiate il \(ItalianTime.dateTime(stored: rule.updatedAt)) da \(rule.updatedBy).")
            }
        }
    }
}
