import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol

/// `spunta roll-call`: the register of a class.
struct RollCallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roll-call",
        abstract: "Appello della classe: interattivo, oppure in un colpo solo per i bambini indicati.",
        discussion: """
            Interattivo (terminale): frecce per muoversi, p presente, a assente, e entrata posticipata, u uscita \
            anticipata, g giustifica le assenze passate, v assente per più giorni (periodo di assenza), t tutti gli \
            altri presenti, q fine; «*» dopo un nome: segnato da un altro dispositivo. Si apre sul primo \
            bambino da segnare.
            In un colpo solo: spunta roll-call --absent Coppola,B0007 --late Fiore@09:15 --early-exit B0020@11:30. \
            Cambia solo i bambini indicati (per codice o per l'inizio del cognome, senza badare ad accenti e \
            maiuscole: «favaro s», «niccolo»). Con --rest-present segna presenti anche gli altri, ma chi ha già un \
            segno in quel giorno lo tiene. Un giorno diverso da oggi (--date) vuole l'orario di entrata e uscita; \
            fine settimana, festività e giorni di chiusura sono rifiutati senza --force.
            Elenco senza segnare nulla: --list. Con una sola classe sul dispositivo --class si può omettere.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Option(name: "class", valueName: "classe", help: "La classe (codice o nome); non serve se il dispositivo ne ha una sola.")
    var classID: String?
    @Option(valueName: "bambino,…", help: "Presenti (codice o cognome).")
    var present: String?
    @Option(valueName: "bambino,…", help: "Assenti (codice o cognome).")
    var absent: String?
    @Option(valueName: "bambino[@HH:MM],…", help: "Entrate posticipate; l'orario è obbligatorio se non è oggi.")
    var late: String?
    @Option(name: "early-exit", valueName: "bambino[@HH:MM],…", help: "Uscite anticipate; l'orario è obbligatorio se non è oggi.")
    var earlyExit: String?
    @Flag(name: "rest-present", help: "Segna presenti tutti gli altri che in quel giorno non hanno ancora un segno.")
    var restPresent = false
    @Flag(help: "Segna anche in un giorno senza scuola (fine settimana, festività, chiusura).")
    var force = false
    @Option(valueName: "bambino:data", help: "Giustifica l'assenza di un giorno passato (con --reason); data AAAA-MM-GG o GG/MM/AAAA.")
    var justify: String?
    @Option(valueName: "motivo", help: "Motivo della giustificazione.")
    var reason: String?
    @Flag(help: "Mostra il registro senza segnare nulla.")
    var list = false
    @Flag(help: "Stampa in JSON.")
    var json = false

    static func names(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `bambino[@HH:MM],…` in the order given.
    static func timed(_ text: String?, option: String) throws -> [(child: String, time: LocalTime?)] {
        try names(text).map { item in
            let parts = item.split(separator: "@", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { return (item, nil) }
            guard let time = LocalTime(parts[1]) else {
                throw ValidationError("\(option): orario «\(parts[1])» non valido in «\(item)»: usare HH:MM, es. 09:15.")
            }
            return (parts[0], time)
        }
    }

    /// The justification asked for: the child and the day.
    func justification() throws -> (child: String, absence: LocalDate)? {
        guard let justify else { return nil }
        guard let colon = justify.lastIndex(of: ":"), let date = LocalDate(typed: justify[justify.index(after: colon)...]),
              !justify[..<colon].trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--justify «\(justify)»: usare bambino:data, con la data \(LocalDate.typedForms), es. B0002:2026-10-05 o B0002:05/10/2026.")
        }
        return (justify[..<colon].trimmingCharacters(in: .whitespaces), date)
    }

    mutating func validate() throws {
        _ = try Self.timed(late, option: "--late")
        _ = try Self.timed(earlyExit, option: "--early-exit")
        if justify != nil && (reason ?? "").isEmpty { throw ValidationError("--justify richiede --reason.") }
        _ = try justification()
    }

    func plan() throws -> RollCall.Plan {
        var plan = RollCall.Plan()
        plan.present = Self.names(present)
        plan.absent = Self.names(absent)
        plan.late = try Self.timed(late, option: "--late")
        plan.earlyExit = try Self.timed(earlyExit, option: "--early-exit")
        plan.restPresent = restPresent
        if let j = try justification(), let reason { plan.justification = (j.child, j.absence, reason) }
        return plan
    }

    /// The class meant: the one given (by code or, when unique, by name), or the device's only class.
    static func chooseClass(_ option: String?, among classes: [(id: String, name: String)]) throws -> String {
        if let option {
            if let byID = classes.first(where: { $0.id.caseInsensitiveCompare(option) == .orderedSame }) { return byID.id }
            let byName = classes.filter { $0.name.caseInsensitiveCompare(option) == .orderedSame }
            return byName.count == 1 ? byName[0].id : option
        }
        if classes.count == 1 { return classes[0].id }
        let listed = classes.map { "\($0.id) (\($0.name))" }.joined(separator: ", ")
        throw ValidationError("Questo dispositivo ha più classi: indicare quale con --class, una di \(listed).")
    }

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        guard device.role == .teacher else { throw ClientError.wrongRole(expected: "insegnante", actual: device.role.italian) }
        let classID = try Self.chooseClass(self.classID, among: try RollCall.classes(queue: queue, device: device))
        let rollCall = try RollCall(queue: queue, device: device, classID: classID, date: day.day(context), allowsClosedDay: force,
                                     clock: context.deviceClock)
        let plan = try plan()
        let clockWarning = json ? nil : try rollCall.clockWarning()
        // Said before anything is recorded: on a revoked device the marks stay here (on standard error with --json,
        // whose output stays the register).
        if let revoked = rollCall.revocationWarning() {
            if json { context.printError(revoked) } else { context.printWrapped(revoked, style: .bold) }
        }
        if plan.marks || plan.justification != nil {
            let outcome = try rollCall.record(plan)
            if json { return try context.printJSON(try rollCall.entries()) }
            try report(outcome, rollCall, context)
            if !list {
                if let clockWarning { context.printWrapped(clockWarning, style: .bold) }
                return
            }
        }
        if list || json || !context.standardInput.isTerminal || !context.standardOutput.isTerminal {
            let entries = try rollCall.entries()
            if json { return try context.printJSON(entries) }
            try Self.printList(entries, rollCall, context)
            if let clockWarning { context.printWrapped(clockWarning, style: .bold) }
            return
        }
        let size = Terminal.size() ?? (columns: 40, rows: 24)
        let followsToday = day.date == nil
        try await runBlocking {
            try RollCallScreen(rollCall: rollCall, output: context.standardOutput, input: context.standardInput,
                               width: min(size.columns, 40), height: size.rows, terminalSize: { Terminal.size() },
                               followsToday: followsToday).run()
        }
    }

    /// What a one-shot command did, child by child, wrapped for the handheld.
    func report(_ outcome: RollCall.Outcome, _ rollCall: RollCall, _ context: CommandContext) throws {
        if let justified = outcome.justified {
            context.printWrapped("Assenza di \(justified.name) del \(justified.absence.italian) giustificata.")
        }
        let saved = outcome.changes.count + outcome.restMarkedPresent
        guard saved > 0 || !outcome.kept.isEmpty else { return }
        context.printWrapped("Appello \(try rollCall.className()) del \(rollCall.date.italian): \(Counted.italian(saved, "segnato", "segnati")).")
        for change in outcome.changes {
            context.printWrapped("\(change.name): \(change.mark)" + (change.before.map { change.mark == $0 ? " (già così)" : " (prima: \($0))" } ?? "") + ".")
        }
        if outcome.restMarkedPresent > 0 {
            context.printWrapped(outcome.restMarkedPresent == 1 ? "L'altro bambino segnato presente."
                : "Gli altri \(outcome.restMarkedPresent) segnati presenti.")
        }
        if !outcome.kept.isEmpty {
            context.printWrapped("Già segnati, lasciati come erano (\(outcome.kept.count)):")
            for kept in outcome.kept { context.printWrapped("  - \(kept.name): \(kept.mark)", indent: "    ") }
        }
        if outcome.unmarked > 0 {
            context.printWrapped("Da segnare ancora: \(outcome.unmarked) (--rest-present per segnarli presenti).")
        }
    }

    /// The register, one child per paragraph, wrapped at 40 columns: names, marks with their times, and the
    /// justifications, never cut.
    static func printList(_ entries: [RollCall.Entry], _ rollCall: RollCall, _ context: CommandContext) throws {
        let marked = entries.filter { $0.status != nil }.count
        context.printWrapped("Appello \(try rollCall.className()) di \(rollCall.date.weekdayName) \(rollCall.date.italian): "
            + "\(Counted.italian(marked, "segnato", "segnati")), \(entries.count - marked) da segnare.", style: .bold)
        if let closure = try rollCall.closure() {
            context.printWrapped("Attenzione: \(SchoolDay.sentence(rollCall.date, closure)).")
        }
        // Severe allergies before the register, whole.
        for e in entries {
            guard let plan = e.emergencyPlan else { continue }
            context.printWrapped("ALLERGIA GRAVE — \(e.name): \(plan)", indent: "  ", style: .bold)
        }
        for e in entries {
            var text = "\(e.beneficiaryId) \(e.name): \(e.markItalian)"
            if e.markedElsewhere { text += " (da un altro dispositivo)" }
            let today = e.justifications.first { $0.absenceDate == rollCall.date }
            if let today { text += ", giustificata" + (today.reason.map { ": \($0)" } ?? "") }
            let earlier = e.justifications.filter { $0.absenceDate != rollCall.date }
            if !earlier.isEmpty {
                text += "; giustificate: " + earlier.map { $0.absenceDate.italian + ($0.reason.map { " (\($0))" } ?? "") }.joined(separator: ", ")
            }
            if !e.unjustified.isEmpty { text += "; da giustificare: " + e.unjustified.map(\.italian).joined(separator: ", ") }
            context.printWrapped(text)
        }
    }
}
