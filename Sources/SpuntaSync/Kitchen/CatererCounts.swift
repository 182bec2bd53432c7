import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Sends each site's caterer the day's count at the site's cut-off, then a short variation for each later change
/// (a late roll call, a child arriving after the cut-off), then at the end of the day the meals served against the
/// count — queued in the one outbox (e-mail) in the same transaction that keeps what was sent (`caterer_message`).
///
/// Who runs it: `spunta-server serve` with the office alerts, every minute (`AlertMonitor`), and `spunta-server
/// meals send` for setups that prefer cron. Every round reads the clock it is given, so a test drives the day.
/// A round is one write transaction, and each message has a key: rounds after a restart, or two at once, queue
/// nothing twice.
public enum CatererCounts {
    /// When the served meals are reported (the canteens have closed).
    public static let servedReportTime = LocalTime(hour: 16, minute: 0)!

    public enum Kind: String, Sendable, Encodable {
        case count, variation, served

        public var italian: String {
            switch self {
            case .count: return "conteggio"
            case .variation: return "variazione"
            case .served: return "pasti serviti"
            }
        }
    }

    /// A message kept for a site and day.
    public struct Message: Sendable, Encodable, Equatable {
        public let siteId: String
        public let date: LocalDate
        public let kind: Kind
        public let number: Int
        public let createdAt: String
        /// The caterer's address; nil when the site has no caterer in the master data (kept, not sent).
        public let recipient: String?
        public let subject: String
        public let body: String
        /// Meals counted in after this message (served meals for `served`).
        public let total: Int

        enum CodingKeys: String, CodingKey {
            case siteId = "site_id", date, kind, number, createdAt = "created_at", recipient, subject, body, total
        }
    }

    /// One round at `now`: counts due, variations, served reports. Returns the messages kept in this round.
    ///
    /// A round holds one site's facts at a time (`MealCount.Day(_:shared:date:site:)`), never the city's: the
    /// writer's memory follows the largest school. And it reads only the sites that need it: those due for their
    /// count or their served report, and, for a variation, those whose children the change log names since the last
    /// round of the same day (`changedSites`) — a site sent and left alone costs nothing.
    @discardableResult
    public static func run(_ db: Database, now: Date) throws -> [Message] {
        let today = BusinessCalendar.date(of: now)
        let time = BusinessCalendar.time(of: now)
        var data: MasterDataSet?
        var sitesByID: [String: Site] = [:]
        func shared() throws -> MasterDataSet {
            if let data { return data }
            let loaded = try MasterDataStore.shared(db)
            data = loaded
            sitesByID = Dictionary(loaded.sites.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            return loaded
        }
        func site(_ id: String) throws -> Site? {
            _ = try shared()
            return sitesByID[id]
        }
        func compose(_ site: Site) throws -> MealCount? {
            let data = try shared()
            return try MealCount.compose(db, data: data, site: site, date: today,
                                         day: try MealCount.Day(db, shared: data, date: today, site: site.id))
        }
        var kept: [Message] = []
        // Variations compare a fresh count with the last sent: only a site whose children the change log names since
        // the last round of the same day can have changed (nil: any may have).
        let head: Int64 = try db.scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
        let checked = "\(today)|\(head)"
        let last: String? = try db.scalar("SELECT value FROM server_meta WHERE key = 'caterer_checked'")
        var changed: Set<String>??
        func hasChanged(_ id: String) throws -> Bool {
            if changed == nil { changed = .some(try changedSites(db, checked: last, today: today)) }
            return (changed ?? nil)?.contains(id) ?? true
        }
        // Earlier days whose served meals were never reported (the server was down at the end of the day).
        for row in try db.fetchAll("""
            SELECT c.site_id, c.business_date FROM caterer_message c
            WHERE c.kind = 'count' AND c.business_date < ?
                AND NOT EXISTS (SELECT 1 FROM caterer_message s WHERE s.site_id = c.site_id AND s.business_date = c.business_date AND s.kind = 'served')
            ORDER BY c.business_date, c.site_id
            """, [today.description]) {
            guard let date = LocalDate(try row[1] as String), let site = try site(try row[0]) else { continue }
            kept += try served(db, data: try shared(), site: site, date: date, now: now)
        }
        for due in try sites(db) where time >= due.cutoff {
            let sent = try messages(db, site: due.id, date: today)
            if sent.isEmpty {
                guard let site = try site(due.id), let count = try compose(site) else { continue }
                kept.append(try keep(db, site: site, count: count, kind: .count, number: 1,
                                     subject: MealCountText.subject(count, kind: .count), body: MealCountText.count(count, at: now),
                                     total: count.total, now: now))
            } else if sent.contains(where: { $0.kind == .served }) {
                continue
            } else if time >= servedReportTime {
                guard let site = try site(due.id) else { continue }
                kept += try served(db, data: try shared(), site: site, date: today, now: now)
            } else if try hasChanged(due.id) {
                guard let site = try site(due.id), let count = try compose(site),
                      let before = try lastChildren(db, site: site.id, date: today) else { continue }
                let changes = count.changes(since: before)
                guard !changes.added.isEmpty || !changes.removed.isEmpty else { continue }
                let number = sent.filter { $0.kind == .variation }.count + 1
                let previous = sent.last?.total ?? before.count
                kept.append(try keep(db, site: site, count: count, kind: .variation, number: number,
                                     subject: MealCountText.subject(count, kind: .variation),
                                     body: MealCountText.variation(count, added: changes.added, removed: changes.removed, previous: previous, at: now),
                                     total: count.total, now: now))
            }
        }
        try db.run("INSERT OR REPLACE INTO server_meta (key, value) VALUES ('caterer_checked', ?)", [checked])
        return kept
    }

    /// What a change of these master data touches is shared by many sites (a site's cut-off, a service's days, a
    /// class or diet name) or may move a child between sites (an enrollment: its former site is no longer written
    /// down): every site is counted again. Payers, cards, balances, routes and tariffs are not in a count.
    static let everySiteEntities: Set<String> = [
        EntityKind.municipality, .schoolYears, .sites, .classes, .services, .diets, .enrollments,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// The ops that can change a child's mark of the day (`MergeEngine.recomputeAttendance`), and the voids of them.
    static let registerOps = [OpType.attendanceMarked, .absencePeriodRecorded, .absenceJustified].map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Whether the register op `alias` can change the register of the day `?2` (a count reads that day's marks and roll
    /// calls only): a mark of that day, a period covering it; a justification is kept whatever its day. A device that
    /// sends a past day's roll call late, or a day pushed in bulk, thus makes no site of today's counts composed again.
    static func touchesDay(_ alias: String) -> String {
        """
        (\(alias).type != '\(OpType.attendanceMarked.rawValue)' OR \(alias).business_date = ?2)
            AND (\(alias).type != '\(OpType.absencePeriodRecorded.rawValue)' OR (\(alias).absence_date <= ?2 AND \(alias).absence_to >= ?2))
        """
    }

    /// The sites whose count may differ from when the round that wrote `checked` ("date|seq") ran: those where a
    /// child is enrolled whose register or record entered the change log since `seq`. Nil when the last round was
    /// another day, or when the change log names master data that every site reads (`everySiteEntities`).
    static func changedSites(_ db: Database, checked: String?, today: LocalDate) throws -> Set<String>? {
        guard let checked, let bar = checked.firstIndex(of: "|"), checked[..<bar] == today.description,
              let seq = Int64(checked[checked.index(after: bar)...]) else { return nil }
        for row in try db.fetchAll("SELECT DISTINCT entity FROM change_log WHERE seq > ?", [seq]) {
            if everySiteEntities.contains(try row[0] as String) { return nil }
        }
        var sites: Set<String> = []
        for row in try db.fetchAll("""
            SELECT e.site_id FROM change_log c JOIN enrollment e ON e.beneficiary_id = c.entity_id
            WHERE c.seq > ?1 AND c.entity = '\(EntityKind.beneficiaries.rawValue)' AND e.site_id IS NOT NULL
            UNION
            SELECT e.site_id FROM change_log c JOIN op o ON o.id = c.entity_id JOIN enrollment e ON e.beneficiary_id = o.beneficiary_id
            WHERE c.seq > ?1 AND c.entity = 'op' AND o.type IN (\(registerOps)) AND \(touchesDay("o")) AND e.site_id IS NOT NULL
            UNION
            SELECT e.site_id FROM change_log c JOIN op o ON o.id = c.entity_id JOIN op t ON t.id = o.target_op_id
                JOIN enrollment e ON e.beneficiary_id = t.beneficiary_id
            WHERE c.seq > ?1 AND c.entity = 'op' AND o.type = '\(OpType.void.rawValue)' AND t.type IN (\(registerOps)) AND \(touchesDay("t"))
                AND e.site_id IS NOT NULL
            """, [seq, today.description]) {
            sites.insert(try row[0])
        }
        return sites
    }

    /// The live sites with their cut-off (cheap: no master data load when nothing is due).
    private static func sites(_ db: Database) throws -> [(id: String, cutoff: LocalTime)] {
        try db.fetchAll("SELECT id, meal_count_cutoff FROM site WHERE deleted = 0 ORDER BY id").compactMap { row in
            guard let cutoff = LocalTime(try row[1] as String) else { return nil }
            return (try row[0], cutoff)
        }
    }

    /// What was sent for a site and day, in order.
    public static func messages(_ db: Database, site: String, date: LocalDate) throws -> [Message] {
        try db.fetchAll("""
            SELECT site_id, business_date, kind, number, created_at, recipient, subject, body, total FROM caterer_message
            WHERE site_id = ? AND business_date = ? ORDER BY created_at, kind, number
            """, [site, date.description]).compactMap { row in
            guard let date = LocalDate(try row[1] as String), let kind = Kind(rawValue: try row[2]) else { return nil }
            return Message(siteId: try row[0], date: date, kind: kind, number: try row[3], createdAt: try row[4], recipient: try row[5],
                           subject: try row[6], body: try row[7], total: try row[8])
        }
    }

    /// The children counted in by the last count or variation sent.
    private static func lastChildren(_ db: Database, site: String, date: LocalDate) throws -> [MealCount.Child]? {
        guard let json: String = try db.scalar("""
            SELECT numbers FROM caterer_message WHERE site_id = ? AND business_date = ? AND kind IN ('count', 'variation')
            ORDER BY created_at DESC, kind DESC, number DESC LIMIT 1
            """, [site, date.description]) else { return nil }
        return try JSONDecoder().decode(MealCount.self, from: Data(json.utf8)).children
    }

    private static func served(_ db: Database, data: MasterDataSet, site: Site, date: LocalDate, now: Date) throws -> [Message] {
        guard let children = try lastChildren(db, site: site.id, date: date) else { return [] }
        var served: Set<String> = []
        for row in try db.fetchAll("SELECT DISTINCT beneficiary_id FROM meal WHERE site_id = ? AND business_date = ?", [site.id, date.description]) {
            served.insert(try row[0])
        }
        let report = ServedReport(siteId: site.id, siteName: site.name, date: date, counted: children, served: served,
                                  classNames: Dictionary(data.classes.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }))
        let count = try JSONDecoder().decode(MealCount.self, from: Data((try db.scalar(
            "SELECT numbers FROM caterer_message WHERE site_id = ? AND business_date = ? AND kind = 'count'", [site.id, date.description]
        ) as String? ?? "{}").utf8))
        return [try keep(db, site: site, count: count, kind: .served, number: 1, subject: MealCountText.subject(count, kind: .served),
                         body: MealCountText.served(report), total: served.count, now: now)]
    }

    private static func keep(
        _ db: Database, site: Site, count: MealCount, kind: Kind, number: Int, subject: String, body: String, total: Int, now: Date
    ) throws -> Message {
        let numbers = String(decoding: try JSONEncoder().encode(count), as: UTF8.self)
        let createdAt = UTCTime.string(now, fractional: true)
        try db.run("""
            INSERT INTO caterer_message (site_id, business_date, kind, number, created_at, recipient, subject, body, total, numbers)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [site.id, count.date.description, kind.rawValue, number, createdAt, site.caterer?.email, subject, body, total, numbers])
        if let caterer = site.caterer {
            try MessageQueue.enqueue(db, key: "caterer|\(site.id)|\(count.date)|\(kind.rawValue)|\(number)", kind: "caterer_\(kind.rawValue)",
                                      channel: .email, recipient: caterer.email, subject: subject, body: body, payer: nil, now: now)
        }
        return Message(siteId: site.id, date: count.date, kind: kind, number: number, createdAt: createdAt, recipient: site.caterer?.email,
                       subject: subject, body: body, total: total)
    }
}

/// The meals served at a site on a day against the children counted in (the count and its variations).
public struct ServedReport: Sendable {
    public let siteId: String
    public let siteName: String
    public let date: LocalDate
    public let counted: [MealCount.Child]
    /// Children with a meal recorded at the site that day.
    public let served: Set<String>
    public let classNames: [String: String]

    /// Per class: counted, and served of those counted, plus served though not counted.
    public var classes: [(name: String, counted: Int, served: Int)] {
        var byClass: [String: (counted: Int, served: Int)] = [:]
        for child in counted {
            var line = byClass[child.classId] ?? (0, 0)
            line.counted += 1
            if served.contains(child.beneficiaryId) { line.served += 1 }
            byClass[child.classId] = line
        }
        return byClass.map { (classNames[$0.key] ?? $0.key, $0.value.counted, $0.value.served) }.sorted { $0.name < $1.name }
    }

    /// Served though not counted in (a child counted out who ate all the same).
    public var servedNotCounted: Int { served.subtracting(counted.map(\.beneficiaryId)).count }
}

extension CatererCounts {
    /// One site's meals of a day for the office: the numbers as they stand now, what was sent to the caterer, the
    /// meals served so far. `spunta-server meals` and the admin page read this, the same composition the caterer gets.
    public struct SiteMeals: Sendable, Encodable {
        public let count: MealCount
        /// The caterer as "Nome <indirizzo>", nil when the master data names none (nothing is sent).
        public let caterer: String?
        public let sent: [Message]
        public let served: Int

        enum CodingKeys: String, CodingKey {
            case count, caterer, sent, served
        }

        /// The classes without a roll call synced, by name.
        public var classesWithoutRollCall: [String] { count.classes.filter { !$0.rollCallReceived }.map(\.className) }

        /// What was sent, in words that follow "inviato:" (the office's listing, the status page's column "Inviato alla
        /// ditta"): "conteggio 122 alle 09:30, 1 variazione (ora 123)", or "non ancora (ora limite 09:30)".
        public var sentItalian: String {
            guard let first = sent.first(where: { $0.kind == .count }) else {
                return caterer == nil ? "no, nessuna ditta nell'anagrafica" : "non ancora (ora limite \(count.cutoff))"
            }
            let at = UTCTime.date(first.createdAt).map(ItalianTime.time) ?? first.createdAt
            var text = "conteggio \(first.total) alle \(at)"
            let variations = sent.filter { $0.kind == .variation }
            if let last = variations.last { text += ", \(Counted.italian(variations.count, "variazione", "variazioni")) (ora \(last.total))" }
            if let served = sent.first(where: { $0.kind == .served }) { text += ", serviti \(served.total) (resoconto inviato)" }
            if caterer == nil { text += " (nessuna ditta nell'anagrafica: non inviato)" }
            return text
        }
    }

    /// The meals of `date` per site (only `site` when given) where a meal service runs that day.
    public static func report(_ db: Database, date: LocalDate, site: String? = nil) throws -> [SiteMeals] {
        let data = try MasterDataStore.shared(db)
        var result: [SiteMeals] = []
        for s in data.sites where site == nil || s.id == site {
            let day = try MealCount.Day(db, shared: data, date: date, site: s.id)
            guard let count = try MealCount.compose(db, data: data, site: s, date: date, day: day) else { continue }
            let served: Int = try db.scalar("SELECT COUNT(DISTINCT beneficiary_id) FROM meal WHERE site_id = ? AND business_date = ?",
                                            [s.id, date.description]) ?? 0
            result.append(SiteMeals(count: count, caterer: s.caterer.map { "\($0.name) <\($0.email)>" },
                                    sent: try messages(db, site: s.id, date: date), served: served))
        }
        return result
    }
}
