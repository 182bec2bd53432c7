import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server payments import`.
struct Payments: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pagamenti ricevuti: riconciliazione degli avvisi e ricariche.",
                                                    subcommands: [ImportPayments.self, Refunds.self])
}
