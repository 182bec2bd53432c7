import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

/// `spunta-server device add|revoke`.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Registra un nuovo dispositivo o ne revoca uno smarrito.",
        subcommands: [Add.self, Revoke.self]
    )
}

extension DeviceRole: ArgumentValue {}
