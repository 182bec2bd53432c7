import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Absences {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Registra un periodo di assenza per un bambino della sua classe.",
            discussion: """
                Il bambino si indica con il suo codice o con l'inizio del cognome. I dispositivi della classe e della mensa \
                ricevono il periodo alla sincronizzazione.
                Esempio: spunta-server absences add --db comune.sqlite --child Coppola --from 2026-12-02 --to 2026-12-04 \
                --reason "ricovero" --actor "Maria Rossi"
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
}
