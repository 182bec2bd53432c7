import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

/// `spunta-server devices [list|thresholds|set-thresholds]`: the sync status of every device and the thresholds of
/// its state.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mostra lo stato di sincronizzazione di ogni dispositivo; soglie di controllo per ruolo.",
        subcommands: [ListDevices.self, Thresholds.self, SetThresholds.self],
        defaultSubcommand: ListDevices.self
    )
}
