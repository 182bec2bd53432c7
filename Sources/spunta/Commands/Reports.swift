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
        abstract: "Annulla una registrazione scelta dall'elenco di spunta recent (o indicata con --op), con un motivo.",
        discussion: """
            Prima spunta recent, che numera le ultime registrazioni (1 = la più recente); poi spunta void N --reason «…». \
            Il numero è quello dell'elenco mostrato: una lettura fatta nel frattempo non lo sposta. Senza N né --op non \
            annulla nulla. Subito dopo una lettura, dentro spunta scan basta «-».
            """
    )

    @OptionGroup var home: HomeOption
    @Argument(valueName: "N", help: "Il numero nell'ultimo elenco di spunta recent.")
    var number: Int?
    @Option(valueName: "id", help: "La registrazione da annullare, per identificativo (anche solo l'inizio).")
    var op: String?
    @Option(valueName: "motivo", help: "Perché si annulla.")
    var reason: String

    mutating func validate() throws {
        switch (number, op) {
        case (nil, nil):
            throw ValidationError("indicare cosa annullare: spunta recent elenca le ultime registrazioni con un numero, poi spunta void N --reason «…».")
        case (.some, .some):
            throw ValidationError("indicare il numero oppure --op, non entrambi.")
        case (let n?, nil) where n < 1:
            throw ValidationError("il numero \(n) non è valido: i numeri di spunta recent partono da 1.")
        default:
            break
        }
    }

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let described = try queue.recording { db -> String in
            let target = try number.map { try RecentOps.shown(db, number: $0) } ?? op ?? ""
            let (_, op) = try DeviceReports.void(db, device: device, opID: target, reason: reason, now: WallClock.now())
            return try RecentOps.describe(db, op)
        }
        for line in TextWidth.wrap("Annullata: \(described).", width: 40, lead: "", indent: 2) { context.print(line) }
    }
}
