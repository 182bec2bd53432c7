import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

extension DeviceCommand {
    /// `device revoke`.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoca un dispositivo: alla prossima richiesta viene rifiutato."
        )

        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "dispositivo", help: "Identificativo del dispositivo (es. D-0003).")
        var id: String
        @Option(valueName: "motivo", help: "Perché (resta nel registro di audit).")
        var reason = "revocato dall'amministratore"
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            try queue.write { db in try DeviceRegistry.revoke(db, id: id, reason: reason, actor: who, now: context.now) }
            context.print("Dispositivo \(id) revocato: alla prossima sincronizzazione sarà rifiutato.")
        }
    }
}
