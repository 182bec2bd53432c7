import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

/// `spunta-server conflicts [resolve]`.
struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Elenca i conflitti da rivedere (appelli discordanti, assenti che hanno mangiato, …).",
        subcommands: [ListConflicts.self, Resolve.self],
        defaultSubcommand: ListConflicts.self
    )

    struct ListConflicts: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca i conflitti.")

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "stato", help: "open (da rivedere), resolved (risolti) o all.")
        var status = "open"
        @Option(valueName: "AAAA-MM-GG", help: "Solo questo giorno.")
        var date: String?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        mutating func validate() throws {
            guard ["open", "resolved", "all"].contains(status) else { throw ValidationError("--status: open, resolved o all.") }
            if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: AAAA-MM-GG.") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let rows = try queue.write { db in
                // Rides that should have ended by now are checked before listing.
                try RideChecks.refresh(db, now: now)
                return try AdminQueries.conflicts(db, status: status == "all" ? nil : status, date: date.flatMap { LocalDate($0) })
            }
            if json { return try context.printJSON(rows) }
            for c in rows {
                context.print("\(c.headline) (aperto il \(ItalianTime.dateTime(stored: c.openedAt)))")
                context.print("    \(c.summary)")
                if let resolution = c.resolutionItalian { context.print("    \(resolution)") }
            }
            let resolved = rows.filter(\.isResolved).count
            context.print(rows.isEmpty ? "Nessun conflitto." : "\(rows.count) conflitti" + (resolved > 0 ? ", \(resolved) risolti." : "."))
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chiude un conflitto con una nota; per un appello può fissare la presenza, per un orologio sbagliato il giorno, "
                + "per una corsa senza iscrizione se addebitarla.",
            discussion: """
                Esempi: spunta-server conflicts resolve 12 --db comune.sqlite --note "telefonato alla maestra" --set-status present
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
            if let setDate, LocalDate(setDate) == nil { throw ValidationError("--set-date «\(setDate)» non valida: AAAA-MM-GG.") }
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

extension AttendanceStatus: ArgumentValue {}

/// `spunta-server audit`: ops as merged and admin actions.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Registro di audit: le operazioni ricevute con il loro esito e le azioni degli amministratori."
    )

    @OptionGroup var database: DatabaseOption
    @Option(valueName: "dispositivo", help: "Solo questo dispositivo.")
    var device: String?
    @Option(valueName: "AAAA-MM-GG", help: "Solo questo giorno.")
    var date: String?
    @Flag(help: "Solo le operazioni rifiutate dal server, con il motivo.")
    var rejected = false
    @Flag(help: "Stampa in JSON (un oggetto per riga).")
    var json = false

    mutating func validate() throws {
        if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: AAAA-MM-GG.") }
    }

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let entries = try queue.read {
            try AdminQueries.audit($0, device: device, date: date.flatMap { LocalDate($0) }, rejectedOnly: rejected)
        }
        if json {
            for entry in entries { try context.printJSON(entry) }
            return
        }
        for e in entries {
            let status = e.status.map { " [\(Self.italian($0))]" } ?? ""
            let subject = e.details["beneficiary_id"]?.description ?? e.subject
            context.print("\(ItalianTime.dateTime(stored: e.at)) \(e.actor) \(Self.action(e.action))\(status) \(subject)")
            // Why the server refused it, or what it flagged: what the office looks for.
            if let code = e.details["reject_code"]?.description {
                context.print("    \(code): \(e.details["reject_message"]?.description ?? "")")
            } else if e.details["scope_flag"]?.description == OpFlag.notEnrolled.rawValue {
                context.print("    non iscritto alla linea quel giorno: conflitto per l'ufficio (spunta-server conflicts)")
            }
        }
        context.print("\(entries.count) voci.")
    }

    static func italian(_ status: String) -> String {
        MergeStatus(rawValue: status)?.italian ?? status
    }

    /// Ops by their Italian name; admin actions as the office says them; an unknown action as it is stored.
    static func action(_ action: String) -> String {
        if let op = OpType(rawValue: action) { return op.italian }
        switch action {
        case "device_add": return "dispositivo creato"
        case "device_enroll": return "dispositivo registrato"
        case "device_revoke": return "dispositivo revocato"
        case "device_blocked": return "dispositivo bloccato"
        case "admin_token_create": return "credenziale di amministratore creata"
        case "admin_login": return "accesso alla pagina di amministrazione"
        case "admin_logout": return "uscita dalla pagina di amministrazione"
        case "conflict_resolve": return "conflitto risolto"
        case "import": return "importazione anagrafiche"
        case "restore": return "ripristino da copia"
        case "billing_run": return "calcolo dei consumi"
        case "billing_adjust": return "rettifica di rendiconto"
        case "billing_issue": return "emissione avvisi pagoPA"
        case "payments_import": return "importazione pagamenti"
        case "topup": return "ricarica"
        case "reminders": return "solleciti"
        case "outbox_retry": return "messaggio rimesso in coda"
        case "health_rule_set": return "soglie di controllo cambiate"
        case "alert_recipient_add": return "destinatario avvisi aggiunto"
        case "alert_recipient_remove": return "destinatario avvisi tolto"
        case "alert_setting_set": return "impostazione avvisi cambiata"
        default: return action
        }
    }
}

/// `spunta-server admin-token`.
struct AdminTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token",
        abstract: "Crea la credenziale di amministratore per la pagina /admin e GET /v1/admin/status (sostituisce la precedente)."
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var actor: ActorOption

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let who = actor.name(context)
        let token = try queue.write { db in try AdminToken.create(db, actor: who, now: context.now) }
        context.print(token)
        context.printError("Conservarla: non verrà mostrata di nuovo (il server ne tiene solo l'impronta).")
    }
}
