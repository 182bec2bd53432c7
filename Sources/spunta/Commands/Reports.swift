import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol

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

struct Meals: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pasti del giorno per plesso, classe e dieta, per la cucina."
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Flag(help: "Stampa in JSON.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let lines = try queue.read { try DeviceReports.meals($0, device: device, date: day.day) }
        if json { return try context.printJSON(lines) }
        context.print(context.standardOutput.styled("Pasti del \(day.day.italian)", .bold))
        var table = TextTable(columns: [
            .init("Classe", maxWidth: 14), .init("Dieta", maxWidth: 12), .init("Pren.", alignment: .right), .init("Serv.", alignment: .right),
        ])
        var site = ""
        for line in lines {
            if line.site != site {
                if !table.rows.isEmpty { context.print(table.render(width: 40)) }
                table = TextTable(columns: table.columns)
                site = line.site
                context.print("Plesso \(site)")
            }
            table.addRow([line.schoolClass, line.diet, String(line.expected), String(line.served)])
        }
        if !table.rows.isEmpty { context.print(table.render(width: 40)) }
        let expected = lines.reduce(0) { $0 + $1.expected }, served = lines.reduce(0) { $0 + $1.served }
        let special = lines.filter { $0.diet != "normale" }.reduce(0) { $0 + $1.expected }
        context.print("Totale: \(expected) prenotati (\(special) diete), \(served) serviti.")
    }
}

struct Void: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Annulla l'ultima registrazione (o quella indicata) con un motivo."
    )

    @OptionGroup var home: HomeOption
    @Option(valueName: "id", help: "La registrazione da annullare (predefinita l'ultima).")
    var op: String?
    @Option(valueName: "motivo", help: "Perché si annulla.")
    var reason: String

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let result = try queue.recording { db in try DeviceReports.void(db, device: device, opID: op, reason: reason, now: WallClock.now()) }
        let subject = try queue.read { db in try result.target.body.beneficiaryId.flatMap { try ReplicaStore(db).beneficiary($0)?.fullName } }
        context.print("Annullata: \(result.target.type.italian)\(subject.map { " di \($0)" } ?? "") del \(result.target.businessDate.italian).")
    }
}
