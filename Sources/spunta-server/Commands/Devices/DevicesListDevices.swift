import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

extension Devices {
    struct ListDevices: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Mostra lo stato di sincronizzazione di ogni dispositivo.",
            discussion: """
                Stati: ok, da controllare (bloccato, orologio sbagliato, registrazioni ferme sul dispositivo), silenzioso \
                (nessun contatto oltre le soglie del ruolo, che mostra devices thresholds), revocato, da registrare. \
                Esce con 3 se un dispositivo è silenzioso o da controllare. Orari in ora italiana; --json in UTC.
                """
        )

        @OptionGroup var database: DatabaseOption
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let devices = try queue.read { try AdminQueries.devices($0, now: context.now) }
            if json {
                try context.printJSON(devices)
            } else {
                var table = TextTable(columns: [
                    .init("Disp."), .init("Nome", maxWidth: 28), .init("Ruolo"), .init("Ambito", maxWidth: 24), .init("Stato"),
                    .init("Visto"), .init("Op."), .init("Da inviare"), .init("Novità da scaricare", alignment: .right), .init("Orologio"),
                ])
                for d in devices {
                    table.addRow([
                        d.id, d.name, d.roleItalian, d.scopeWords.joined(separator: ", "), d.state.italian, d.seenItalian, d.opsItalian, d.pendingItalian,
                        String(d.cursorLag), d.clockItalian,
                    ])
                }
                context.print(table.render(width: max(context.terminalWidth, 132)))
                for d in devices where !d.notesItalian.isEmpty {
                    context.print("\(d.id) \(d.name): \(d.notesItalian).")
                }
                context.print(devices.stateSummaryItalian + ".")
            }
            let unhealthy = devices.filter { $0.state.isUnhealthy }
            if !unhealthy.isEmpty {
                if !json { context.printError("Da controllare: \(unhealthy.map(\.id).joined(separator: ", ")).") }
                throw ExitCode.notHealthy
            }
        }
    }
}
