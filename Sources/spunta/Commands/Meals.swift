import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

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
        let date = day.day(context)
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
