import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server billing …`: the month's billing.
struct Billing: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fatturazione: consumi del mese, rendiconti, avvisi pagoPA, credito prepagato.",
        discussion: """
            Il mese tipico: billing run --period 2026-10 (bozze e addebiti prepagati), billing statements e billing show per \
            controllare, billing adjust per rettificare, billing issue per emettere gli avvisi, billing export per l'intermediario \
            pagoPA, billing notices per la stampa. Regole e formati: protocol/billing.md
            """,
        subcommands: [Run.self, Statements.self, Show.self, Adjust.self, Issue.self, Export.self, Notices.self, Balances.self, TopUp.self]
    )

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Calcola i consumi del mese: rendiconti in bozza e addebiti prepagati.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Option(valueName: "AAAA-MM", help: "Il mese da fatturare.")
        var period: String
        @Flag(help: "Stampa il riepilogo in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let report = try queue.write { db in
                try BillingRun.run(db, period: try BillingRun.period(period, db: db, now: now), actor: who, now: now)
            }
            if json { try context.printJSON(report) } else { context.print(report.italian) }
        }
    }

    struct Statements: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Elenca i rendiconti.")
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "AAAA-MM", help: "Solo questo mese.")
        var period: String?
        @Option(valueName: "pagante", help: "Solo questo pagante.")
        var payer: String?
        @Option(valueName: "stato", help: "draft o issued.")
        var status: String?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        mutating func validate() throws {
            if let period, BillingPeriod(period) == nil { throw ValidationError("--period «\(period)» non valido: AAAA-MM.") }
            if let status, !["draft", "issued"].contains(status) { throw ValidationError("--status: draft o issued.") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let list = try queue.read { try StatementDesk.statements($0, period: period.flatMap { BillingPeriod($0) }, payer: payer, status: status) }
            if json { return try context.printJSON(list) }
            var table = TextTable(columns: [.init("N."), .init("Mese"), .init("Pagante", maxWidth: 28), .init("Stato"),
                                            .init("Totale", alignment: .right), .init("Pagato", alignment: .right), .init("Codice avviso")])
            for s in list {
                table.addRow([String(s.id), s.period, "\(s.payerId) \(s.payerName)", s.status == "issued" ? "emesso" : "bozza",
                              Money(cents: s.totalCents).italian, Money(cents: s.paidCents).italian, s.noticeNumber ?? ""])
            }
            context.print(table.render(width: max(context.terminalWidth, 110)))
            context.print("\(list.count) rendiconti, totale \(Money(cents: list.reduce(0) { $0 + $1.totalCents }).italian).")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mostra un rendiconto riga per riga, con le registrazioni da cui viene.")
        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "numero", help: "Numero del rendiconto.")
        var id: Int
        @Flag(help: "Stampa in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let s = try queue.read { try StatementDesk.statement($0, id: Int64(id)) }
            if json { return try context.printJSON(s) }
            context.print("Rendiconto \(s.id) — \(s.payerName) (\(s.payerFiscalCode)) — \(BillingPeriod(s.period)?.italian ?? s.period) — \(s.status == "issued" ? "emesso" : "bozza")")
            for l in s.lines {
                context.print("  \(Money(cents: l.amountCents).italian.padding(toLength: 12, withPad: " ", startingAt: 0)) \(l.beneficiaryName ?? "") — \(l.description)")
                if !l.sourceOps.isEmpty { context.print("               da: \(l.sourceOps.joined(separator: ", "))") }
            }
            context.print("  Totale \(Money(cents: s.totalCents).italian)" + (s.noticeNumber.map { " — codice avviso \($0), scadenza \(s.dueDate ?? "")" } ?? ""))
        }
    }

    struct Adjust: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rettifica un rendiconto in bozza (importo positivo o negativo) con il motivo.",
            discussion: "Esempio: spunta-server billing adjust --db comune.sqlite --statement 12 --amount -4.40 --reason \"pasto non consumato, gita\""
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Option(valueName: "numero", help: "Il rendiconto (oppure --payer e --period).")
        var statement: Int?
        @Option(valueName: "pagante", help: "Il pagante.")
        var payer: String?
        @Option(valueName: "AAAA-MM", help: "Il mese.")
        var period: String?
        @Option(valueName: "euro", help: "Importo della rettifica, es. -4.40 o 10.00.")
        var amount: String
        @Option(valueName: "motivo", help: "Perché (resta nel rendiconto e nel registro di audit).")
        var reason: String
        @Option(valueName: "fruitore", help: "Il bambino a cui si riferisce.")
        var beneficiary: String?

        mutating func validate() throws {
            guard Money(decimal: amount, allowNegative: true) != nil else { throw ValidationError("--amount «\(amount)» non valido: es. -4.40.") }
            guard statement != nil || (payer != nil && period.flatMap { BillingPeriod($0) } != nil) else {
                throw ValidationError("indicare --statement oppure --payer e --period (AAAA-MM).")
            }
        }

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            guard let money = Money(decimal: amount, allowNegative: true) else { return }
            let now = context.now
            let id = try queue.write { db -> Int64 in
                let id = try statement.map(Int64.init) ?? StatementDesk.find(db, payer: payer ?? "", period: BillingPeriod(period ?? "") ?? BillingPeriod(year: 2000, month: 1)!)
                try StatementDesk.adjust(db, statement: id, amount: money, reason: reason, beneficiary: beneficiary, actor: who, now: now)
                return id
            }
            context.print("Rendiconto \(id) rettificato di \(money.italian).")
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Emette i rendiconti in bozza del mese: li blocca e crea gli avvisi pagoPA.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Option(valueName: "AAAA-MM", help: "Il mese.")
        var period: String
        @Option(valueName: "pagante", help: "Solo questo pagante.")
        var payer: String?
        @Option(name: "due-date", valueName: "AAAA-MM-GG", help: "Scadenza, non prima di oggi (predefinita tra 30 giorni).")
        var dueDate: String?
        @Flag(name: "before-month-end",
              help: "Emette anche se il mese non è finito: si addebitano i giorni trascorsi, il resto va nel mese dopo come conguaglio.")
        var beforeMonthEnd = false
        @Flag(help: "Stampa in JSON.")
        var json = false

        mutating func validate() throws {
            if BillingPeriod(period) == nil { throw ValidationError("--period «\(period)» non valido: AAAA-MM.") }
            if let dueDate, LocalDate(dueDate) == nil { throw ValidationError("--due-date «\(dueDate)» non valida: AAAA-MM-GG.") }
        }

        /// The `--json` answer: what was issued, and what is held back and why.
        struct Outcome: Encodable {
            let issued: [StatementDesk.Statement]
            let held: [BillingHolds.Hold]
        }

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let outcome = try queue.write { db -> Outcome in
                let month = try BillingRun.period(period, db: db, now: now)
                let held = try BillingHolds.statements(db, period: month, payer: payer)
                let ids = try StatementDesk.issue(db, period: month, payer: payer, dueDate: dueDate.flatMap { LocalDate($0) },
                                                  beforeMonthEnd: beforeMonthEnd, actor: who, now: now)
                return Outcome(issued: try ids.map { try StatementDesk.statement(db, id: $0) }, held: held)
            }
            if json { return try context.printJSON(outcome) }
            let statements = outcome.issued
            let withNotice = statements.filter { $0.noticeNumber != nil }
            context.print("Emessi \(statements.count) rendiconti, \(withNotice.count) con avviso pagoPA, totale \(Money(cents: withNotice.reduce(0) { $0 + $1.totalCents }).italian).")
            guard !outcome.held.isEmpty else { return }
            let count = Set(outcome.held.map(\.statementId)).count
            context.print("Rendiconti trattenuti: \(count). Non sono emessi finché non si decide il giorno di fatti registrati con l'orologio sbagliato:")
            for hold in outcome.held {
                context.print("- n. \(hold.statementId) \(hold.payerName) (\(hold.payerId)): \(hold.reason)")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Esporta gli avvisi emessi per l'intermediario pagoPA (CSV o JSON come GPD).")
        enum Format: String, CaseIterable, ArgumentValue { case csv, gpd }
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "AAAA-MM", help: "Il mese.")
        var period: String
        @Option(valueName: "formato", help: "csv oppure gpd (JSON delle posizioni debitorie).")
        var format: Format = .csv
        @Option(valueName: "file", help: "Dove scrivere; «-» per lo standard output.")
        var output = "-"

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            guard let p = BillingPeriod(period) else { throw BillingError.invalidPeriod(period) }
            let data = try queue.read { db in
                format == .csv ? Data(try NoticeExport.csv(db, period: p).utf8) : try NoticeExport.json(db, period: p) + Data("\n".utf8)
            }
            try write(data, to: output, context)
        }
    }

    struct Notices: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rendiconti con avviso pagoPA da stampare (HTML, una pagina A4 per pagante).")
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "AAAA-MM", help: "Il mese.")
        var period: String
        @Option(valueName: "pagante", help: "Solo questo pagante.")
        var payer: String?
        @Option(valueName: "file", help: "Dove scrivere; «-» per lo standard output.")
        var output = "-"

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            guard let p = BillingPeriod(period) else { throw BillingError.invalidPeriod(period) }
            let html = try queue.read { db -> String in
                guard let municipality = try MasterDataStore.load(db).municipality else { throw BillingError.noMunicipality }
                return StatementHTML.render(try StatementDesk.statements(db, period: p, payer: payer, status: nil), municipality: municipality)
            }
            try write(Data(html.utf8), to: output, context)
        }
    }

    struct Balances: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Saldi del credito prepagato per pagante, bambino e servizio.")
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Solo i saldi sotto soglia o negativi.")
        var below = false
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let list = try queue.read { try PrepaidLedger.balances($0, belowOnly: below) }
            if json { return try context.printJSON(list) }
            var table = TextTable(columns: [.init("Pagante", maxWidth: 26), .init("Bambino", maxWidth: 24), .init("Servizio"),
                                            .init("Saldo", alignment: .right), .init("Soglia", alignment: .right), .init("")])
            for b in list {
                table.addRow(["\(b.payerId) \(b.payerName)", b.beneficiaryName, b.serviceId, Money(cents: b.balanceCents).italian,
                              b.thresholdCents.map { Money(cents: $0).italian } ?? "-", b.belowThreshold ? "sotto soglia" : ""])
            }
            context.print(table.render(width: max(context.terminalWidth, 100)))
            context.print("\(list.count) posizioni.")
        }
    }

    struct TopUp: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "topup", abstract: "Registra una ricarica del credito prepagato.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Option(valueName: "pagante", help: "Il pagante.")
        var payer: String
        @Option(valueName: "fruitore", help: "Il bambino.")
        var beneficiary: String
        @Option(valueName: "servizio", help: "Il servizio prepagato.")
        var service: String
        @Option(valueName: "euro", help: "Importo, es. 50.00.")
        var amount: String
        @Option(valueName: "metodo", help: "pagopa, bank, card, postal o cash (i contanti non sono detraibili).")
        var method = "pagopa"
        @Option(valueName: "AAAA-MM-GG", help: "Data del pagamento (predefinita oggi).")
        var date: String?

        mutating func validate() throws {
            guard Money(decimal: amount) != nil else { throw ValidationError("--amount «\(amount)» non valido: es. 50.00.") }
            guard PaymentImport.methods.contains(method) else { throw ValidationError("--method: \(PaymentImport.methods.sorted().joined(separator: ", ")).") }
            if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: AAAA-MM-GG.") }
        }

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            guard let money = Money(decimal: amount) else { return }
            let now = context.now
            let day = date.flatMap { LocalDate($0) } ?? BusinessCalendar.date(of: now)
            try queue.write { db in
                try PrepaidLedger.topUp(db, payer: payer, beneficiary: beneficiary, service: service, amount: money, date: day, method: method,
                                        source: "sportello", actor: who, now: now)
            }
            context.print("Ricarica di \(money.italian) registrata.")
        }
    }
}

/// Writes a document to a file or to standard output.
func write(_ data: Data, to output: String, _ context: CommandContext) throws {
    if output == "-" {
        context.standardOutput.writeDocument(String(decoding: data, as: UTF8.self))
    } else {
        try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        context.printError("Scritto \(output).")
    }
}

/// `spunta-server payments import`.
struct Payments: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pagamenti ricevuti: riconciliazione degli avvisi e ricariche.",
                                                    subcommands: [ImportPayments.self, Refunds.self])

    struct ImportPayments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Importa un file CSV di pagamenti: tutto o niente se una riga è sbagliata.",
            discussion: "Colonne: date;amount;notice;kind;payer;beneficiary;service;method;reference (vedere protocol/billing.md)."
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Argument(valueName: "file", help: "Il file CSV dei pagamenti.")
        var file: String
        @Flag(help: "Stampa l'esito riga per riga in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let report = try queue.write { db in try PaymentImport.run(db, path: file, actor: who, now: now) }
            if json { try context.printJSON(report) } else { context.print(report.italian) }
        }
    }
}

extension Payments {
    /// `payments refunds`: what was paid beyond the notices, for the office to give back.
    struct Refunds: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Eccedenze da rimborsare: avvisi pagati per più del dovuto o pagati due volte.",
            discussion: "L'avviso risulta pagato fino al suo importo; l'eccedenza non è detraibile e va restituita alla famiglia."
        )
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let list = try queue.read { try PaymentImport.refunds($0) }
            if json { return try context.printJSON(list) }
            var table = TextTable(columns: [.init("Pagato il"), .init("Pagante", maxWidth: 28), .init("Codice avviso"),
                                            .init("Pagato", alignment: .right), .init("Da rimborsare", alignment: .right), .init("Riferimento")])
            for r in list {
                table.addRow([LocalDate(r.paidOn)?.italian ?? r.paidOn, "\(r.payerId ?? "") \(r.payerName ?? "")",
                              r.noticeNumber.map { (try? NoticeNumber(validating: $0).grouped) ?? $0 } ?? "",
                              Money(cents: r.amountCents).italian, Money(cents: r.excessCents).italian, r.reference])
            }
            context.print(table.render(width: max(context.terminalWidth, 110)))
            context.print("\(list.count) eccedenze, \(Money(cents: list.reduce(0) { $0 + $1.excessCents }).italian) da rimborsare.")
        }
    }
}

/// `spunta-server reminders`.
struct RemindersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders",
        abstract: "Avvisi scaduti e non pagati; mette in coda i solleciti (uno per giro, al massimo ogni 15 giorni)."
    )
    @OptionGroup var database: DatabaseOption
    @OptionGroup var actor: ActorOption
    @Option(name: "as-of", valueName: "AAAA-MM-GG", help: "Scaduti prima di questo giorno (predefinito oggi).")
    var asOf: String?
    @Flag(name: "list-only", help: "Elenca senza mettere in coda i solleciti.")
    var listOnly = false
    @Option(name: "grace-days", help: "Giorni minimi tra due solleciti dello stesso avviso.")
    var graceDays = Reminders.defaultGraceDays
    @Flag(help: "Stampa in JSON (un array).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let who = actor.name(context)
        let queue = try ServerDatabase.open(path: database.path)
        let now = context.now
        let day = asOf.flatMap { LocalDate($0) } ?? BusinessCalendar.date(of: now)
        let overdue = try queue.write { db in
            try Reminders.run(db, asOf: day, graceDays: graceDays, send: !listOnly, actor: who, now: now)
        }
        if json { return try context.printJSON(overdue) }
        for o in overdue {
            context.print("\(o.noticeNumber) \(o.payerName) \(o.period) scaduto il \(o.dueDate): \(Money(cents: o.remainingCents).italian)"
                          + (o.round.map { " — sollecito n. \($0) (\(o.queued) messaggi)" } ?? ""))
        }
        context.print("\(overdue.count) avvisi scaduti, \(Money(cents: overdue.reduce(0) { $0 + $1.remainingCents }).italian) da incassare.")
    }
}

/// `spunta-server outbox [send|retry]`.
struct Outbox: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Messaggi alle famiglie e avvisi all'ufficio: elenco, invio, nuovo tentativo.",
                                                    subcommands: [ListMessages.self, Send.self, Retry.self], defaultSubcommand: ListMessages.self)

    struct ListMessages: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca i messaggi.")
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "stato", help: "pending, sent, failed, uncertain, dropped (solleciti di avvisi pagati nel frattempo).")
        var status: String?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let list = try queue.read { try OutboxSender.list($0, status: status) }
            if json { return try context.printJSON(list) }
            for m in list {
                let sent = m.sentAt.map { ", inviato il \(ItalianTime.dateTime(stored: $0))" } ?? ""
                context.print("#\(m.id) \(ItalianTime.dateTime(stored: m.createdAt)) \(Self.italian(status: m.status))\(sent) — "
                              + "\(Self.italian(kind: m.kind)) per \(MessageOutbox.Channel(rawValue: m.channel)?.italian ?? m.channel) a \(m.recipient): \(m.subject)"
                              + (m.lastError.map { " — \($0)" } ?? ""))
            }
            context.print("\(list.count) messaggi.")
        }

        static func italian(status: String) -> String {
            switch status {
            case "pending": return "in coda"
            case "sending": return "in invio"
            case "sent": return "inviato"
            case "failed": return "fallito"
            case "uncertain": return "esito incerto"
            case "dropped": return "non inviato: avviso già pagato"
            default: return status
            }
        }

        static func italian(kind: String) -> String {
            switch kind {
            case "reminder": return "sollecito"
            case "low_balance": return "credito basso"
            default:
                if kind.hasPrefix("office_alert_"), let alert = OfficeAlerts.Kind(rawValue: String(kind.dropFirst("office_alert_".count))) {
                    return "avviso all'ufficio (\(alert.italian))"
                }
                return kind
            }
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invia i messaggi in coda con i comandi configurati; riprova quelli falliti più tardi.",
            discussion: "Esempio: spunta-server outbox send --db comune.sqlite --sendmail \"/usr/sbin/sendmail -t\" --sms-url http://gateway.local/sms"
        )
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "comando", help: "Comando compatibile sendmail: riceve il messaggio sullo standard input.")
        var sendmail: String?
        @Option(name: "sms-command", valueName: "comando", help: "Comando per gli SMS: testo sullo standard input, numero in SPUNTA_TO.")
        var smsCommand: String?
        @Option(name: "sms-url", valueName: "URL", help: "Servizio HTTP per gli SMS: POST {\"to\",\"text\"}.")
        var smsURL: String?
        @Option(valueName: "indirizzo", help: "Mittente delle e-mail.")
        var from = "ufficio.scuola@comune.example"
        @Option(valueName: "secondi", help: "Un comando ancora in corso dopo tanti secondi viene fermato (messaggio dall'esito incerto).")
        var timeout = 60
        @Flag(help: "Stampa in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            guard timeout > 0 else { throw ValidationError("--timeout «\(timeout)» non valido: un numero di secondi maggiore di zero.") }
            var configuration = OutboxSender.Configuration()
            configuration.commandTimeout = TimeInterval(timeout)
            configuration.emailCommand = sendmail
            configuration.smsCommand = smsCommand
            configuration.smsURL = smsURL
            configuration.sender = from
            let report = try OutboxSender(queue: try ServerDatabase.open(path: database.path), configuration: configuration,
                                          withdrawals: [Reminders.withdrawWhenPaid])
                .send(now: context.clock)
            if json { try context.printJSON(report) } else {
                context.print(report.italian)
                for note in report.notes { context.print("  \(note)") }
                for error in report.errors { context.printError(error) }
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rimette in coda un messaggio fallito o dall'esito incerto.")
        @OptionGroup var database: DatabaseOption
        @OptionGroup var actor: ActorOption
        @Argument(valueName: "numero", help: "Il messaggio.")
        var id: Int

        func run(_ context: CommandContext) async throws {
            let who = actor.name(context)
            let queue = try ServerDatabase.open(path: database.path)
            let now = context.now
            let done = try queue.write { db in try OutboxSender.retry(db, id: Int64(id), actor: who, now: now) }
            context.print(done ? "Messaggio \(id) rimesso in coda." : "Il messaggio \(id) non è fallito né incerto: nulla da fare.")
        }
    }
}

/// `spunta-server tax-statement`.
struct TaxStatementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tax-statement",
        abstract: "Attestazione annuale delle spese pagate, per la dichiarazione dei redditi (CSV o HTML da stampare)."
    )
    enum Format: String, CaseIterable, ArgumentValue { case csv, html }
    @OptionGroup var database: DatabaseOption
    @Option(help: "L'anno solare.")
    var year: Int
    @Option(valueName: "formato", help: "csv o html.")
    var format: Format = .csv
    @Option(valueName: "file", help: "Dove scrivere; «-» per lo standard output.")
    var output = "-"
    @Flag(help: "Stampa le righe in JSON.")
    var json = false

    mutating func validate() throws {
        guard (2000...2100).contains(year) else { throw ValidationError("--year «\(year)» non valido.") }
    }

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let (rows, excesses, municipality) = try queue.read { db in
            (try TaxStatement.rows(db, year: year), try TaxStatement.excesses(db, year: year), try MasterDataStore.load(db).municipality)
        }
        if json { return try context.printJSON(rows) }
        guard let municipality else { throw BillingError.noMunicipality }
        let text = format == .csv ? TaxStatement.csv(rows, year: year)
            : TaxStatement.html(rows, excesses: excesses, year: year, municipality: municipality)
        try write(Data(text.utf8), to: output, context)
    }
}
