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
            abstract: "Revoca un dispositivo: alla prossima richiesta viene rifiutato.",
            discussion: "Dice quale dispositivo ha revocato (nome, ruolo, ambito, ultima sincronizzazione) e come riammetterlo."
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
            let (revoked, scope) = try queue.write { db in
                let revoked = try DeviceRegistry.revoke(db, id: id, reason: reason, actor: who, now: context.now)
                return (revoked, try ScopeWords(db).italian(stored: revoked.scope))
            }
            let seen = revoked.lastSeenAt.map { stored -> String in
                let ago = UTCTime.date(stored).map { " (\(ItalianTime.ago(seconds: max(0, Int(context.now.timeIntervalSince($0))))))" } ?? ""
                return "ultima sincronizzazione \(ItalianTime.dateTime(stored: stored))\(ago)"
            } ?? "mai sincronizzato"
            context.print("Dispositivo \(revoked.id) revocato: «\(revoked.name)» (\(revoked.role.italian), "
                          + "\(scope)), \(seen). Alla prossima richiesta sarà rifiutato.")
            context.print(hinted: "Se non era questo il dispositivo da revocare, riammetterlo (riceverà un nuovo codice di registrazione) con "
                          + "\(CommandHint.server("device", "reinstate", arguments: [revoked.id])).")
        }
    }
}
