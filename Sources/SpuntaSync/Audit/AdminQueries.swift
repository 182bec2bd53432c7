import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// What admins and operators read: device status, conflicts, the audit trail.
public enum AdminQueries {
    /// A device seen from the server (stato del dispositivo). Instants are UTC ISO 8601; `state` and the reasons'
    /// codes are stable, their `message` is Italian.
    public struct DeviceStatus: Encodable, Sendable {
        public let id: String
        public let name: String
        public let role: String
        public let scope: [String]
        /// The scope as the office reads it, item by item (`ScopeWords`): "classe 1A (S02)". Not in the JSON, which
        /// keeps the stored form.
        public let scopeWords: [String]
        public let state: DeviceHealth.State
        public let reasons: [DeviceHealth.Reason]
        /// Silent within its service hours (what the office is alerted about).
        public let silentInService: Bool
        public let enrolledAt: String?
        public let codeExpiresAt: String?
        public let label: String?
        public let lastSeenAt: String?
        public let secondsSinceSeen: Int?
        public let lastPushAt: String?
        public let lastPullAt: String?
        public let opsReceived: Int
        /// Ops the server refused (each in `spunta-server audit --rejected` with its code).
        public let opsRejected: Int
        /// Entries of the server's change log after the device's last download: news it has yet to fetch (at most).
        public let cursorLag: Int64
        public let clockOffsetMs: Int64?
        public let clockSkewed: Bool
        public let protocolVersion: Int?
        public let appVersion: String?
        public let lastError: String?
        public let lastErrorAt: String?
        public let revoked: Bool
        public let revokedAt: String?
        public let backlog: Backlog?

        /// What the device last reported waiting on it (`Spunta-Device-Backlog`).
        public struct Backlog: Encodable, Sendable {
            public let pendingOps: Int
            public let oldestPendingSince: String?
            public let oldestPendingAgeSeconds: Int?
            public let lastError: String?
            public let lastErrorCode: String?
            public let lastErrorAt: String?
            public let reportedAt: String

            enum CodingKeys: String, CodingKey {
                case pendingOps = "pending_ops", oldestPendingSince = "oldest_pending_since", oldestPendingAgeSeconds = "oldest_pending_age_s"
                case lastError = "last_error", lastErrorCode = "last_error_code", lastErrorAt = "last_error_at", reportedAt = "reported_at"
            }
        }

        enum CodingKeys: String, CodingKey {
            case id, name, role, scope, state, reasons, silentInService = "silent_in_service", enrolledAt = "enrolled_at"
            case codeExpiresAt = "code_expires_at", label, lastSeenAt = "last_seen_at", secondsSinceSeen = "seconds_since_seen"
            case lastPushAt = "last_push_at", lastPullAt = "last_pull_at"
            case opsReceived = "ops_received", opsRejected = "ops_rejected", cursorLag = "cursor_lag", clockOffsetMs = "clock_offset_ms"
            case clockSkewed = "clock_skewed", protocolVersion = "protocol", appVersion = "app_version"
            case lastError = "last_error", lastErrorAt = "last_error_at", revoked, revokedAt = "revoked_at", backlog
        }

        /// `Ruolo` in words.
        public var roleItalian: String { DeviceRole(rawValue: role)?.italian ?? role }
    }

    /// Every device with its state at `now` under the admin's rules.
    public static func devices(_ db: Database, now: Date) throws -> [DeviceStatus] {
        let head = try ChangeLog.head(db)
        let rules = try HealthRule.all(db)
        let calendar = try ServiceCalendar(db)
        let offsets = try ClockOffsets.current(db)
        let today = BusinessCalendar.date(of: now)
        let words = try ScopeWords(db)
        return try db.fetchAll("""
            SELECT id, name, role, scope, enrolled_at, code_expires_at, label, last_seen_at, last_push_at, last_pull_at,
                   ops_received, pulled_seq, protocol, app_version, last_error, last_error_at, revoked_at, blocked_reason,
                   backlog_ops, backlog_oldest_since, backlog_error, backlog_error_code, backlog_error_at, backlog_reported_at, ops_rejected
            FROM device ORDER BY id
            """).map { row in
            let id: String = try row[0]
            let role = DeviceRole(rawValue: try row[2]) ?? .teacher
            let scope = (try? DeviceRegistry.scopeItems(try row[3])) ?? []
            let enrolled: String? = try row[4]
            let codeExpires: String? = try row[5]
            let lastSeen: String? = try row[7]
            let revokedAt: String? = try row[16]
            let blocked: String? = try row[17]
            let backlogOps: Int? = try row[18]
            let oldestSince: String? = try row[19]
            let lastSeenAt = lastSeen.flatMap { UTCTime.date($0) }
            let oldestSinceAt = oldestSince.flatMap { UTCTime.date($0) }
            func secondsAgo(_ instant: Date) -> Int { max(0, Int(now.timeIntervalSince(instant))) }
            let offset = offsets[id]
            guard let rule = rules[role] else { throw HealthRule.RuleError.missingRule(role) }
            let assessment = DeviceHealth.assess(DeviceHealth.Facts(
                enrolled: enrolled != nil, revoked: revokedAt != nil, codeExpiresAt: codeExpires.flatMap { UTCTime.date($0) },
                blockedReason: blocked, lastSeen: lastSeenAt, clockOffsetMs: offset,
                backlogOps: backlogOps, backlogOldestSince: oldestSinceAt,
                serviceDay: calendar.isServiceDay(today, scope: scope)
            ), rule: rule, now: now)
            var backlog: DeviceStatus.Backlog?
            if let backlogOps, let reported: String = try row[23] {
                backlog = DeviceStatus.Backlog(
                    pendingOps: backlogOps, oldestPendingSince: oldestSince,
                    oldestPendingAgeSeconds: oldestSinceAt.map(secondsAgo),
                    lastError: try row[20], lastErrorCode: try row[21], lastErrorAt: try row[22], reportedAt: reported
                )
            }
            return DeviceStatus(
                id: id, name: try row[1], role: role.rawValue, scope: scope.map(\.description), scopeWords: scope.map { words.italian($0) },
                state: assessment.state,
                reasons: assessment.reasons, silentInService: assessment.silentInService,
                enrolledAt: enrolled, codeExpiresAt: enrolled == nil ? codeExpires : nil, label: try row[6],
                lastSeenAt: lastSeen, secondsSinceSeen: lastSeenAt.map(secondsAgo),
                lastPushAt: try row[8], lastPullAt: try row[9], opsReceived: try row[10], opsRejected: try row[24],
                cursorLag: enrolled == nil ? 0 : max(0, head - (try row[11] as Int64)), clockOffsetMs: offset,
                clockSkewed: ClockOffsets.isWrong(offset), protocolVersion: try row[12],
                appVersion: try row[13], lastError: try blocked.map { "bloccato: \($0)" } ?? row[14], lastErrorAt: try row[15],
                revoked: revokedAt != nil, revokedAt: revokedAt, backlog: backlog
            )
        }
    }

    // MARK: Conflicts

    public struct ConflictRow: Encodable, Sendable {
        public let id: Int64
        public let kind: String
        public let description: String
        /// The conflict in words: who recorded what, when, and what the merge decided (`ConflictNarrative`).
        public let summary: String
        public let beneficiaryId: String?
        public let beneficiaryName: String?
        public let businessDate: String?
        public let details: [String: JSONValue]
        public let status: String
        public let openedAt: String
        public let resolvedAt: String?
        public let resolvedBy: String?
        public let resolution: String?
        /// For a conflict with a billing consequence, what the office decided: `bill` or `no_bill`.
        public let decision: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, description, summary, beneficiaryId = "beneficiary_id", beneficiaryName = "beneficiary_name"
            case businessDate = "business_date", details, status, openedAt = "opened_at", resolvedAt = "resolved_at"
            case resolvedBy = "resolved_by", resolution, decision
        }

        public var isResolved: Bool { status == "resolved" }

        /// "#12 30/10/2026 Presenza in disaccordo — Rossi Mario": how the office names a conflict in the list, the
        /// alert and the status page alike.
        public var headline: String {
            let day = businessDate.flatMap { LocalDate($0) }?.italian ?? ""
            let child = (beneficiaryName ?? beneficiaryId).map { " — \($0)" } ?? ""
            return "#\(id) \(day) \(description)\(child)"
        }

        /// The command that closes this conflict with a note: MOTIVO is the reader's, how it was decided.
        public var resolveCommand: CommandHint {
            CommandHint.server("conflicts", "resolve", arguments: ["\(id)", "--note", "MOTIVO"])
        }

        /// "risolto da mrossi il 30/10/2026 10:12: telefonato alla maestra"; nil while open.
        public var resolutionItalian: String? {
            guard isResolved else { return nil }
            let when = resolvedAt.map { " il \(ItalianTime.dateTime(stored: $0))" } ?? ""
            let decided = decision.map { $0 == "bill" ? " (corsa da addebitare)" : " (corsa non addebitata)" } ?? ""
            return "risolto da \(resolvedBy ?? "?")\(when)\(decided)" + (resolution.map { ": \($0)" } ?? "")
        }
    }

    /// How many conflicts were opened and then forgotten because a later op settled them before anyone reviewed
    /// them (`ConflictStore.settle`): their numbers are never given again, so the list shows gaps, and the office
    /// is told why. The conflict table's own sequence counts every number ever given.
    public static func settledConflictCount(_ db: Database) throws -> Int {
        let given: Int = try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'conflict'") ?? 0
        let kept: Int = try db.scalar("SELECT COUNT(*) FROM conflict") ?? 0
        return max(0, given - kept)
    }

    public static func conflicts(_ db: Database, status: String?, date: LocalDate?) throws -> [ConflictRow] {
        var sql = """
            SELECT \(ConflictRecord.columns(of: "c")), b.surname || ' ' || b.given_name
            FROM conflict c LEFT JOIN beneficiary b ON b.id = c.beneficiary_id WHERE 1 = 1
            """
        var args: StatementArguments = []
        if let status {
            sql += " AND c.status = ?"
            args.append(status)
        }
        if let date {
            sql += " AND c.business_date = ?"
            args.append(date.description)
        }
        sql += " ORDER BY c.business_date, c.id"
        let narrative = try ConflictNarrative(db)
        return try db.fetchAll(sql, args).map { row in
            let c = try ConflictRecord(row: row)
            let details = (try? WireCoding.decode([String: JSONValue].self, from: Data(c.details.utf8))) ?? [:]
            return ConflictRow(
                id: c.id, kind: c.kind, description: ConflictStore.Kind(rawValue: c.kind)?.italian ?? c.kind,
                summary: try narrative.summary(kind: c.kind, details: details, beneficiary: c.beneficiaryId, date: c.businessDate),
                beneficiaryId: c.beneficiaryId, beneficiaryName: try row[ConflictRecord.columnCount], businessDate: c.businessDate,
                details: details, status: c.status, openedAt: c.openedAt, resolvedAt: c.resolvedAt, resolvedBy: c.resolvedBy,
                resolution: c.resolution, decision: c.decision
            )
        }
    }

    public enum ResolutionError: UserFacingError, HintingError, Equatable {
        case unknownConflict(Int64)
        case alreadyResolved(Int64)
        case emptyNote
        case statusNotApplicable(Int64)
        /// A time goes with a late entry or an early exit only.
        case timeWithoutTimedStatus
        /// --set-date is for a fact dated by a wrong clock only.
        case dateNotApplicable(Int64)
        /// A clock conflict is closed by saying which day the fact belongs to.
        case dateRequired(id: Int64, recorded: String, likely: String)
        case billNotApplicable(Int64)

        public var code: String {
            switch self {
            case .unknownConflict: return "unknown_conflict"
            case .alreadyResolved: return "already_resolved"
            case .emptyNote: return "empty_note"
            case .statusNotApplicable: return "status_not_applicable"
            case .timeWithoutTimedStatus: return "time_without_timed_status"
            case .dateNotApplicable: return "date_not_applicable"
            case .dateRequired: return "date_required"
            case .billNotApplicable: return "bill_not_applicable"
            }
        }

        public var userMessage: String { hintedMessage.description }

        public var hintedMessage: HintedText {
            switch self {
            case .unknownConflict(let id): return "Conflitto \(id) inesistente: l'elenco con \(CommandHint.server("conflicts"))."
            case .alreadyResolved(let id): return "Il conflitto \(id) è già risolto."
            case .emptyNote: return "Scrivere con --note come è stato risolto il conflitto (resta nel registro di audit)."
            case .statusNotApplicable(let id):
                return "--set-status vale solo per i conflitti di appello (il conflitto \(id) è di altro tipo)."
            case .timeWithoutTimedStatus:
                return "--set-time va con --set-status late_entry o early_exit: l'orario di un'entrata posticipata o di un'uscita anticipata."
            case .dateNotApplicable(let id):
                return "--set-date vale solo per i conflitti di orologio sbagliato (il conflitto \(id) è di altro tipo)."
            case .dateRequired(let id, let recorded, let likely):
                let r = LocalDate(recorded)?.italian ?? recorded, l = LocalDate(likely)?.italian ?? likely
                return "Il conflitto \(id) riguarda un fatto registrato il \(r) da un dispositivo con l'orologio sbagliato: probabilmente "
                    + "era il \(l). Indicare il giorno giusto con --set-date \(likely) (lo sposta) oppure --set-date \(recorded) (lo conferma)."
            case .billNotApplicable(let id):
                return "--bill vale solo per le corse di bambini non iscritti alla linea (il conflitto \(id) è di altro tipo)."
            }
        }
    }

    /// Closes a conflict with the operator's note. For a register disagreement the operator may also set the mark
    /// (with its time for a late entry or an early exit), recorded as an operator op that wins over the devices'
    /// marks. A fact dated by a wrong clock is closed by saying which day it belongs to: its own day confirms it,
    /// another day moves it there through operator ops (a void and the same fact on that day). For a ride of a child
    /// not enrolled on the route, `bill` is the office's decision: billed as a ride, or (the default) not billed.
    public static func resolve(
        _ db: Database, id: Int64, note: String, setStatus: AttendanceStatus?, setTime: LocalTime? = nil, setDate: LocalDate? = nil,
        bill: Bool = false, actor: String, now: Date
    ) throws {
        guard let conflict = try ConflictRecord.load(db, id: id) else { throw ResolutionError.unknownConflict(id) }
        guard conflict.isOpen else { throw ResolutionError.alreadyResolved(id) }
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ResolutionError.emptyNote }
        let kind = conflict.kind
        var details: [String: any Sendable] = ["conflict_id": id, "kind": kind, "note": trimmed]
        if setTime != nil && setStatus != .lateEntry && setStatus != .earlyExit { throw ResolutionError.timeWithoutTimedStatus }
        // A ride of a child not enrolled is billed only if the office says so: the resolution is that decision.
        var decision: String?
        if kind == ConflictStore.Kind.rideNotEnrolled.rawValue {
            decision = bill ? "bill" : "no_bill"
            details["decision"] = decision
        } else if bill {
            throw ResolutionError.billNotApplicable(id)
        }
        if kind == ConflictStore.Kind.clockSkew.rawValue {
            if setStatus != nil { throw ResolutionError.statusNotApplicable(id) }
            let facts = (try? WireCoding.decode([String: JSONValue].self, from: Data(conflict.details.utf8))) ?? [:]
            let recorded = facts["recorded_date"]?.description ?? conflict.businessDate ?? ""
            guard let setDate else {
                throw ResolutionError.dateRequired(id: id, recorded: recorded, likely: facts["likely_date"]?.description ?? "")
            }
            // Closed before the fact moves: voiding the op would otherwise forget the open conflict with it.
            try markResolved(db, conflict, note: trimmed, actor: actor, now: now)
            details["set_date"] = setDate.description
            if setDate.description != recorded, let opID = facts["op_id"]?.description {
                let moved = try OperatorOps.move(db, opID: opID, to: setDate, reason: "Spostato al \(setDate.italian): \(trimmed)", now: now)
                details["void_op_id"] = moved.void
                details["op_id"] = moved.moved
            }
        } else {
            if setDate != nil { throw ResolutionError.dateNotApplicable(id) }
            if let setStatus {
                guard kind == ConflictStore.Kind.attendanceDisagreement.rawValue || kind == ConflictStore.Kind.absentButAte.rawValue,
                      let beneficiary = conflict.beneficiaryId, let date = LocalDate(conflict.businessDate ?? "") else {
                    throw ResolutionError.statusNotApplicable(id)
                }
                let opID = try OperatorOps.markAttendance(db, beneficiary: beneficiary, date: date, status: setStatus, time: setTime, now: now)
                details["set_status"] = setStatus.rawValue
                if let setTime { details["set_time"] = setTime.description }
                details["op_id"] = opID
            }
            try markResolved(db, conflict, note: trimmed, actor: actor, decision: decision, now: now)
        }
        try AuditLog.record(db, actor: actor, action: "conflict_resolve", subject: String(id), details: details, at: now)
    }

    /// Marks the conflict resolved; `conflict` is as it was read before any correction.
    private static func markResolved(
        _ db: Database, _ conflict: ConflictRecord, note: String, actor: String, decision: String? = nil, now: Date
    ) throws {
        let at = UTCTime.string(now, fractional: true)
        if try !ConflictRecord.markResolved(db, id: conflict.id, at: at, by: actor, resolution: note, decision: decision) {
            // The correction settled the disagreement, and the merge forgets a conflict nobody resolved yet: the
            // operator's decision is put back as it was reviewed, resolved, so that the history keeps it.
            var resolved = conflict
            resolved.status = "resolved"
            resolved.resolvedAt = at
            resolved.resolvedBy = actor
            resolved.resolution = note
            resolved.decision = decision
            try resolved.insertKeepingId(db)
        }
    }

    // MARK: Audit trail

    public struct AuditEntry: Encodable, Sendable {
        public let at: String
        public let kind: String
        public let actor: String
        public let action: String
        public let subject: String
        public let status: String?
        public let businessDate: String?
        public let details: [String: JSONValue]

        enum CodingKeys: String, CodingKey {
            case at, kind, actor, action, subject, status, businessDate = "business_date", details
        }
    }

    /// Ops as merged (with their status) and admin actions, in time order; with `rejectedOnly`, only the ops
    /// the server refused (each with its code and message).
    public static func audit(_ db: Database, device: String?, date: LocalDate?, rejectedOnly: Bool = false) throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var sql = """
            SELECT received_ms, device_id, type, id, merge_status, business_date, body, reject_code, reject_message, scope_flag
            FROM op WHERE 1 = 1
            """
        var args: StatementArguments = []
        if let device { sql += " AND device_id = ?"; args.append(device) }
        if let date { sql += " AND business_date = ?"; args.append(date.description) }
        if rejectedOnly { sql += " AND merge_status = 'rejected'" }
        sql += " ORDER BY received_ms, id"
        for row in try db.fetchAll(sql, args) {
            var details = (try? WireCoding.decode([String: JSONValue].self, from: Data((try row[6] as String).utf8))) ?? [:]
            if let code: String = try row[7] { details["reject_code"] = .string(code) }
            if let message: String = try row[8] { details["reject_message"] = .string(message) }
            if let flag: String = try row[9] { details["scope_flag"] = .string(flag) }
            entries.append(AuditEntry(
                at: UTCTime.string(milliseconds: try row[0], fractional: true), kind: "op", actor: try row[1], action: try row[2],
                subject: try row[3], status: try row[4], businessDate: try row[5], details: details
            ))
        }
        // Admin actions are no refusal: the list of refused ops leaves them out.
        if !rejectedOnly {
            var adminSQL = "SELECT recorded_at, actor, action, subject, details FROM audit_log WHERE 1 = 1"
            var adminArgs: StatementArguments = []
            if let device { adminSQL += " AND (actor = ? OR subject = ?)"; adminArgs += [device, device] }
            if let date { adminSQL += " AND substr(recorded_at, 1, 10) = ?"; adminArgs.append(date.description) }
            for row in try db.fetchAll(adminSQL + " ORDER BY id", adminArgs) {
                let details = (try? WireCoding.decode([String: JSONValue].self, from: Data((try row[4] as String).utf8))) ?? [:]
                entries.append(AuditEntry(
                    at: try row[0], kind: "admin", actor: try row[1], action: try row[2], subject: try row[3], status: nil,
                    businessDate: nil, details: details
                ))
            }
        }
        return entries.sorted { ($0.at, $0.kind, $0.subject) < ($1.at, $1.kind, $1.subject) }
    }
}

// MARK: Today

extension AdminQueries {
    /// I numeri di oggi: meals served per site, rides still open, children aboard — for the status page and
    /// `spunta-server today`.
    public struct TodayNumbers: Encodable, Sendable {
        public struct SiteMeals: Encodable, Sendable {
            public let siteId: String
            public let name: String
            public let meals: Int

            enum CodingKeys: String, CodingKey { case siteId = "site_id", name, meals }
        }

        public let date: String
        public let mealsBySite: [SiteMeals]
        /// Routes and directions with a child boarded and not yet off, that their attendant has not closed (a ride
        /// closed with a child aboard is over: the child counts among those aboard, and the office was alerted).
        public let ridesOpen: Int
        public let childrenAboard: Int

        enum CodingKeys: String, CodingKey { case date, mealsBySite = "meals_by_site", ridesOpen = "rides_open", childrenAboard = "children_aboard" }

        public var mealsTotal: Int { mealsBySite.reduce(0) { $0 + $1.meals } }
    }

    /// Today's numbers as merged so far (the business day of `now` in Rome). Every site where a meal service is
    /// delivered is listed, with 0 when nothing was served yet.
    public static func today(_ db: Database, now: Date) throws -> TodayNumbers {
        let day = BusinessCalendar.date(of: now).description
        let meals = try db.fetchAll("""
            SELECT s.id, s.name, (SELECT COUNT(*) FROM meal m WHERE m.site_id = s.id AND m.business_date = ?)
            FROM site s
            WHERE s.deleted = 0 AND (
                EXISTS (SELECT 1 FROM service_site x JOIN service v ON v.id = x.service_id
                        WHERE x.site_id = s.id AND v.deleted = 0 AND v.kind IN ('canteen', 'nursery'))
                OR EXISTS (SELECT 1 FROM meal m WHERE m.site_id = s.id AND m.business_date = ?))
            ORDER BY s.id
            """, [day, day]).map { TodayNumbers.SiteMeals(siteId: try $0[0], name: try $0[1], meals: try $0[2]) }
        // The day's closings, read once through the (child, day) index: a closing names no child.
        let aboard = try db.fetchOne("""
            WITH closed AS (
                SELECT DISTINCT route_id || '|' || direction AS ride FROM op
                WHERE beneficiary_id IS NULL AND business_date = ? AND type = 'ride_closed' AND merge_status = 'applied')
            SELECT COUNT(*), COUNT(DISTINCT CASE WHEN r.route_id || '|' || r.direction NOT IN (SELECT ride FROM closed)
                THEN r.route_id || '|' || r.direction END)
            FROM ride r
            WHERE r.business_date = ? AND r.boarding_op_id IS NOT NULL AND r.alighting_op_id IS NULL
            """, [day, day])
        return TodayNumbers(date: day, mealsBySite: meals, ridesOpen: try aboard?[1] ?? 0, childrenAboard: try aboard?[0] ?? 0)
    }
}
