import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol

/// `spunta ride`: the bus attendant's ride, stop by stop, with the end-of-ride check.
struct RideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ride",
        abstract: "La corsa dello scuolabus: fermata per fermata, chi sale, chi scende, chi manca; a fine corsa chi è a bordo.",
        discussion: """
            Su un dispositivo con una sola linea basta spunta ride. Il verso segue l'ora (ora di Roma): prima di \
            mezzogiorno andata (verso scuola), dopo ritorno; «v» lo cambia.
            Le fermate sono numerate nell'ordine della corsa; all'andata le scuole sono le ultime, al ritorno le prime \
            (una per scuola se la linea ne serve più di una).
            Ogni tessera letta fa salire il bambino, o scendere se è a bordo; per nome: «?cognome» cerca, «=cognome» \
            (o «=CODICE») registra. Un bambino non iscritto alla linea, alla fermata sbagliata o sceso alla scuola \
            sbagliata viene registrato comunque, con l'avviso intero.
            «>» (o «+») fermata dopo, «<» fermata prima, un numero o «@nome» (l'inizio del nome, senza accenti) va a \
            quella fermata; partendo da una fermata si vede chi mancava. «#» chi è a bordo; «-» annulla l'ultima riga \
            mostrata dopo una domanda con il nome (s o n).
            Il giorno (--date, predefinito oggi) non può essere futuro né fuori dalle date del servizio; fine \
            settimana, festività e giorni di chiusura sono rifiutati senza --force. La corsa resta del giorno in cui \
            è partita anche passata la mezzanotte (lo dice una volta): salite, discese e chiusura valgono per quel \
            giorno e chi è ancora a bordo resta in elenco; per una corsa del nuovo giorno chiuderla e riaprire.
            «q» chiude la corsa: se qualcuno è ancora a bordo chiede conferma nominandolo (s o n); la chiusura è \
            salvata subito e, appena il dispositivo sincronizza, l'ufficio riceve l'avviso per ogni bambino rimasto a \
            bordo. Su un dispositivo revocato la corsa funziona ma nulla arriva all'ufficio: lo dice all'inizio e alla \
            chiusura, e chi è rimasto a bordo va segnalato per telefono. Senza «q» (fine dell'ingresso, Ctrl-C) la corsa resta aperta.
            Risultati --json (uno per riga): quelli delle letture (ok, duplicate, unknown_card, revoked_card, \
            not_enrolled, wrong_stop, wrong_school, invalid_payload, candidates (already: aboard o alighted), error, confirm, \
            voided, not_voided, clock_wrong, device_revoked; op_type dice boarding o alighting) e quelli della corsa: stop (la fermata, con \
            boarding, alighting, missing, aboard), progress (dopo ogni lettura registrata: chi manca ancora qui), left_stop (partiti senza qualcuno o con qualcuno che doveva \
            scendere), stop_choice (fermata sconosciuta o ambigua, con candidates), aboard («#»), confirm_close \
            (la domanda), ride_closed (registrata, con aboard e op_id), not_closed.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Option(valueName: "linea", help: "La linea (se il dispositivo ne ha più di una).")
    var route: String?
    @Option(valueName: "verso", help: "outbound (andata) o return (ritorno); predefinito secondo l'ora.")
    var direction: Direction?
    @Flag(help: "Apre la corsa anche in un giorno senza servizio (fine settimana, festività, chiusura).")
    var force = false
    @Flag(help: "Una riga JSON per risposta.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let route = try RidePlan.route(of: device, given: self.route)
        let session = try RideSession(queue: queue, device: device, route: route, direction: direction, date: day.given,
                                      allowsClosedDay: force, clock: context.deviceClock)
        let out = context.standardOutput
        let input = context.standardInput
        // What the scanner types is not printed over the answers; put back at the end, and on Ctrl-C or SIGTERM.
        let quiet = input.isTerminal ? input.fileDescriptor.flatMap { try? RawMode.disableEcho(fileDescriptor: $0) } : nil
        defer { quiet?.restore() }
        let screen = !json && out.isTerminal
        let printer = RidePrinter(output: out, width: { out.isTerminal ? Terminal.width() : CommandContext.handheldWidth }, command: context.words)
        let echo = ScanPrinter(output: out, width: { out.isTerminal ? Terminal.width() : CommandContext.handheldWidth }, command: context.words)
        if !json {
            let plan = try session.plan
            printer.banner("\(plan.title), \(session.date.italian).")
        }
        // Before the first line: on a revoked device the ride works but nothing reaches the office.
        for warning in [session.revocationCheck(), session.clockCheck()].compactMap({ $0 }) {
            if json { try context.printJSON(warning) } else { printer.print(warning) }
        }
        try show(session.current(), printer, context)
        reading: while let line = input.readLine() {
            if screen && quiet != nil { echo.typed(line) }
            for reply in session.handle(line) {
                if case .end = reply { break reading }
                try show(reply, printer, context)
            }
            if session.isClosed { break }
        }
        if !session.isClosed && !json {
            printer.notice("Corsa non chiusa: per chiuderla riaprire spunta ride e usare «q».")
        }
    }

    func show(_ reply: RideSession.Reply, _ printer: RidePrinter, _ context: CommandContext) throws {
        switch reply {
        case .scan(let outcome): if json { try context.printJSON(outcome) } else { printer.print(outcome) }
        case .ride(let event): if json { try context.printJSON(event) } else { printer.print(event) }
        case .end: break
        }
    }
}
