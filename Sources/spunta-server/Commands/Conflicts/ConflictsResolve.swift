import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

extension Conflicts {
    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chiude un conflitto con una nota; per un appello può fissare la presenza, per un orologio sbagliato il giorno, "
                + "per una corsa senza iscrizione se addebitarla.",
            discussion: """
                Esempi:
                spunta-server conflicts resolve 12 --db comune.sqlite --note "telefonato alla maestra" --set-status present
                spunta-server conflicts resolve 13 --db comune.sqlite --note "entrata alle 9" --set-status late_entry --set-time 09:00
                spunta-server conflicts resolve 14 --db comune.sqlite --note "la porta 2 era avanti di un giorno" --set-date 2026-11-30
                (--set-date con il giorno registrato lo conferma; con un altro giorno sposta lì il fatto.)
                spunta-server conflicts resolve 15 --db comune.sqlite --note "salito per errore, la famiglia paga" --bill
                (--bill per una corsa di un bambino non iscritto alla linea: senza, la corsa non è addebitata.)
                """
        )

        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "numero", help: "Il numero del conflitto (#…).")
        var id: Int
        @Option(valueName: "testo", help: "Come è stato risolto (resta nel registro di audit).")
        var note: String
        @Option(name: "set-status", valueName: "presenza", help: "present, absent, late_entry o early_exit.")
        var setStatus: AttendanceStatus?
        @Option(name: "set-time", valueName: "HH:MM", help: "Orario dell'entrata posticipata o dell'uscita anticipata.")
        var setTime: String?
        @Option(name: "set-date", valueName: "AAAA-MM-GG", help: "Orologio sbagliato: il giorno a cui il fatto appartiene.")
        var setDate: String?
        @Flag(help: "Per una corsa di un bambino non iscritto alla linea: addebitarla (senza, la corsa non è addebitata).")
        var bill = false
        @OptionGroup var actor: ActorOption

        mutating func validate() throws {
            if let setTime, LocalTime(setTime) == nil { throw ValidationError("--set-time «\(setTime)» non valido: HH:MM.") }
            if let setDate, LocalDate(setDate) == nil { throw ValidationError("--set-date «\(setDate)» non valida: usare AAAA-MM-GG (es. 2026-10-05).") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let who = actor.name(context)
            try queue.write { db in
                try AdminQueries.resolve(db, id: Int64(id), note: note, setStatus: setStatus, setTime: setTime.flatMap { LocalTime($0) },
                                         setDate: setDate.flatMap { LocalDate($0) }, bill: bill, actor: who, now: now)
            }
            context.print("Conflitto #\(id) risolto.")
        }
    }
}
