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

struct Meals: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pasti del giorno per la cucina: prenotati, assenti e serviti.",
        discussion: """
            Sul dispositivo della mensa: per plesso e classe, i totali per dieta di tutte le classi e i nomi dei \
            bambini con dieta speciale. Sul dispositivo dell'insegnante: il conto della sua classe (senza diete). \
            Prenotato è chi è iscritto e non risulta assente (o uscito) all'ora limite; chi ha già mangiato conta sempre.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Flag(help: "Stampa in JSON (un array: una riga per plesso, classe e dieta).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let date = day.day
        let lines = try queue.read { try DeviceReports.meals($0, device: device, date: date) }
        if json { return try context.printJSON(lines) }
        context.printWrapped("Pasti di \(date.weekdayName) \(date.italian)", style: .bold)
        if lines.isEmpty {
            context.printWrapped("Nessun pasto previsto: la mensa non è aperta in questo giorno o nessuno è iscritto.")
            return
        }
        if device.role == .teacher {
            printClassCounts(lines, context)
        } else {
            try printKitchen(lines, queue: queue, context)
        }
    }

    /// A teacher's own count, class by class.
    func printClassCounts(_ lines: [DeviceReports.MealLine], _ context: CommandContext) {
        for (schoolClass, group) in Dictionary(grouping: lines, by: \.schoolClass).sorted(by: { $0.key < $1.key }) {
            let sum = { (value: KeyPath<DeviceReports.MealLine, Int>) in group.reduce(0) { $0 + $1[keyPath: value] } }
            context.printWrapped("Classe \(schoolClass): iscritti alla mensa \(sum(\.enrolled))")
            context.printWrapped("Prenotati: \(sum(\.expected))" + (sum(\.unmarked) > 0 ? " (\(sum(\.unmarked)) ancora da segnare)" : ""))
            context.printWrapped("Assenti all'ora limite: \(sum(\.absent))")
            context.printWrapped("Serviti finora: \(sum(\.served))")
        }
    }

    /// The kitchen's sheet: per site the classes, then every diet across the classes with the children on it.
    func printKitchen(_ lines: [DeviceReports.MealLine], queue: DatabaseQueue, _ context: CommandContext) throws {
        let siteNames = try queue.read { db in
            Dictionary(try ReplicaStore(db).records(.sites, as: Site.self).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        }
        for (site, group) in Dictionary(grouping: lines, by: \.site).sorted(by: { $0.key < $1.key }) {
            context.printWrapped("Plesso \(site)" + (siteNames[site].map { " \($0)" } ?? ""), style: .bold)
            // Severe allergies first, by name, with what to do.
            let severe = group.flatMap(\.children).filter { $0.emergencyPlan != nil }.sorted { ($0.name, $0.beneficiaryId) < ($1.name, $1.beneficiaryId) }
            if !severe.isEmpty {
                context.printWrapped("ALLERGIE GRAVI:", style: .bold)
                for child in severe {
                    context.printWrapped("  - \(child.name) (\(child.schoolClass)): \(child.emergencyPlan ?? "")", indent: "    ", style: .bold)
                }
            }
            var table = TextTable(columns: [
                .init("Classe"), .init("Pren.", alignment: .right), .init("Ass.", alignment: .right), .init("Serv.", alignment: .right),
            ])
            for (schoolClass, byClass) in Dictionary(grouping: group, by: \.schoolClass).sorted(by: { $0.key < $1.key }) {
                table.addRow([schoolClass] + [\DeviceReports.MealLine.expected, \.absent, \.served].map { key in
                    String(byClass.reduce(0) { $0 + $1[keyPath: key] })
                })
            }
            context.print(table.render(width: CommandContext.handheldWidth))
            context.printWrapped("Per dieta, tutte le classi:")
            let byDiet = Dictionary(grouping: group, by: { $0.diet ?? DeviceReports.MealLine.normal })
            for (diet, dietLines) in byDiet.sorted(by: { ($0.key == DeviceReports.MealLine.normal ? 0 : 1, $0.key) < ($1.key == DeviceReports.MealLine.normal ? 0 : 1, $1.key) }) {
                let expected = dietLines.reduce(0) { $0 + $1.expected }, served = dietLines.reduce(0) { $0 + $1.served }
                let absent = dietLines.reduce(0) { $0 + $1.absent }
                let name = diet == DeviceReports.MealLine.normal ? "Senza dieta speciale" : diet
                context.printWrapped("\(name): \(Counted.italian(expected, "prenotato", "prenotati")), "
                    + Counted.italian(served, "servito", "serviti") + (absent > 0 ? ", " + Counted.italian(absent, "assente", "assenti") : ""))
                for child in dietLines.flatMap(\.children).sorted(by: { ($0.name, $0.beneficiaryId) < ($1.name, $1.beneficiaryId) }) {
                    let status = child.status == "served" ? "servito" : (child.status == "absent" ? "ASSENTE" : "da servire")
                    context.printWrapped("  - \(child.name) (\(child.schoolClass)): \(status)", indent: "    ")
                }
            }
            let expected = group.reduce(0) { $0 + $1.expected }, served = group.reduce(0) { $0 + $1.served }
            let special = group.filter(\.isSpecialDiet).reduce(0) { $0 + $1.expected }
            let absent = group.reduce(0) { $0 + $1.absent }
            context.printWrapped("Totale: \(Counted.italian(expected, "prenotato", "prenotati")) (\(special) con dieta speciale), "
                + "\(Counted.italian(absent, "assente", "assenti")), \(Counted.italian(served, "servito", "serviti")).")
        }
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
        let (described, inForce) = try queue.recording { db -> (String, String?) in
            let target = try number.map { try RecentOps.shown(db, number: $0) } ?? op ?? ""
            let (_, op) = try DeviceReports.void(db, device: device, opID: target, reason: reason, now: WallClock.now())
            // What the register says now: an earlier mark (this device's or the co-teacher's) is back in force, or none.
            guard op.type == .attendanceMarked, let child = op.body.beneficiaryId else { return (try RecentOps.describe(db, op), nil) }
            let inForce = try RollCall.markInForce(db, device: device, beneficiary: child, date: op.businessDate) ?? "nessun segno"
            return (try RecentOps.describe(db, op), inForce)
        }
        context.printWrapped("Annullata: \(described).")
        if let inForce { context.printWrapped("Ora vale: \(inForce).") }
    }
}
