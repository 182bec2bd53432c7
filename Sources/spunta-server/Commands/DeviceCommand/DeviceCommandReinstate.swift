import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

extension DeviceCommand {
    /// `device reinstate`: a revoked device let back with a new code, for the same handheld to enroll again in place.
    struct Reinstate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Riammette un dispositivo revocato (per errore, o ritrovato) con un nuovo codice di registrazione.",
            discussion: """
                La credenziale che il dispositivo aveva resta rifiutata. Sul dispositivo, nella sua cartella, \
                spunta enroll --code CODICE lo registra di nuovo con lo stesso identificativo: le registrazioni che \
                conserva vengono inviate (quelle già arrivate contano una volta sola) e i dati riscaricati. \
                Esempio: spunta-server device reinstate --db comune.sqlite D-0003 --reason "ritrovato"
                """
        )

        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "dispositivo", help: "Identificativo del dispositivo revocato (es. D-0003).")
        var id: String
        @Option(valueName: "motivo", help: "Perché (resta nel registro di audit).")
        var reason = "riammesso dall'amministratore"
        @OptionGroup var validity: CodeValidityOption
        @OptionGroup var actor: ActorOption
        @Flag(help: "Stampa in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            let (added, scope) = try queue.write { db in
                let added = try DeviceRegistry.reinstate(db, id: id, reason: reason, validityHours: validity.hours, actor: who, now: context.now)
                return (added, try ScopeWords(db).italian(stored: added.scope))
            }
            if json { return try context.printJSON(added) }
            let role = DeviceRole(rawValue: added.role)?.italian ?? added.role
            context.print("Dispositivo \(added.deviceId) «\(added.name)» (\(role), \(scope)) riammesso: "
                          + "la credenziale che aveva resta rifiutata.")
            context.print("Codice di registrazione: \(added.code)")
            context.print("Valido fino al \(ItalianTime.dateTime(stored: added.expiresAt)). Sul dispositivo, nella sua cartella "
                          + "(le registrazioni che conserva vengono inviate):")
            context.print("  spunta enroll --code \(added.code)")
            context.print("poi, se la sincronizzazione continua si era fermata alla revoca:")
            context.print("  systemctl --user restart spunta-sync")
        }
    }
}
