import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension MealsCommand {
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send", abstract: "Compone e mette in posta in uscita i conteggi, le variazioni e i resoconti dovuti adesso."
        )

        @OptionGroup var database: DatabaseOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let kept = try queue.write { db in try CatererCounts.run(db, now: now) }
            for message in kept {
                context.printWrapped("\(message.siteId): \(message.kind.italian) (\(message.total)) "
                    + (message.recipient.map { "per \($0)" } ?? "tenuto, senza ditta a cui inviarlo") + ".", width: min(context.terminalWidth, 80))
            }
            context.print(hinted: kept.isEmpty ? "Nulla da inviare adesso." : "Da consegnare con \(CommandHint.server("outbox", "send")).")
        }
    }
}
