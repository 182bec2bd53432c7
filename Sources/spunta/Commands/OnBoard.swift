import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

struct OnBoard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "on-board",
        abstract: "Chi è sullo scuolabus adesso; a fine corsa, chi non è mai sceso."
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Option(valueName: "linea", help: "La linea.")
    var route: String
    @Flag(help: "Stampa in JSON.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let riders = try queue.read { try DeviceReports.onBoard($0, device: device, route: route, date: day.day) }
        if json { return try context.printJSON(riders) }
        if riders.isEmpty {
            context.print("Linea \(route): nessun bambino a bordo.")
            return
        }
        context.print(context.standardOutput.styled("Linea \(route): \(riders.count) a bordo", .bold))
        for r in riders {
            context.print(TextWidth.truncate(TerminalText.line("\(r.direction) \(r.name)"), to: 40))
            context.print(TextWidth.truncate(TerminalText.line("  salito: \(r.boardedAt); scende: \(r.expectedStop ?? "?")"), to: 40))
        }
    }
}
