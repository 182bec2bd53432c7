import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol

/// `spunta scan`: one scan per line on standard input, one answer per scan, each recorded before it is shown.
struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Legge le tessere (una per riga, come le scrive il lettore) e risponde subito a ognuna.",
        discussion: """
            Mensa: spunta scan --service canteen
            Scuolabus: spunta scan --service transport --route L1 --stop L1-03 --direction outbound --boarding
            A scuola: --stop school (discesa al mattino, salita al pomeriggio).
            Senza tessera: «?cognome» cerca il bambino, «=CODICE» lo registra per nome.
            «-» annulla l'ultima riga mostrata, dopo una domanda con il nome del bambino (rispondere s o n); per una \
            lettura precedente: spunta recent e spunta void N.
            Mensa: «#» mostra serviti e previsti per classe; «q» o la fine dell'ingresso chiude con il riepilogo \
            del giorno servito (e, passata la mezzanotte, anche del nuovo se vi è registrato qualcosa). Alla \
            mensa prepagata si vede il credito di ogni bambino all'ultima sincronizzazione.
            Senza --date vale il giorno di oggi e, passata la mezzanotte, quello nuovo (lo dice); con --date resta \
            sempre quel giorno. Il nuovo giorno è controllato come all'inizio, ma --force valeva solo per il giorno \
            d'inizio: se il servizio quel giorno non c'è, ogni lettura è rifiutata (not_service_day) e nulla è \
            registrato; chiudere con q e riaprire, con --force solo se il servizio c'è davvero.
            Il giorno (--date, predefinito oggi) non può essere futuro né fuori dalle date del servizio; fine \
            settimana, festività e giorni di chiusura (la mensa che non serve pasti, la linea che non viaggia) sono \
            rifiutati senza --force, prima di registrare qualsiasi lettura.
            Da terminale le letture non compaiono a video: solo le risposte.
            Risultati --json (uno per riga): ok, duplicate, unknown_card, revoked_card, not_enrolled, wrong_stop, wrong_school, \
            invalid_payload, candidates (already: served, aboard o alighted per chi è già servito, a bordo o sceso), \
            error, confirm, voided, not_voided, new_day, not_service_day (reason: not_service_day o outside_service), clock_wrong (all'inizio, se \
            l'ultima sincronizzazione ha trovato l'orologio sbagliato), device_revoked (all'inizio, se il dispositivo è stato revocato: \
            le letture restano sul dispositivo); avvisi in warnings \
            (absent_today, left_early, low_credit, negative_credit); count per «#» e summary alla fine.
            """
    )

    enum ServiceKind: String, CaseIterable, ArgumentValue {
        case canteen, transport
    }

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Option(valueName: "servizio", help: "canteen (mensa) o transport (scuolabus).")
    var service: ServiceKind
    @Option(valueName: "linea", help: "Linea dello scuolabus.")
    var route: String?
    @Option(valueName: "fermata", help: "Fermata dove si è (o school).")
    var stop: String?
    @Option(valueName: "verso", help: "outbound (andata) o return (ritorno).")
    var direction: Direction?
    @Flag(help: "Salite (predefinito sullo scuolabus).")
    var boarding = false
    @Flag(help: "Discese.")
    var alighting = false
    @Flag(help: "Una riga JSON per lettura.")
    var json = false
    @Flag(help: "Legge anche in un giorno senza servizio (fine settimana, festività, chiusura).")
    var force = false

    mutating func validate() throws {
        if service == .transport {
            guard route != nil, stop != nil, direction != nil else {
                throw ValidationError("per lo scuolabus servono --route, --stop e --direction.")
            }
            if boarding && alighting { throw ValidationError("scegliere --boarding oppure --alighting, non entrambi.") }
        } else if route != nil || stop != nil || direction != nil || boarding || alighting {
            throw ValidationError("--route, --stop, --direction, --boarding e --alighting valgono solo per --service transport.")
        }
    }

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let place: ScanSetup.Place
        if service == .canteen {
            place = .canteen
        } else if let route, let stop, let direction {
            place = .bus(route: route, stop: stop, direction: direction, boarding: !alighting)
        } else {
            return
        }
        // The day is checked before anything is shown or recorded, by the ride's rule.
        let clock = context.deviceClock
        let today = BusinessCalendar.date(of: clock())
        try queue.read { db in
            try ServiceDay.requireScanDay(db, device: device, place: place, on: day.given ?? today, today: today, allowsClosedDay: force)
        }
        let session = try ScanSession(queue: queue, device: device, place: place, date: day.given, clock: clock)
        let out = context.standardOutput
        let input = context.standardInput
        // What the scanner types is not printed over the answers; put back at the end, and on Ctrl-C or SIGTERM.
        let quiet = input.isTerminal ? input.fileDescriptor.flatMap { try? RawMode.disableEcho(fileDescriptor: $0) } : nil
        defer { quiet?.restore() }
        let screen = !json && out.isTerminal
        let printer = ScanPrinter(output: out, width: { out.isTerminal ? Terminal.width() : 40 }, command: context.words)
        if screen {
            // The door's school by its name, as on the children's cards; its code only if the replica lacks it.
            let sites = try queue.read { db in
                try device.siteIDs.map { try ReplicaStore(db).record(.sites, $0, as: Site.self)?.name ?? $0 }
            }
            printer.banner(Self.banner(place, sites: sites, date: session.date), canteen: service == .canteen)
        }
        // Before the first line: a revoked device's scans stay on it, and the worker must know.
        for warning in [session.revocationCheck(), session.clockCheck()].compactMap({ $0 }) {
            if json { try context.printJSON(warning) } else { printer.print(warning) }
        }
        reading: while let line = input.readLine() {
            if screen && quiet != nil { printer.typed(line) }
            for reply in session.handle(line) {
                switch reply {
                case .outcome(let outcome):
                    if json { try context.printJSON(outcome) } else { printer.print(outcome) }
                    if screen, Self.counts(outcome), let count = session.count() { printer.status(count, classOf: outcome) }
                case .count(let count):
                    if json { try context.printJSON(count) } else { printer.print(count) }
                case .end:
                    break reading
                }
            }
        }
        // The day(s) the door served, not the clock's: a door closed after midnight sums up the evening it was open.
        for summary in session.summaries() {
            if json { try context.printJSON(summary) } else { printer.print(summary) }
        }
    }

    /// Whether the running count follows this answer: after a scan or a cancellation, not after a question.
    static func counts(_ outcome: ScanOutcome) -> Bool {
        switch outcome.result {
        case .ok, .duplicate, .unknownCard, .revokedCard, .notEnrolled, .wrongStop, .wrongSchool, .invalidPayload, .voided: return true
        case .candidates, .error, .confirm, .notVoided, .newDay, .clockWrong, .deviceRevoked, .notServiceDay: return false
        }
    }

    static func banner(_ place: ScanSetup.Place, sites: [String], date: LocalDate) -> String {
        switch place {
        case .canteen: return "Mensa \(sites.joined(separator: ", ")), \(date.italian): leggere le tessere."
        case .bus(let route, let stop, let direction, let boarding):
            return "Linea \(route) \(direction.italian) \(stop), \(date.italian): \(boarding == false ? "discese" : "salite")."
        }
    }
}

extension Direction: ArgumentValue {}
