import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server outbox [send|retry]`.
struct Outbox: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Messaggi alle famiglie e avvisi all'ufficio: elenco, invio, nuovo tentativo.",
                                                    subcommands: [ListMessages.self, Send.self, Retry.self], defaultSubcommand: ListMessages.self)
}
