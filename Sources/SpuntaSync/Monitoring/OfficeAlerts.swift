import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Avvisi all'ufficio: what the office must know without looking — a child left aboard at the end of a ride
/// (at once), a device silent during its service hours, a device with a wrong clock, conflicts left open too
/// long. Each event is raised once (`office_alert.event_key`) and, in the same transaction, queued in the one
/// outbox to every recipient the admin set (e-mail and/or SMS); `outbox send` delivers them.
///
/// Who runs the checks: `spunta-server serve` every minute, the push that makes a ride overdue at once, and
/// `spunta-server alerts check` for setups that prefer cron.
public enum OfficeAlerts {
    public enum Kind: String, Sendable, CaseIterable, Encodable {
        case childLeftAboard = "child_left_aboard"
        case deviceSilent = "device_silent"
        case clockWrong = "clock_wrong"
        case conflictOld = "conflict_old"

        public var italian: String {
            switch self {
            case .childLeftAboard: return "bambino rimasto a bordo"
            case .deviceSilent: return "dispositivo silenzioso"
            case .clockWrong: return "orologio sbagliato"
            case .conflictOld: return "conflitti in attesa"
            }
        }
    }

    /// An alert as raised.
    public struct Alert: Sendable, Encodable, Equatable {
        public let id: Int64
        public let kind: String
        public let subject: String
        public let raisedAt: String
        public let clearedAt: String?
        public let title: String
        public let body: String
        /// Outbox messages queued for it (one per recipient).
        public let messages: Int
        /// Raised while nobody was set to receive alerts: still unsent. The first recipient added within a day
        /// gets it if it still matters (`queueAwaiting`); after that it stays listed as never sent.
        public let awaitingRecipient: Bool

        enum CodingKeys: String, CodingKey {
            case id, kind, subject, raisedAt = "raised_at", clearedAt = "cleared_at", title, body, messages
            case awaitingRecipient = "awaiting_recipient"
        }

        static let columns = "id, kind, subject, raised_at, cleared_at, title, body, messages, awaiting_recipient"

        init(row: Row) throws {
            id = try row[0]
            kind = try row[1]
            subject = try row[2]
            raisedAt = try row[3]
            clearedAt = try row[4]
            title = try row[5]
            body = try row[6]
            messages = try row[7]
            awaitingRecipient = try row[8] as Int64 != 0
        }

        public var kindItalian: String { Kind(rawValue: kind)?.italian ?? kind }

        /// A line of the body: text, or a command as its shell words (quoted as written).
        public enum Line: Equatable, Sendable {
            case text(String)
            case command([String])
        }

        /// The body line by line, each command (a line indented by `OfficeAlerts.commandIndent`) apart: what the
        /// status page shows as text and as blocks to copy.
        public var lines: [Line] {
            body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix(OfficeAlerts.commandIndent)
                    ? .command(ShellWord.split(String(line.dropFirst(OfficeAlerts.commandIndent.count))))
                    : .text(String(line))
            }
        }

        /// Whether the title already starts with its kind ("Dispositivo silenzioso: Scuolabus Nord", "Orologio
        /// sbagliato: …"): then the kind is not said again before it.
        public var titleSaysKind: Bool { title.lowercased().hasPrefix(kindItalian.lowercased()) }

        /// The alert's line in the server's journal (standard error under systemd), whoever raised it — the checks
        /// or a push: its number, kind (once) and title (the title names a child left aboard, as the office's list
        /// does) and whether its messages are queued.
        public var journalLine: String {
            let sent = awaitingRecipient ? "non inviato: nessun destinatario" : Counted.italian(messages, "messaggio", "messaggi") + " in coda"
            return "avviso all'ufficio #\(id)" + (titleSaysKind ? ": " : " (\(kindItalian)): ") + "\(title) — \(sent)"
        }
    }

    /// How a command stands in an alert's body: on a line of its own, indented, so that whoever reads the mail
    /// copies it whole and the status page shows it as a block (`Alert.lines`).
    public static let commandIndent = "    "

    /// `text` as an alert's body, mailed and listed: each command on a line of its own (never inside a sentence,
    /// nothing after it on its line), written for the server the alert came from — `sudo -u` its service account
    /// and `--db` its archive (`ServerShell.serving`) — so that it runs as printed.
    static func body(_ text: HintedText, shell: ServerShell) -> String {
        var body = ""
        var afterCommand = false
        for part in text.parts {
            switch part {
            case .text(let string):
                body += afterCommand ? String(string.drop { $0 == "\n" }) : string
                afterCommand = false
            case .command(let hint):
                body = String(body.reversed().drop { $0 == " " }.reversed())
                if !body.isEmpty && !body.hasSuffix("\n") { body += "\n" }
                body += commandIndent + shell.line(hint) + "\n"
                afterCommand = true
            }
        }
        return afterCommand ? String(body.dropLast()) : body
    }

    /// The id of the last alert raised (0 when none): what a transaction reads before its work to learn, with
    /// `raised(_:after:)`, which alerts its work raised.
    public static func lastId(_ db: Database) throws -> Int64 {
        try db.scalar("SELECT COALESCE(MAX(id), 0) FROM office_alert") ?? 0
    }

    /// The alerts raised after the one numbered `id`, in order.
    public static func raised(_ db: Database, after id: Int64) throws -> [Alert] {
        try db.fetchAll("SELECT \(Alert.columns) FROM office_alert WHERE id > ? ORDER BY id", [id]).map(Alert.init(row:))
    }

    /// A child still aboard when the ride is over, from either source: the check "boarded, no alighting
    /// `RideChecks.graceMinutes` after the last stop" (`closedBy` nil), or the attendant closing the ride with
    /// the child listed aboard (`closedBy` set).
    public struct ChildAboard: Sendable {
        public var beneficiaryId: String
        public var routeId: String
        public var date: LocalDate
        public var direction: Direction
        public var boardingOpId: String?
        public var boardingStopId: String?
        /// The device that closed the ride and when, for a ride closed with the child aboard.
        public var closedBy: (deviceId: String, at: Date)?

        public init(beneficiaryId: String, routeId: String, date: LocalDate, direction: Direction, boardingOpId: String?,
                    boardingStopId: String?, closedBy: (deviceId: String, at: Date)? = nil) {
            self.beneficiaryId = beneficiaryId
            self.routeId = routeId
            self.date = date
            self.direction = direction
            self.boardingOpId = boardingOpId
            self.boardingStopId = boardingStopId
            self.closedBy = closedBy
        }

        /// One event per child, ride and day, whichever source saw it first.
        var eventKey: String { "\(Kind.childLeftAboard.rawValue)|\(RideChecks.subject(beneficiaryId, routeId, date, direction))" }
    }

    /// Runs every check at `now`; returns the alerts raised by this run.
    @discardableResult
    public static func check(_ db: Database, now: Date) throws -> [Alert] {
        try RideChecks.refresh(db, now: now)
        var raised = try childrenLeftAboard(db, now: now)
        let devices = try AdminQueries.devices(db, now: now)
        var open: Set<String> = []
        for row in try db.fetchAll("SELECT kind, subject FROM office_alert WHERE cleared_at IS NULL AND kind IN ('device_silent', 'clock_wrong')") {
            open.insert("\(try row[0] as String)|\(try row[1] as String)")
        }
        raised += try silentDevices(db, devices, open: open, now: now)
        raised += try wrongClocks(db, devices, open: open, now: now)
        raised += try oldConflicts(db, now: now)
        return raised
    }

    // MARK: Child left aboard

    /// Rides of today and yesterday that the ride check found open after the end of the route, not yet
    /// alerted. Older ones are history: they stay conflicts to review, and `conflict_old` reports them.
    @discardableResult
    public static func childrenLeftAboard(_ db: Database, now: Date) throws -> [Alert] {
        let since = BusinessCalendar.date(of: now).adding(days: -1)
        // The ride's facts are read out of the conflict's details (not a `ConflictRecord`): the alert needs the ride,
        // and the query keeps only the conflicts not alerted yet.
        let rows = try db.fetchAll("""
            SELECT c.beneficiary_id, c.business_date, json_extract(c.details, '$.route_id'), json_extract(c.details, '$.direction'),
                   json_extract(c.details, '$.boarding_op_id'), json_extract(c.details, '$.boarding_stop_id')
            FROM conflict c
            WHERE c.kind = 'boarded_not_alighted' AND c.status = 'open' AND c.business_date >= ?
                AND NOT EXISTS (SELECT 1 FROM office_alert a WHERE a.event_key = 'child_left_aboard|' || c.subject)
            ORDER BY c.business_date, c.id
            """, [since.description])
        var raised: [Alert] = []
        for row in rows {
            guard let beneficiary: String = try row[0], let date = LocalDate(try row[1] as String? ?? ""),
                  let route: String = try row[2], let direction = Direction(rawValue: try row[3] as String? ?? "") else { continue }
            let aboard = ChildAboard(beneficiaryId: beneficiary, routeId: route, date: date, direction: direction,
                                     boardingOpId: try row[4], boardingStopId: try row[5])
            if let alert = try childLeftAboard(db, aboard, now: now) { raised.append(alert) }
        }
        return raised
    }

    /// The alert for one child left aboard, once per child, ride and day. The merge of a `ride_closed` op calls
    /// this for each child the op lists as still aboard — one line: `try OfficeAlerts.childLeftAboard(db, aboard,
    /// now: now)` with `closedBy` set — and the alert goes out with that push's commit.
    @discardableResult
    public static func childLeftAboard(_ db: Database, _ aboard: ChildAboard, now: Date) throws -> Alert? {
        let name: String? = try db.scalar("SELECT surname || ' ' || given_name FROM beneficiary WHERE id = ?", [aboard.beneficiaryId])
        // A child listed aboard whom the server does not know (an older backup restored, a child added on the
        // device) is still a child on the bus: the alert names the id as the device sent it, so the office looks.
        let child = name ?? "bambino non riconosciuto dal server: \(aboard.beneficiaryId)"
        let shell = ServerShell.serving(db)
        let unknown: HintedText = name == nil
            ? """
                \nIl codice \(aboard.beneficiaryId) non corrisponde a nessun fruitore dell'anagrafica del server: cercare comunque \
                il bambino sullo scuolabus. Poi confrontare con i bambini iscritti alla linea:
                \(CommandHint.server("list", "beneficiaries", arguments: ["--route", aboard.routeId]))
                Se il bambino manca, importare l'anagrafica aggiornata del Comune, scrivendo al posto di FILE il file ricevuto:
                \(CommandHint.server("import", arguments: ["FILE"]))
                """
            : ""
        let routeName: String? = try db.scalar("SELECT name FROM route WHERE id = ?", [aboard.routeId])
        var ride = "\(Route.title(id: aboard.routeId, name: routeName)), \(aboard.direction.italian) del \(aboard.date.italian)"
        if let opID = aboard.boardingOpId, let op = try db.fetchOne("SELECT device_id, wall_time_ms FROM op WHERE id = ?", [opID]) {
            let deviceID: String = try op[0]
            let device: String = try db.scalar("SELECT name FROM device WHERE id = ?", [deviceID]) ?? deviceID
            // Named as the office reads them: the stop as the ride screen names it (a school's stop by the school's
            // own name, «Scuola primaria …»), the device as the device that recorded it.
            let stop = try aboard.boardingStopId.map { id -> String in
                if id == Ride.school { return "alla fermata della scuola" }
                if let site = Ride.schoolSite(id) {
                    return "alla fermata " + (try db.scalar("SELECT name FROM site WHERE id = ?", [site]) ?? "della scuola del plesso \(site)")
                }
                return "alla fermata " + (try db.scalar("SELECT name FROM stop WHERE id = ?", [id]) ?? id)
            }
            let at = Date(timeIntervalSince1970: Double(try op[1] as Int64) / 1000)
            ride += "; sale a bordo alle \(ItalianTime.time(at))" + (stop.map { " \($0)" } ?? "") + ", registrato dal dispositivo «\(device)»"
        }
        let why: String
        if let closed = aboard.closedBy {
            let device: String = try db.scalar("SELECT name FROM device WHERE id = ?", [closed.deviceId]) ?? closed.deviceId
            why = "la corsa è stata chiusa dal dispositivo «\(device)» alle \(ItalianTime.time(closed.at)) con il bambino ancora a bordo"
        } else {
            why = "nessuna discesa registrata \(RideChecks.graceMinutes) minuti dopo l'ultima fermata"
        }
        return try raise(
            db, kind: .childLeftAboard, key: aboard.eventKey, subject: aboard.beneficiaryId,
            title: "URGENTE: \(child) risulta ancora a bordo (linea \(aboard.routeId))",
            body: body("\(child) risulta ancora a bordo dello scuolabus: \(ride); \(why). Verificare subito con l'accompagnatore e la famiglia.\(unknown)",
                       shell: shell),
            sms: "Spunta URGENTE: \(child) ancora a bordo, linea \(aboard.routeId) \(aboard.direction.italian) del \(aboard.date.italian). Verificare subito.",
            now: now
        )
    }

    // MARK: Devices

    /// `open`: the `kind|subject` of the state alerts not yet cleared.
    static func silentDevices(_ db: Database, _ devices: [AdminQueries.DeviceStatus], open: Set<String>, now: Date) throws -> [Alert] {
        var raised: [Alert] = []
        for device in devices {
            guard device.silentInService, let lastSeen = device.lastSeenAt else {
                if open.contains("\(Kind.deviceSilent.rawValue)|\(device.id)") { try clear(db, kind: .deviceSilent, subject: device.id, now: now) }
                continue
            }
            let seen = ItalianTime.dateTime(stored: lastSeen)
            let pending = device.backlog?.pendingOps ?? 0
            let waiting = pending > 0 ? " All'ultimo contatto aveva \(pending) registrazioni da inviare." : ""
            let why = device.reasons.first { $0.code == "silent_in_service" }?.message ?? "nessun contatto durante il servizio"
            if let alert = try raise(
                db, kind: .deviceSilent, key: "\(Kind.deviceSilent.rawValue)|\(device.id)|\(lastSeen)", subject: device.id,
                title: "Dispositivo silenzioso: \(device.name)",
                body: "\(device.name) (\(device.id), \(device.roleItalian), \(device.scopeWords.joined(separator: ", "))): \(why). Ultimo contatto: \(seen).\(waiting) "
                    + "Controllare che sia acceso e in rete: le registrazioni restano sul dispositivo finché non si collega.",
                sms: "Spunta: \(device.name) silenzioso dalle \(ItalianTime.dateTime(stored: lastSeen)), durante il servizio.",
                now: now
            ) {
                raised.append(alert)
            }
        }
        return raised
    }

    static func wrongClocks(_ db: Database, _ devices: [AdminQueries.DeviceStatus], open: Set<String>, now: Date) throws -> [Alert] {
        var raised: [Alert] = []
        for device in devices {
            let isOpen = open.contains("\(Kind.clockWrong.rawValue)|\(device.id)")
            guard device.clockSkewed, !device.revoked, let offset = device.clockOffsetMs else {
                if isOpen { try clear(db, kind: .clockWrong, subject: device.id, now: now) }
                continue
            }
            // One event from when the clock is found wrong until it is found right again.
            guard !isOpen else { continue }
            let text = ItalianTime.offset(milliseconds: offset)
            if let alert = try raise(
                db, kind: .clockWrong, key: "\(Kind.clockWrong.rawValue)|\(device.id)|\(UTCTime.string(now, fractional: true))", subject: device.id,
                title: "Orologio sbagliato: \(device.name) (\(text))",
                body: "L'orologio di \(device.name) (\(device.id), \(device.roleItalian)) è sbagliato di \(text) rispetto al server. "
                    + "Le registrazioni restano in ordine, ma la data di quelle fatte vicino alla mezzanotte va verificata: "
                    + "impostare data, ora e fuso orario Europe/Rome (meglio con NTP).",
                sms: "Spunta: orologio di \(device.name) sbagliato di \(text).",
                now: now
            ) {
                raised.append(alert)
            }
        }
        return raised
    }

    // MARK: Conflicts

    /// Conflicts open for longer than the admin's limit, each reported once; those found in one run go out as
    /// one message.
    static func oldConflicts(_ db: Database, now: Date) throws -> [Alert] {
        let hours = try MonitoringSettings.conflictAlertHours(db)
        let before = UTCTime.string(now.addingTimeInterval(-Double(hours) * 3_600), fractional: true)
        // Only the key of each conflict not reported yet (id and opening, the alert's event key); the conflicts
        // themselves are read after, through the office's list (`AdminQueries.conflicts`).
        let old = try db.fetchAll("""
            SELECT id, opened_at FROM conflict c WHERE status = 'open' AND opened_at < ?
                AND NOT EXISTS (SELECT 1 FROM office_alert a WHERE a.event_key = 'conflict_old|' || c.id || '|' || c.opened_at)
            ORDER BY id
            """, [before]).map { (id: try $0[0] as Int64, openedAt: try $0[1] as String) }
        guard !old.isEmpty else { return [] }
        let ids = Set(old.map(\.id))
        let rows = try AdminQueries.conflicts(db, status: "open", date: nil).filter { ids.contains($0.id) }
        var lines: [String] = []
        for c in rows {
            lines.append("\(c.headline): \(c.summary)")
        }
        let title = "\(Counted.italian(old.count, "conflitto aperto", "conflitti aperti")) da più di \(Counted.italian(hours, "ora", "ore"))"
        let text = body("""
            \(title), da decidere:
            \(lines.joined(separator: "\n"))
            L'elenco, con il comando che chiude ciascuno:
            \(CommandHint.server("conflicts"))
            """, shell: ServerShell.serving(db))
        var raised: [Alert] = []
        // The first conflict's alert carries the message; the others are recorded so that each is reported once.
        for (index, conflict) in old.enumerated() {
            let key = "\(Kind.conflictOld.rawValue)|\(conflict.id)|\(conflict.openedAt)"
            if let alert = try raise(db, kind: .conflictOld, key: key, subject: String(conflict.id), title: title, body: text,
                                     sms: "Spunta: \(title).", now: now, send: index == 0) {
                raised.append(alert)
            }
        }
        return raised
    }

    // MARK: Raising and listing

    /// Ends the event of a state alert (the device is heard again, its clock is right again).
    static func clear(_ db: Database, kind: Kind, subject: String, now: Date) throws {
        try db.run("UPDATE office_alert SET cleared_at = ? WHERE kind = ? AND subject = ? AND cleared_at IS NULL",
                   [UTCTime.string(now, fractional: true), kind.rawValue, subject])
    }

    /// Records the event once and queues its message to every recipient; nil when the event was already raised.
    static func raise(
        _ db: Database, kind: Kind, key: String, subject: String, title: String, body: String, sms: String, now: Date, send: Bool = true
    ) throws -> Alert? {
        let stamp = UTCTime.string(now, fractional: true)
        try db.run("""
            INSERT OR IGNORE INTO office_alert (kind, event_key, subject, raised_at, title, body, messages) VALUES (?, ?, ?, ?, ?, ?, 0)
            """, [kind.rawValue, key, subject, stamp, title, body])
        guard db.changesCount > 0 else { return nil }
        let id = db.lastInsertedRowID
        var queued = 0
        if send {
            let recipients = try AlertRecipients.all(db)
            for recipient in recipients {
                let text = recipient.channel == .sms ? String(sms.prefix(300)) : body + "\n\n— Spunta, \(ItalianTime.dateTime(now))"
                if try MessageQueue.enqueue(db, key: "office_alert|\(key)|\(recipient.address)", kind: "office_alert_\(kind.rawValue)",
                                             channel: recipient.channel, recipient: recipient.address, subject: title, body: text,
                                             payer: nil, now: now) {
                    queued += 1
                }
            }
            try db.run("UPDATE office_alert SET messages = ?, awaiting_recipient = ? WHERE id = ?", [queued, recipients.isEmpty, id])
        }
        return try db.fetchOne("SELECT \(Alert.columns) FROM office_alert WHERE id = ?", [id]).map(Alert.init(row:))
    }

    /// How long an alert raised with nobody to receive it still goes to the first recipient added: the day the
    /// status page shows. Older ones are history by the time anybody reads them.
    public static let awaitingHours = 24

    /// Queues to `recipient` (just added) the alerts of the last `awaitingHours` that went to nobody and still
    /// matter — a device still silent or with its clock still wrong, a batch of old conflicts one of which is still
    /// open (its message lists them all), a child left aboard —
    /// so that an admin who sets the first recipient after the fact learns of them; returns them. Each is then
    /// no longer awaiting: a second recipient added later does not get it again.
    @discardableResult
    public static func queueAwaiting(_ db: Database, to recipient: AlertRecipients.Recipient, now: Date) throws -> [Alert] {
        let since = UTCTime.string(now.addingTimeInterval(-Double(awaitingHours) * 3_600), fractional: true)
        let rows = try db.fetchAll("""
            SELECT \(Alert.columns), event_key FROM office_alert a
            WHERE awaiting_recipient = 1 AND cleared_at IS NULL AND raised_at >= ?
                AND (kind <> 'conflict_old' OR EXISTS (
                    SELECT 1 FROM office_alert b JOIN conflict c ON CAST(c.id AS TEXT) = b.subject
                    WHERE b.kind = 'conflict_old' AND b.raised_at = a.raised_at AND c.status = 'open'))
            ORDER BY raised_at, id
            """, [since])
        var queued: [Alert] = []
        for row in rows {
            let alert = try Alert(row: row)
            let key: String = try row[9]
            let raised = ItalianTime.dateTime(stored: alert.raisedAt)
            let text = recipient.channel == .sms
                ? String("Spunta, avviso del \(raised): \(alert.title)".prefix(300))
                : alert.body + "\n\n— Spunta, avviso dato il \(raised) quando nessuno era indicato per riceverlo; inviato all'aggiunta di questo destinatario."
            let sent = try MessageQueue.enqueue(db, key: "office_alert|\(key)|\(recipient.address)", kind: "office_alert_\(alert.kind)",
                                                channel: recipient.channel, recipient: recipient.address, subject: alert.title, body: text,
                                                payer: nil, now: now)
            try db.run("UPDATE office_alert SET messages = messages + ?, awaiting_recipient = 0 WHERE id = ?", [sent ? 1 : 0, alert.id])
            if let updated = try db.fetchOne("SELECT \(Alert.columns) FROM office_alert WHERE id = ?", [alert.id]).map(Alert.init(row:)) {
                queued.append(updated)
            }
        }
        return queued
    }

    /// Alerts raised since `since` (all when nil), newest first, at most `limit`.
    public static func list(_ db: Database, since: Date? = nil, limit: Int = 200) throws -> [Alert] {
        var sql = "SELECT \(Alert.columns) FROM office_alert"
        var args: StatementArguments = []
        if let since {
            sql += " WHERE raised_at >= ?"
            args.append(UTCTime.string(since, fractional: true))
        }
        return try db.fetchAll(sql + " ORDER BY raised_at DESC, id DESC LIMIT \(max(1, limit))", args).map(Alert.init(row:))
    }
}
