import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Alerts {
    struct RemoveRecipient: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-recipient", abstract: "Toglie un destinatario degli avvisi (resta nel registro di audit)."
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var recipient: RecipientOption
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            try queue.write { db in
                try AlertRecipients.remove(db, channel: recipient.channel, address: recipient.address, actor: who, now: context.now)
            }
            context.print("\(recipient.address) non riceverà più gli avvisi.")
        }
    }
}
