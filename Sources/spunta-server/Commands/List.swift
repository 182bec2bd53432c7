import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore

/// `spunta-server list`: what the database holds, to check an import.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Elenca plessi, classi, fruitori, linee o servizi presenti nell'archivio.",
        discussion: "Esempio: spunta-server list beneficiaries --db comune.sqlite --class S01-1A"
    )

    enum Entity: String, CaseIterable, ArgumentValue {
        case sites, classes, beneficiaries, routes, services
    }

    @Argument(valueName: "tipo", help: "sites, classes, beneficiaries, routes o services.")
    var entity: Entity
    @OptionGroup var database: DatabaseOption
    @Option(valueName: "plesso", help: "Solo questo plesso.")
    var site: String?
    @Option(name: "class", valueName: "classe", help: "Solo questa classe.")
    var schoolClass: String?
    @Option(valueName: "servizio", help: "Solo questo servizio.")
    var service: String?
    @Option(valueName: "linea", help: "Solo questa linea.")
    var route: String?
    @Option(valueName: "testo", help: "Cerca nel nome, cognome, codice fiscale o identificativo.")
    var search: String?
    @Flag(help: "Stampa in JSON (un array).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let listing = try queue.read { try MasterDataListing($0) }
        let filter = MasterDataListing.Filter(site: site, schoolClass: schoolClass, service: service, route: route, search: search)
        switch entity {
        case .sites:
            let rows = listing.sites(filter)
            if json { return try context.printJSON(rows) }
            var table = TextTable("Plesso", "Nome", "Classi", "Fruitori", "Servizi")
            for r in rows { table.addRow([r.id, r.name, String(r.classes), String(r.beneficiaries), r.services.joined(separator: ", ")]) }
            finish(context, table, count: rows.count, noun: "plessi")
        case .classes:
            let rows = listing.classes(filter)
            if json { return try context.printJSON(rows) }
            var table = TextTable("Classe", "Nome", "Plesso", "Alunni", "Insegnanti")
            for r in rows { table.addRow([r.id, r.name, r.siteId, String(r.beneficiaries), r.teachers.joined(separator: ", ")]) }
            finish(context, table, count: rows.count, noun: "classi")
        case .services:
            let rows = listing.services(filter)
            if json { return try context.printJSON(rows) }
            var table = TextTable("Servizio", "Nome", "Tipo", "Pagamento", "Addebito", "Iscritti")
            for r in rows {
                table.addRow([
                    r.id, r.name, Service.Kind(rawValue: r.kind)?.italian ?? r.kind, Service.BillingMode(rawValue: r.billingMode)?.italian ?? r.billingMode,
                    Service.ChargeBasis(rawValue: r.chargeBasis)?.italian ?? r.chargeBasis, String(r.enrolled),
                ])
            }
            finish(context, table, count: rows.count, noun: "servizi")
        case .routes:
            let rows = listing.routes(filter)
            if json { return try context.printJSON(rows) }
            for r in rows {
                context.print("\(r.id) — \(r.name) (\(r.enrolled) iscritti)")
                var table = TextTable("N.", "Fermata", "Nome", "Andata", "Ritorno", "Salgono", "Scendono")
                for s in r.stops {
                    table.addRow([String(s.position), s.id, s.name, s.outbound, s.return, String(s.boarding), String(s.alighting)])
                }
                context.print(table.render(width: context.terminalWidth))
            }
            context.print("\(rows.count) linee.")
        case .beneficiaries:
            let rows = listing.beneficiaries(filter)
            if json { return try context.printJSON(rows) }
            for r in rows {
                var membership = ""
                if let grade = r.grade { membership += " (\(grade)º anno)" }
                if let from = r.classFrom { membership += " dal \(from)" }
                if let to = r.classTo { membership += " al \(to)" }
                context.print("\(r.id)  \(r.surname) \(r.givenName)  \(r.fiscalCode)  nato/a il \(r.birthDate)  classe \(r.className ?? "-")\(membership)")
                for p in r.payers {
                    context.print("    pagante \(p.primary ? "principale " : "")\(p.id) \(p.name) \(p.fiscalCode)\(p.share.map { ", quota \($0)%" } ?? "")")
                }
                for e in r.enrollments {
                    var detail = "    iscritto a \(e.serviceName) dal \(e.startDate)"
                    if let end = e.endDate { detail += " al \(end)" }
                    if let site = e.siteId { detail += ", plesso \(site)" }
                    if let route = e.routeId { detail += ", linea \(route) (salita \(e.outboundStopId ?? "-"), discesa \(e.returnStopId ?? "-"))" }
                    if let diet = e.dietName { detail += ", dieta: \(diet)" }
                    if e.exemptionPercent > 0 { detail += ", esenzione \(e.exemptionPercent)%" }
                    context.print(detail)
                }
                for c in r.cards {
                    context.print("    tessera \(c.payload)\(c.revokedOn.map { " (revocata il \($0))" } ?? "")")
                }
            }
            context.print(Counted.italian(rows.count, "fruitore", "fruitori") + ".")
        }
    }

    private func finish(_ context: CommandContext, _ table: TextTable, count: Int, noun: String) {
        context.print(table.render(width: context.terminalWidth))
        context.print("\(count) \(noun).")
    }
}
