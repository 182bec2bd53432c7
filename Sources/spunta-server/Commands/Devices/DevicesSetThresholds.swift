import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

extension Devices {
    /// `devices set-thresholds`: changes the rule of one role, in the audit trail.
    struct SetThresholds: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-thresholds",
            abstract: "Cambia le soglie di controllo di un ruolo (resta nel registro di audit).",
            discussion: """
                --service-hours none: il ruolo non ha orario di servizio (vale solo --silent-hours).
                Esempio: spunta-server devices set-thresholds --db comune.sqlite --role bus --service-hours "07:00-09:00 13:00-16:30" \
                --silent-minutes 30
                """
        )

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "ruolo", help: "teacher, bus o canteen.")
        var role: DeviceRole
        @Option(name: "service-hours", valueName: "HH:MM-HH:MM …", help: "Fasce orarie di servizio, separate da spazi.")
        var serviceHours: String?
        @Option(name: "silent-minutes", valueName: "minuti", help: "Silenzio ammesso durante il servizio.")
        var silentMinutes: Int?
        @Option(name: "silent-hours", valueName: "ore", help: "Silenzio ammesso fuori servizio.")
        var silentHours: Int?
        @Option(name: "backlog-minutes", valueName: "minuti", help: "Attesa massima di una registrazione sul dispositivo.")
        var backlogMinutes: Int?
        @OptionGroup var actor: ActorOption

        var hours: ServiceHours? { serviceHours.flatMap { ServiceHours($0) } }

        mutating func validate() throws {
            if let serviceHours, ServiceHours(serviceHours) == nil {
                throw ValidationError("--service-hours «\(serviceHours)» non valido: fasce HH:MM-HH:MM separate da spazi, es. \"07:00-09:00 13:00-16:30\", o none.")
            }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            let change = HealthRule.Change(serviceHours: hours, silentMinutes: silentMinutes, silentHours: silentHours, backlogMinutes: backlogMinutes)
            let rule = try queue.write { db in try HealthRule.set(db, role: role, change, actor: who, now: context.now) }
            context.print("Soglie di \(role.italian): in servizio \(rule.serviceHours.italian), silenzioso dopo \(rule.silentMinutes) min in servizio "
                          + "e \(rule.silentHours) h altrimenti, registrazioni in attesa al massimo \(rule.backlogMinutes) min.")
        }
    }
}
