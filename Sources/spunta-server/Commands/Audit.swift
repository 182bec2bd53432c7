import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

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
        if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: usare AAAA-MM-GG (es. 2026-10-05).") }
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
                context.print(hinted: "    non iscritto alla linea quel giorno: conflitto per l'ufficio (\(CommandHint.server("conflicts")))")
            } else if e.details["scope_flag"]?.description == OpFlag.unknownAboard.rawValue {
                context.print(hinted: "    a bordo un bambino non riconosciuto dal server: avviso all'ufficio (\(CommandHint.server("alerts", "list")))")
            }
        }
        context.print(Counted.italian(entries.count, "voce", "voci") + ".")
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
        case "device_reinstate": return "dispositivo riammesso dopo la revoca"
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
        case "cards_print": return "tessere stampate"
        case "card_reissue": return "tessera sostituita"
        default: return action
        }
    }
}
