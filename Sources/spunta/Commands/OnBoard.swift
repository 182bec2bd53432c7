import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

struct OnBoard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "on-board",
        abstract: "Chi è sullo scuolabus adesso; a fine corsa, chi non è mai sceso.",
        discussion: """
            Per verso (andata, poi ritorno), in ordine di fermata di discesa, con il nome intero della fermata. \
            Su un dispositivo con una sola linea --route si può omettere.
            Esce con 3 se qualcuno è ancora a bordo a corsa finita: all'andata dopo l'arrivo a scuola (l'orario \
            dell'ultima fermata), al ritorno dopo l'ultima fermata, oppure dopo la chiusura della corsa (spunta ride, \
            «q»), o in un giorno passato.
            --json: un array di {beneficiary_id, name, class_name, school_name (solo se la classe da sola è ambigua \
            sulla linea), direction, boarded_at, expected_stop, overdue}.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Option(valueName: "linea", help: "La linea (se il dispositivo ne ha più di una).")
    var route: String?
    @Flag(help: "Stampa in JSON.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let route = try RidePlan.route(of: device, given: self.route)
        let now = context.deviceClock()
        let riders = try queue.read { try DeviceReports.onBoard($0, device: device, route: route, date: day.day(context), now: now) }
        if json {
            try context.printJSON(riders)
        } else if riders.isEmpty {
            context.printWrapped("Linea \(route): nessun bambino a bordo.")
        } else {
            context.printWrapped("Linea \(route): \(riders.count) a bordo", style: .bold)
            var direction: String?
            for r in riders {
                if r.direction != direction {
                    direction = r.direction
                    context.printWrapped(r.direction.prefix(1).uppercased() + r.direction.dropFirst() + ":", style: .bold)
                }
                let who = TerminalText.line(r.who)
                context.printWrapped((r.overdue ? "! " : "- ") + who + (r.overdue ? ": ANCORA A BORDO a corsa finita" : ""), indent: "    ")
                context.printWrapped(TerminalText.line("  a bordo da: \(r.boardedAt); scende a: \(r.expectedStop ?? "?")"), indent: "    ")
            }
        }
        if riders.contains(where: \.overdue) { throw ExitCode.notHealthy }
    }
}
