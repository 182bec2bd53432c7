import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server absences add|list|void`: absence periods entered or cancelled at the office.
struct Absences: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Periodi di assenza: un bambino sarà assente per uno o più giorni (registro, conteggio pasti, addebiti).",
        subcommands: [Add.self, ListPeriods.self, VoidPeriod.self],
        defaultSubcommand: ListPeriods.self
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Registra un periodo di assenza per un bambino della sua classe.",
            discussion: """
                Esempio: spunta-server absences add --db comune.sqlite --child Coppola --from 2026-12-02 --to 2026-12-04 \
                --reason "ricovero" --actor "Maria Rossi". Il bambino per codice o per l'inizio del cognome. I dispositivi \
                della classe e della mensa lo ricevono alla sincronizzazione.
                """
        )

        @OptionGroup var database: DatabaseOption
        @OptionGroup var period: AbsencePeriodOptions
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            guard let (first, last) = period.days else { return }
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let who = actor.name(context)
            let entry = try queue.write { db -> OfficeAbsences.Entry? in
                let id = try OfficeAbsences.add(db, child: period.child, from: first, to: last, reason: period.reason, actor: who, now: now)
                return try OfficeAbsences.list(db).first { $0.opId == id }
            }
            context.printWrapped("Periodo di assenza registrato (\(entry?.opId ?? "")): \(entry?.italian ?? "")", width: context.terminalWidth, indent: "    ")
        }
    }

    struct ListPeriods: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca i periodi di assenza registrati.")

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "bambino", help: "Solo questo bambino (codice o cognome).")
        var child: String?
        @Option(valueName: "AAAA-MM-GG", help: "Solo i periodi che comprendono questo giorno.")
        var date: String?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        mutating func validate() throws {
            if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: AAAA-MM-GG.") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let entries = try queue.read { db in
                try OfficeAbsences.list(db, beneficiary: try child.map { try OfficeAbsences.child(db, named: $0).id },
                                        covering: date.flatMap { LocalDate($0) })
            }
            if json { return try context.printJSON(entries) }
            for entry in entries {
                context.printWrapped("\(entry.opId): \(entry.italian)", width: context.terminalWidth, indent: "    ")
            }
            context.print(entries.isEmpty ? "Nessun periodo di assenza." : Counted.italian(entries.count, "periodo", "periodi") + ".")
        }
    }

    struct VoidPeriod: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "void", abstract: "Annulla un periodo di assenza (con il motivo).")

        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "numero", help: "Il periodo da annullare, come lo mostra absences list.")
        var id: String
        @Option(valueName: "motivo", help: "Perché si annulla (resta nel registro di audit).")
        var reason: String
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let who = actor.name(context)
            try queue.write { db in _ = try OfficeAbsences.void(db, opID: id, reason: reason, actor: who, now: now) }
            context.print("Periodo di assenza \(id) annullato.")
        }
    }
}
