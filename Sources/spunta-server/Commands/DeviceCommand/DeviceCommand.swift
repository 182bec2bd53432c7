import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

/// `spunta-server device add|revoke|reinstate`.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Registra un nuovo dispositivo, ne revoca uno smarrito o riammette uno revocato.",
        subcommands: [Add.self, Revoke.self, Reinstate.self]
    )
}

extension DeviceRole: ArgumentValue {}
