import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

/// Lo sportello delle tessere: the office's card chores — the faces to print for a class, a site, a route or named
/// children (issuing a card to whoever has none), a lost card replaced, each child's cards listed. Every change is
/// one transaction with its change-log entries, so the devices that scan the child learn it at their next pull, and
/// one audit entry naming who did it.
public enum CardDesk {
    /// What `reissue` did.
    public struct Reissue: Sendable, Encodable {
        public let beneficiaryId: String
        /// The cards revoked (normally one: the child's active card; none if the child had no card).
        public let revoked: [String]
        /// The new card's id and its QR payload.
        public let issued: String
        public let payload: String

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", revoked, issued, payload
        }
    }

    /// The faces of the selected children's active cards, ordered by class, surname and name, for printing. A child
    /// without an active card is issued one now (in the change log and the audit trail, as `issued` says).
    public static func faces(
        _ db: Database, _ selection: CardSelection, actor: String, now: Date
    ) throws -> (faces: [CardFace], issued: [String]) {
        let children = try self.children(db, selection, today: BusinessCalendar.date(of: now))
        guard !children.isEmpty else { throw CardError.nobodySelected(selection.italian) }
        let municipality: String = try db.scalar("SELECT name FROM municipality WHERE id = 1") ?? ""
        var faces: [CardFace] = []
        var issued: [String] = []
        for child in children {
            var card = try activeCard(db, child: child)
            if card == nil {
                let id = try issue(db, child: child, now: now)
                issued.append(id)
                card = id
            }
            guard let card else { continue }
            faces.append(try face(db, child: child, card: card, municipality: municipality))
        }
        faces.sort { ($0.className ?? "", $0.surname, $0.givenName, $0.beneficiaryId) < ($1.className ?? "", $1.surname, $1.givenName, $1.beneficiaryId) }
        try AuditLog.record(db, actor: actor, action: "cards_print", subject: selection.italian, details: [
            "cards": faces.count, "issued": issued,
        ], at: now)
        return (faces, issued)
    }

    /// Replaces a child's card (lost, damaged): the active card is revoked today with `reason`, a new one is issued.
    /// Devices refuse the old card as revoked once they have pulled, and accept the new one.
    public static func reissue(_ db: Database, child: String, reason: String, actor: String, now: Date) throws -> Reissue {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CardError.missingReason }
        guard try exists(db, "beneficiary", child) else { throw CardError.unknownChild(child) }
        let active = try db.fetchAll(
            "SELECT id FROM card WHERE beneficiary_id = ? AND deleted = 0 AND revoked_on IS NULL ORDER BY id", [child]
        ).map { try $0[0] as String }
        for id in active {
            try db.run("UPDATE card SET revoked_on = ?, revoked_at = ?, revoked_reason = ? WHERE id = ?",
                       [BusinessCalendar.date(of: now).description, UTCTime.string(now, fractional: true), reason, id])
            try ChangeLog.record(db, entity: EntityKind.cards.rawValue, id: id, action: .upsert, keys: try ScopeIndex.keys(db, .cards, id), at: now)
        }
        let issued = try issue(db, child: child, now: now)
        try AuditLog.record(db, actor: actor, action: "card_reissue", subject: child, details: [
            "revoked": active, "issued": issued, "reason": reason,
        ], at: now)
        return Reissue(beneficiaryId: child, revoked: active, issued: issued, payload: CardPayload.prefix + issued)
    }

    /// A new card for `child`, issued now, and its change-log entry; the id is drawn again in the unlikely case it
    /// is taken.
    static func issue(_ db: Database, child: String, now: Date) throws -> String {
        var id = CardID.random().text
        while try exists(db, "card", id, live: false) { id = CardID.random().text }
        try db.run("INSERT INTO card (id, beneficiary_id, issued_on, issued_at, deleted) VALUES (?, ?, ?, ?, 0)",
                   [id, child, BusinessCalendar.date(of: now).description, UTCTime.string(now, fractional: true)])
        try ChangeLog.record(db, entity: EntityKind.cards.rawValue, id: id, action: .upsert, keys: try ScopeIndex.keys(db, .cards, id), at: now)
        return id
    }

    /// One card of one child, as `cards list` shows it.
    public struct Row: Sendable, Encodable {
        public let beneficiaryId: String
        public let surname: String
        public let givenName: String
        public let classId: String?
        public let cardId: String
        public let payload: String
        public let active: Bool
        public let issuedOn: String
        /// UTC ISO 8601; nil for a card that came with the Comune's files (only its day is known).
        public let issuedAt: String?
        public let revokedOn: String?
        public let revokedAt: String?
        public let reason: String?

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", surname, givenName = "given_name", classId = "class_id", cardId = "card_id", payload
            case active, issuedOn = "issued_on", issuedAt = "issued_at", revokedOn = "revoked_on", revokedAt = "revoked_at", reason
        }
    }

    /// Every card, active and revoked, of the children of a class, of one child, or of everybody; by class, child, and
    /// issue (the active card last).
    public static func list(_ db: Database, schoolClass: String? = nil, child: String? = nil) throws -> [Row] {
        if let schoolClass, !(try exists(db, "school_class", schoolClass)) { throw CardError.unknownClass(schoolClass) }
        if let child, !(try exists(db, "beneficiary", child)) { throw CardError.unknownChild(child) }
        return try db.fetchAll("""
            SELECT b.id, b.surname, b.given_name, b.class_id, k.id, k.issued_on, k.issued_at, k.revoked_on, k.revoked_at, k.revoked_reason
            FROM card k JOIN beneficiary b ON b.id = k.beneficiary_id AND b.deleted = 0
            WHERE k.deleted = 0 AND (?1 IS NULL OR b.class_id = ?1) AND (?2 IS NULL OR b.id = ?2)
            ORDER BY b.class_id, b.surname, b.given_name, b.id, k.revoked_on IS NULL, k.issued_on, k.id
            """, [schoolClass, child]).map { row in
            let card: String = try row[4]
            let revokedOn: String? = try row[7]
            return Row(beneficiaryId: try row[0], surname: try row[1], givenName: try row[2], classId: try row[3], cardId: card,
                       payload: CardPayload.prefix + card, active: revokedOn == nil, issuedOn: try row[5], issuedAt: try row[6],
                       revokedOn: revokedOn, revokedAt: try row[8], reason: try row[9])
        }
    }

    // MARK: Selection

    /// The children a selection names, each once; an unknown class, site, route or child is refused.
    static func children(_ db: Database, _ selection: CardSelection, today: LocalDate) throws -> [String] {
        let live = "e.deleted = 0 AND (e.end_date IS NULL OR e.end_date >= ?)"
        let ids: [String]
        switch selection {
        case .schoolClass(let id):
            guard try exists(db, "school_class", id) else { throw CardError.unknownClass(id) }
            ids = try strings(db, "SELECT id FROM beneficiary WHERE class_id = ? AND deleted = 0", [id])
        case .site(let id):
            guard try exists(db, "site", id) else { throw CardError.unknownSite(id) }
            ids = try strings(db, """
                SELECT b.id FROM beneficiary b JOIN school_class c ON c.id = b.class_id AND c.deleted = 0
                WHERE b.deleted = 0 AND c.site_id = ?1
                UNION
                SELECT b.id FROM beneficiary b JOIN enrollment e ON e.beneficiary_id = b.id
                WHERE b.deleted = 0 AND e.site_id = ?1 AND \(live.replacingOccurrences(of: "?", with: "?2"))
                """, [id, today.description])
        case .route(let id):
            guard try exists(db, "route", id) else { throw CardError.unknownRoute(id) }
            ids = try strings(db, """
                SELECT DISTINCT b.id FROM beneficiary b JOIN enrollment e ON e.beneficiary_id = b.id
                WHERE b.deleted = 0 AND e.route_id = ? AND \(live)
                """, [id, today.description])
        case .children(let list):
            var seen: Set<String> = []
            var ordered: [String] = []
            for id in list where !seen.contains(id) {
                guard try exists(db, "beneficiary", id) else { throw CardError.unknownChild(id) }
                seen.insert(id)
                ordered.append(id)
            }
            ids = ordered
        }
        return ids
    }

    private static func activeCard(_ db: Database, child: String) throws -> String? {
        try db.scalar("SELECT id FROM card WHERE beneficiary_id = ? AND deleted = 0 AND revoked_on IS NULL ORDER BY issued_on DESC, id LIMIT 1", [child])
    }

    /// The face of `card`: the class, its school and year; for a child without a class, the school and year of the
    /// child's latest enrollment.
    private static func face(_ db: Database, child: String, card: String, municipality: String) throws -> CardFace {
        guard let row = try db.fetchOne("""
            SELECT b.surname, b.given_name, c.name, s.name, y.start_date, y.end_date
            FROM beneficiary b LEFT JOIN school_class c ON c.id = b.class_id AND c.deleted = 0
            LEFT JOIN site s ON s.id = c.site_id LEFT JOIN school_year y ON y.id = c.year_id
            WHERE b.id = ?
            """, [child]) else { throw CardError.unknownChild(child) }
        let className: String? = try row[2]
        var school: String? = try row[3]
        var years: (String?, String?) = (try row[4], try row[5])
        if className == nil, let enrolled = try db.fetchOne("""
            SELECT s.name, y.start_date, y.end_date FROM enrollment e JOIN service v ON v.id = e.service_id
            LEFT JOIN site s ON s.id = e.site_id LEFT JOIN school_year y ON y.id = v.year_id
            WHERE e.beneficiary_id = ? AND e.deleted = 0 ORDER BY e.start_date DESC, e.id LIMIT 1
            """, [child]) {
            school = try enrolled[0]
            years = (try enrolled[1], try enrolled[2])
        }
        var schoolYear: String?
        if let start = years.0.flatMap({ LocalDate($0) }), let end = years.1.flatMap({ LocalDate($0) }) {
            let short = end.year % 100
            schoolYear = "\(start.year)/\(short < 10 ? "0" : "")\(short)"
        }
        return CardFace(beneficiaryId: child, surname: try row[0], givenName: try row[1], className: className, schoolName: school,
                        schoolYear: schoolYear, municipality: municipality, cardId: card, payload: CardPayload.prefix + card)
    }

    private static func exists(_ db: Database, _ table: String, _ id: String, live: Bool = true) throws -> Bool {
        let sql = "SELECT 1 FROM \(table) WHERE id = ?" + (live ? " AND deleted = 0" : "")
        return try db.fetchOne(sql, [id]) != nil
    }

    private static func strings(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try db.fetchAll(sql, arguments).map { try $0[0] as String }
    }
}
