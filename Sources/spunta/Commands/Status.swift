import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stato del dispositivo: registrazione, ultima sincronizzazione, registrazioni in attesa.",
        discussion: "Esce con 3 se il dispositivo non è in salute (per gli script di controllo)."
    )

    @OptionGroup var home: HomeOption
    @Flag(help: "Stampa in JSON.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let queue = try home.home(context).openOrEmpty()
        let now = context.deviceClock()
        let status = try queue.read { try DeviceReports.status($0, now: now) }
        if json {
            try context.printJSON(status)
        } else {
            for line in status.hintedLines(now: now) { context.printWrapped(hinted: line) }
        }
        if !status.healthy { throw ExitCode.notHealthy }
    }
}
