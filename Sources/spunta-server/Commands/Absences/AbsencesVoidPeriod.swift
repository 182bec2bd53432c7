import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Absences {
    struct VoidPeriod: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "void", abstract: "Annulla un periodo di assenza (con il motivo).")

        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "numero", help: "Il periodo da annullare, come lo mostra absences list.")
        var id: String
        @Option(valueName: "motivo", help: "Perché si annulla (resta nel registro di audit).")
        var reason: String
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let who = actor.name(context)
            try queue.write { db in _ = try OfficeAbsences.void(db, opID: id, reason: reason, actor: who, now: now) }
            context.print("Periodo di assenza \(id) annullato.")
        }
    }
}
