import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server reminders`.
struct RemindersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders",
        abstract: "Avvisi scaduti e non pagati; mette in coda i solleciti (uno per giro, al massimo ogni 15 giorni); sollecita i crediti prepagati negativi e ne emette l'avviso pagoPA."
    )
    @OptionGroup var database: DatabaseOption
    @OptionGroup var actor: ActorOption
    @Option(name: "as-of", valueName: "AAAA-MM-GG", help: "Scaduti prima di questo giorno (predefinito oggi).")
    var asOf: String?
    @Flag(name: "list-only", help: "Elenca senza mettere in coda i solleciti.")
    var listOnly = false
    @Option(name: "grace-days", valueName: "giorni", help: "Giorni minimi tra due solleciti dello stesso avviso.")
    var graceDays = Reminders.defaultGraceDays
    @Option(name: "deficit-notice-days", valueName: "giorni", help: "Giorni tra il sollecito di un credito prepagato negativo e il suo avviso pagoPA.")
    var deficitNoticeDays = DeficitChase.defaultNoticeDays
    @Flag(help: "Stampa in JSON (un array).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let who = actor.name(context)
        let queue = try ServerDatabase.open(path: database.path)
        let now = context.now
        let day = asOf.flatMap { LocalDate($0) } ?? BusinessCalendar.date(of: now)
        let (overdue, deficits) = try queue.write { db in
            (try Reminders.run(db, asOf: day, graceDays: graceDays, send: !listOnly, actor: who, now: now),
             try DeficitChase.run(db, asOf: day, noticeDays: deficitNoticeDays, send: !listOnly, now: now))
        }
        if json { return try context.printJSON(overdue) }
        for d in deficits {
            let what: String
            switch d.action {
            case "reminded": what = "sollecito (\(Self.messages(d.queued)))"
            case "notice": what = "avviso pagoPA \(d.noticeNumber ?? "") emesso (\(Self.messages(d.queued)))"
            case "noticed": what = "avviso pagoPA \(d.noticeNumber ?? "") già emesso"
            case "closed": what = "credito tornato positivo: chiuso"
            default: what = "sollecitato il \(LocalDate(d.openedOn)?.italian ?? d.openedOn), avviso dopo \(deficitNoticeDays) giorni"
            }
            context.print("Credito negativo \(d.payerName) \(d.beneficiaryId) \(d.serviceId): \(Money(cents: d.balanceCents).italian) — \(what)")
        }
        for o in overdue {
            // What the operator reads: the month and the due day as people write them (the JSON keeps ISO).
            let period = BillingPeriod(o.period)?.italian ?? o.period, due = LocalDate(o.dueDate)?.italian ?? o.dueDate
            context.print("\(o.noticeNumber) \(o.payerName) \(period) scaduto il \(due): \(Money(cents: o.remainingCents).italian)"
                          + (o.round.map { " — sollecito n. \($0) (\(Self.messages(o.queued)))" } ?? ""))
        }
        context.print(Counted.italian(overdue.count, "avviso scaduto", "avvisi scaduti") + ", \(Money(cents: overdue.reduce(0) { $0 + $1.remainingCents }).italian) da incassare.")
    }

    /// "1 messaggio", "2 messaggi".
    static func messages(_ count: Int) -> String {
        count == 1 ? "1 messaggio" : "\(count) messaggi"
    }
}
