import Foundation
import SpuntaDomain
import SpuntaExchange
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
    @discardableResult
    public static func run(_ db: Database, now: Date) throws -> [Message] {
        let today = BusinessCalendar.date(of: now)
        let time = BusinessCalendar.time(of: now)
        var data: MasterDataSet?
        func masterData() throws -> MasterDataSet {
            if let data { return data }
            // Only what a count reads: the shared tables, the children and their enrollments. Not the payers nor the
            // cards, which in a city are most of the master data, and which the writer would otherwise hold in
            // memory for the whole round (the server's peak of the day).
            var loaded = try MasterDataStore.shared(db)
            loaded.beneficiaries = try Beneficiary.allLive(db)
            loaded.enrollments = try Enrollment.allLive(db)
            data = loaded
            return loaded
        }
        // Today's register and master data by id, read once for all the sites of this round.
        var todays: MealCount.Day?
        func todaysFacts(_ data: MasterDataSet) throws -> MealCount.Day {
            if let todays { return todays }
            let day = try MealCount.Day(db, data: data, date: BusinessCalendar.date(of: now))
            todays = day
            return day
        }
        var kept: [Message] = []
        // Variations compare a fresh count with the last sent: when nothing entered the change log since the last
        // round of the same day (no op, no void, no import), the count is the same, and the master data need not be
        // read every minute of the morning.
        let head: Int64 = try db.scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
        let checked = "\(today)|\(head)"
        let unchanged = try db.scalar("SELECT value FROM server_meta WHERE key = 'caterer_checked'") as String? == checked
        // Earlier days whose served meals were never reported (the server was down at the end of the day).
        for row in try db.fetchAll("""
            SELECT c.site_id, c.business_date FROM caterer_message c
            WHERE c.kind = 'count' AND c.business_date < ?
                AND NOT EXISTS (SELECT 1 FROM caterer_message s WHERE s.site_id = c.site_id AND s.business_date = c.business_date AND s.kind = 'served')
            ORDER BY c.business_date, c.site_id
            """, [today.description]) {
            guard let date = LocalDate(try row[1] as String), let site = try masterData().sites.first(where: { $0.id == (try row[0] as String) })
            else { continue }
            kept += try served(db, data: try masterData(), site: site, date: date, now: now)
        }
        for site in try sites(db) where time >= site.cutoff {
            let sent = try messages(db, site: site.id, date: today)
            if sent.isEmpty {
                let data = try masterData()
                guard let site = data.sites.first(where: { $0.id == site.id }),
                      let count = try MealCount.compose(db, data: data, site: site, date: today, day: try todaysFacts(data)) else { continue }
                kept.append(try keep(db, site: site, count: count, kind: .count, number: 1,
                                     subject: MealCountText.subject(count, kind: .count), body: MealCountText.count(count, at: now),
                                     total: count.total, now: now))
            } else if sent.contains(where: { $0.kind == .served }) {
                continue
            } else if time >= servedReportTime {
                let data = try masterData()
                guard let site = data.sites.first(where: { $0.id == site.id }) else { continue }
                kept += try served(db, data: data, site: site, date: today, now: now)
            } else if !unchanged {
                let data = try masterData()
                guard let site = data.sites.first(where: { $0.id == site.id }),
                      let count = try MealCount.compose(db, data: data, site: site, date: today, day: try todaysFacts(data)),
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

        /// What was sent, in words: "conteggio 122 alle 09:30, 1 variazione (ora 123)", or "non ancora inviato".
        public var sentItalian: String {
            guard let first = sent.first(where: { $0.kind == .count }) else {
                return caterer == nil ? "nessuna ditta nell'anagrafica: non inviato" : "non ancora inviato (cut-off \(count.cutoff))"
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
        let data = try MasterDataStore.load(db)
        var result: [SiteMeals] = []
        let day = try MealCount.Day(db, data: data, date: date)
        for s in data.sites where site == nil || s.id == site {
            guard let count = try MealCount.compose(db, data: data, site: s, date: date, day: day) else { continue }
            let served: Int = try db.scalar("SELECT COUNT(DISTINCT beneficiary_id) FROM meal WHERE site_id = ? AND business_date = ?",
                                            [s.id, date.description]) ?? 0
            result.append(SiteMeals(count: count, caterer: s.caterer.map { "\($0.name) <\($0.email)>" },
                                    sent: try messages(db, site: s.id, date: date), served: served))
        }
        return result
    }
}
