import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Outbox {
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rimette in coda un messaggio fallito o dall'esito incerto.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Argument(valueName: "numero", help: "Il messaggio.")
        var id: Int

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let done = try queue.write { db in try MessageSender.retry(db, id: Int64(id), actor: who, now: now) }
            context.print(done ? "Messaggio \(id) rimesso in coda." : "Il messaggio \(id) non è fallito né incerto: nulla da fare.")
        }
    }
}
