import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// What admins and operators read: device status, conflicts, the audit trail.
public enum AdminQueries {
    /// A device seen from the server (stato del dispositivo).
    public struct DeviceStatus: Encodable, Sendable {
        public let id: String
        public let name: String
        public let role: String
        public let scope: [String]
        public let state: String
        public let enrolledAt: String?
        public let codeExpiresAt: String?
        public let label: String?
        public let lastSeenAt: String?
        public let lastPushAt: String?
        public let lastPullAt: String?
        public let opsReceived: Int
        /// Ops the server refused (each in `spunta-server audit --rejected` with its code).
        public let opsRejected: Int
        public let cursorLag: Int64
        public let clockOffsetMs: Int64?
        public let clockSkewed: Bool
        public let protocolVersion: Int?
        public let appVersion: String?
        public let lastError: String?
        public let lastErrorAt: String?
        public let revoked: Bool
        public let revokedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, name, role, scope, state, enrolledAt = "enrolled_at", codeExpiresAt = "code_expires_at", label
            case lastSeenAt = "last_seen_at", lastPushAt = "last_push_at", lastPullAt = "last_pull_at"
            case opsReceived = "ops_received", opsRejected = "ops_rejected", cursorLag = "cursor_lag", clockOffsetMs = "clock_offset_ms"
            case clockSkewed = "clock_skewed", protocolVersion = "protocol", appVersion = "app_version"
            case lastError = "last_error", lastErrorAt = "last_error_at", revoked, revokedAt = "revoked_at"
        }
    }

    /// Clock offsets beyond this are flagged on the status page: the tolerance the merge and the device use.
    public static let clockSkewFlagMs: Int64 = DeviceClock.toleranceMs
    /// A device not heard from for this long is `stale`.
    public static let staleAfterHours = 24.0

    public static func devices(_ db: Database, now: Date) throws -> [DeviceStatus] {
        let head = try ChangeLog.head(db)
        return try db.fetchAll("""
            SELECT id, name, role, scope, enrolled_at, code_expires_at, label, last_seen_at, last_push_at, last_pull_at,
                   ops_received, pulled_seq, clock_offset_ms, protocol, app_version, last_error, last_error_at, revoked_at,
                   blocked_reason, ops_rejected
            FROM device ORDER BY id
            """).map { row in
            let enrolled: String? = try row[4]
            let revokedAt: String? = try row[17]
            let blocked: String? = try row[18]
            let lastSeen: String? = try row[7]
            let offset: Int64? = try row[12]
            let codeExpires: String? = try row[5]
            let state: String
            if revokedAt != nil {
                state = "revoked"
            } else if blocked != nil {
                state = "blocked"
            } else if enrolled == nil {
                state = (codeExpires ?? "") < Timestamp.string(now) ? "code_expired" : "pending"
            } else if let lastSeen, lastSeen < Timestamp.string(now.addingTimeInterval(-staleAfterHours * 3600)) {
                state = "stale"
            } else {
                state = "ok"
            }
            return DeviceStatus(
                id: try row[0], name: try row[1], role: try row[2], scope: (try? DeviceRegistry.scopeItems(try row[3]).map(\.description)) ?? [],
                state: state, enrolledAt: enrolled, codeExpiresAt: enrolled == nil ? codeExpires : nil, label: try row[6],
                lastSeenAt: lastSeen, lastPushAt: try row[8], lastPullAt: try row[9], opsReceived: try row[10],
                opsRejected: try row[19], cursorLag: enrolled == nil ? 0 : max(0, head - (try row[11] as Int64)), clockOffsetMs: offset,
                clockSkewed: offset.map { abs($0) > clockSkewFlagMs } ?? false, protocolVersion: try row[13],
                appVersion: try row[14], lastError: try blocked.map { "bloccato: \($0)" } ?? row[15], lastErrorAt: try row[16],
                revoked: revokedAt != nil, revokedAt: revokedAt
            )
        }
    }

    // MARK: Conflicts

    public struct ConflictRow: Encodable, Sendable {
        public let id: Int64
        public let kind: String
        public let description: String
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
            case id, kind, description, beneficiaryId = "beneficiary_id", beneficiaryName = "beneficiary_name"
            case businessDate = "business_date", details, status, openedAt = "opened_at", resolvedAt = "resolved_at"
            case resolvedBy = "resolved_by", resolution, decision
        }
    }

    public static func conflicts(_ db: Database, status: String?, date: LocalDate?) throws -> [ConflictRow] {
        var sql = """
            SELECT c.id, c.kind, c.beneficiary_id, b.surname || ' ' || b.given_name, c.business_date, c.details, c.status,
                   c.opened_at, c.resolved_at, c.resolved_by, c.resolution, c.decision
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
        return try db.fetchAll(sql, args).map { row in
            let kind: String = try row[1]
            let details = (try? WireCoding.decode([String: JSONValue].self, from: Data((try row[5] as String).utf8))) ?? [:]
            return ConflictRow(
                id: try row[0], kind: kind, description: ConflictStore.Kind(rawValue: kind)?.italian ?? kind,
                beneficiaryId: try row[2], beneficiaryName: try row[3], businessDate: try row[4], details: details,
                status: try row[6], openedAt: try row[7], resolvedAt: try row[8], resolvedBy: try row[9], resolution: try row[10],
                decision: try row[11]
            )
        }
    }

    public enum ResolutionError: UserFacingError, Equatable {
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

        public var userMessage: String {
            switch self {
            case .unknownConflict(let id): return "Conflitto \(id) inesistente: l'elenco con spunta-server conflicts."
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
        guard let row = try db.fetchOne("""
            SELECT kind, status, beneficiary_id, business_date, details, subject, opened_at FROM conflict WHERE id = ?
            """, [id]) else {
            throw ResolutionError.unknownConflict(id)
        }
        guard (try row[1] as String) == "open" else { throw ResolutionError.alreadyResolved(id) }
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ResolutionError.emptyNote }
        let kind: String = try row[0]
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
            let facts = (try? WireCoding.decode([String: JSONValue].self, from: Data((try row[4] as String).utf8))) ?? [:]
            let stored: String? = try row[3]
            let recorded = facts["recorded_date"]?.description ?? stored ?? ""
            guard let setDate else {
                throw ResolutionError.dateRequired(id: id, recorded: recorded, likely: facts["likely_date"]?.description ?? "")
            }
            // Closed before the fact moves: voiding the op would otherwise forget the open conflict with it.
            try markResolved(db, id: id, row: row, note: trimmed, actor: actor, now: now)
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
                      let beneficiary: String = try row[2], let date = LocalDate(try row[3] as String? ?? "") else {
                    throw ResolutionError.statusNotApplicable(id)
                }
                let opID = try OperatorOps.markAttendance(db, beneficiary: beneficiary, date: date, status: setStatus, time: setTime, now: now)
                details["set_status"] = setStatus.rawValue
                if let setTime { details["set_time"] = setTime.description }
                details["op_id"] = opID
            }
            try markResolved(db, id: id, row: row, note: trimmed, actor: actor, decision: decision, now: now)
        }
        try AuditLog.record(db, actor: actor, action: "conflict_resolve", subject: String(id), details: details, at: now)
    }

    /// Marks the conflict resolved; `row` is the conflict as it was read before any correction (kind, status,
    /// beneficiary, date, details, subject, opened at).
    private static func markResolved(
        _ db: Database, id: Int64, row: Row, note: String, actor: String, decision: String? = nil, now: Date
    ) throws {
        try db.run("""
            UPDATE conflict SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?, decision = ? WHERE id = ?
            """, [Timestamp.string(now), actor, note, decision, id])
        if db.changesCount == 0 {
            // The correction settled the disagreement, and the merge forgets a conflict nobody resolved yet: the
            // operator's decision is put back as it was reviewed, resolved, so that the history keeps it.
            try db.run("""
                INSERT INTO conflict (id, kind, subject, beneficiary_id, business_date, details, status, opened_at, resolved_at,
                    resolved_by, resolution, decision)
                VALUES (?, ?, ?, ?, ?, ?, 'resolved', ?, ?, ?, ?, ?)
                """, [id, try row[0] as String, try row[5] as String, try row[2] as String?, try row[3] as String?,
                      try row[4] as String, try row[6] as String, Timestamp.string(now), actor, note, decision])
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
                at: Timestamp.string(milliseconds: try row[0]), kind: "op", actor: try row[1], action: try row[2],
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
