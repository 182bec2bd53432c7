import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

/// `spunta-server admin-token`.
struct AdminTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token",
        abstract: "Crea la credenziale di amministratore per la pagina /admin e GET /v1/admin/status (sostituisce la precedente).",
        discussion: "Le sessioni della pagina /admin aperte con la credenziale precedente si chiudono subito."
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var actor: ActorOption

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let who = actor.name(context)
        let (token, ended) = try queue.write { db in try AdminToken.replace(db, actor: who, now: context.now) }
        context.print(token)
        context.printError("Conservarla: non verrà mostrata di nuovo (il server ne tiene solo l'impronta).")
        if ended > 0 {
            context.printError(ended == 1
                ? "1 sessione aperta con la credenziale precedente è stata chiusa: chi la usava accede di nuovo con questa."
                : "\(ended) sessioni aperte con la credenziale precedente sono state chiuse: chi le usava accede di nuovo con questa.")
        }
    }
}
