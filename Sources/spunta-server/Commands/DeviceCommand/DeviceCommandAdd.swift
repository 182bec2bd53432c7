import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

extension DeviceCommand {
    /// `device add`: a device for a role and scope, and its one-time code.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crea un dispositivo e il codice monouso da digitare su di esso (spunta enroll).",
            discussion: """
                Ambiti: class:ID per le insegnanti, route:ID per lo scuolabus, site:ID per la mensa.
                Esempio: spunta-server device add --db comune.sqlite --name "Mensa Rodari 1" --role canteen --scope site:S01
                """
        )

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "nome", help: "Nome del dispositivo, per riconoscerlo nell'elenco.")
        var name: String
        @Option(valueName: "ruolo", help: "teacher, bus o canteen.")
        var role: DeviceRole
        @Option(valueName: "tipo:id", help: "Ambito: class:ID, route:ID o site:ID.")
        var scope: [String]
        @OptionGroup var validity: CodeValidityOption
        @OptionGroup var actor: ActorOption
        @Flag(help: "Stampa in JSON.")
        var json = false

        mutating func validate() throws {
            for item in scope where ScopeItem(item) == nil {
                throw ValidationError("ambito «\(item)» non valido: usare class:ID, route:ID o site:ID.")
            }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let items = scope.compactMap(ScopeItem.init)
            let who = actor.name(context)
            let added = try queue.write { db in
                try DeviceRegistry.add(db, name: name, role: role, scope: items, validityHours: validity.hours, actor: who, now: context.now)
            }
            if json { return try context.printJSON(added) }
            context.print("Dispositivo \(added.deviceId) «\(added.name)» (\(role.italian), \(added.scope.joined(separator: ", "))).")
            context.print("Codice di registrazione: \(added.code)")
            context.print("Valido fino al \(ItalianTime.dateTime(stored: added.expiresAt)).")
            context.print("Sul dispositivo, con l'indirizzo del server al posto di URL:")
            context.print("  spunta enroll --server URL --code \(added.code)")
        }
    }
}
