import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Periodi di assenza entered at the office (`spunta-server absences …`): each becomes an operator op merged like a
/// teacher's, checked by the same rule as a teacher's device of the child's class, published to that class's and
/// that site's devices, recorded in the audit trail, and cancelled by a void op like any other fact.
public enum OfficeAbsences {
    /// One absence period as the office lists it.
    public struct Entry: Encodable, Sendable, Equatable {
        public let opId: String
        public let beneficiaryId: String
        public let name: String
        public let classId: String
        public let fromDate: LocalDate
        public let toDate: LocalDate
        public let reason: String
        /// Who recorded it: a device's name, or "ufficio".
        public let recordedBy: String
        /// `applied` (in force), `voided` (annullato) or `rejected` (refused at push, with why).
        public let status: String
        public let rejectMessage: String?

        enum CodingKeys: String, CodingKey {
            case opId = "op_id", beneficiaryId = "beneficiary_id", name, classId = "class_id", fromDate = "from_date"
            case toDate = "to_date", reason, recordedBy = "recorded_by", status, rejectMessage = "reject_message"
        }

        /// "Rossi Anna (S01-1A) dal 02/12/2026 al 04/12/2026: influenza — in vigore".
        public var italian: String {
            let span = AbsencePeriod(beneficiaryId: beneficiaryId, classId: classId, fromDate: fromDate, toDate: toDate, reason: reason).italianSpan
            let state: String
            switch status {
            case "voided": state = "annullato"
            case "rejected": state = "rifiutato" + (rejectMessage.map { ": \($0)" } ?? "")
            default: state = "in vigore"
            }
            return "\(name) (\(beneficiaryId), \(classId)) \(span): \(reason) — \(state); registrato da \(recordedBy)"
        }
    }

    /// Why the office cannot record or cancel a period.
    public enum Problem: UserFacingError, HintingError {
        case unknownChild(String)
        case ambiguousChild(String, [String])
        case noClass(String)
        case refused(String)
        case unknownPeriod(String)
        case alreadyVoided(String)

        public var code: String {
            switch self {
            case .unknownChild: return "unknown_beneficiary"
            case .ambiguousChild: return "ambiguous_beneficiary"
            case .noClass: return "no_class"
            case .refused: return "refused"
            case .unknownPeriod: return "unknown_period"
            case .alreadyVoided: return "already_voided"
            }
        }

        public var userMessage: String { hintedMessage.description }

        public var hintedMessage: HintedText {
            switch self {
            case .unknownChild(let text):
                return "Nessun bambino con codice o cognome «\(text)»: controllare con \(CommandHint.server("list", "beneficiaries"))."
            case .ambiguousChild(let text, let names):
                return "«\(text)» indica più bambini: \(names.joined(separator: ", ")). Indicare il codice."
            case .noClass(let id):
                return "Il bambino \(id) non è in nessuna classe: un periodo di assenza vale per il registro della sua classe."
            case .refused(let message):
                return "\(message)"
            case .unknownPeriod(let id):
                return "Nessun periodo di assenza con numero \(id): vederli con \(CommandHint.server("absences", "list"))."
            case .alreadyVoided(let id):
                return "Il periodo di assenza \(id) è già annullato."
            }
        }
    }

    /// The child `text` names: a code (any case) or the beginning of the name, surname first, as the roll call reads it.
    public static func child(_ db: Database, named text: String) throws -> (id: String, name: String) {
        let typed = text.trimmingCharacters(in: .whitespaces)
        let rows = try db.fetchAll("SELECT id, surname, given_name FROM beneficiary WHERE deleted = 0 ORDER BY surname, given_name, id")
        let children = try rows.map { (id: try $0[0] as String, name: "\(try $0[1] as String) \(try $0[2] as String)", surname: try $0[1] as String) }
        switch NameKey.match(typed, among: children, id: \.id, fullName: \.name, surname: \.surname) {
        case .found(let child): return (child.id, child.name)
        case .none: throw Problem.unknownChild(typed)
        case .ambiguous(let matches): throw Problem.ambiguousChild(typed, matches.prefix(8).map { "\($0.name) (\($0.id))" })
        }
    }

    /// Records a period for the child (code or name) of their class, checked as a teacher's device of that class
    /// would be, and merges it. Returns the op's id.
    @discardableResult
    public static func add(
        _ db: Database, child text: String, from: LocalDate, to: LocalDate, reason: String, actor: String, now: Date
    ) throws -> String {
        let child = try child(db, named: text)
        guard let classID: String = try db.scalar("SELECT class_id FROM beneficiary WHERE id = ?", [child.id]) else {
            throw Problem.noClass(child.id)
        }
        let period = AbsencePeriod(beneficiaryId: child.id, classId: classID, fromDate: from, toDate: to,
                                   reason: reason.trimmingCharacters(in: .whitespacesAndNewlines))
        // The same checks as a teacher's device of the class: the office enters what the teacher could.
        let scope = DeviceScope(deviceId: OperatorOps.deviceID, role: .teacher, items: [ScopeItem(kind: .class, id: classID)])
        let validator = OpValidator(db: db, scope: scope)
        let probe = Op(id: "office-check", deviceId: OperatorOps.deviceID, instance: "server", seq: 1, hlc: .zero, wallTimeMs: 0,
                       businessDate: BusinessCalendar.date(of: now), body: .absencePeriodRecorded(period))
        try validator.prepare([probe])
        if case .rejected(let problem) = try validator.check(probe) { throw Problem.refused(problem.message) }
        let op = try OperatorOps.record(db, body: probe.body, date: probe.businessDate, keys: try validator.keys(of: probe), now: now)
        try AuditLog.record(db, actor: actor, action: "absence_period_add", subject: op.id, details: [
            "beneficiary_id": child.id, "class_id": classID, "from_date": from.description, "to_date": to.description, "reason": period.reason,
        ], at: now)
        return op.id
    }

    /// Cancels a period (anyone's: the office may void any fact) with a void op. Returns the void's id.
    @discardableResult
    public static func void(_ db: Database, opID: String, reason: String, actor: String, now: Date) throws -> String {
        guard let target = try MergeEngine.load(db, id: opID), target.type == .absencePeriodRecorded,
              target.mergeStatus != .rejected else {
            throw Problem.unknownPeriod(opID)
        }
        if target.mergeStatus == .voided { throw Problem.alreadyVoided(opID) }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw Problem.refused("Indicare il motivo dell'annullamento con --reason.") }
        let keys = Set(try db.fetchAll("SELECT s.scope_key FROM scope_log s JOIN op o ON o.log_seq = s.seq WHERE o.id = ?", [opID])
            .map { try $0[0] as String })
        let void = try OperatorOps.record(db, body: .void(VoidOp(targetOpId: opID, reason: reason)), date: target.businessDate,
                                          keys: keys.sorted(), now: now)
        try AuditLog.record(db, actor: actor, action: "absence_period_void", subject: opID, details: ["void_op_id": void.id, "reason": reason], at: now)
        return void.id
    }

    /// The periods recorded (by devices and the office), newest first; only a child's (id) or only those covering a day.
    public static func list(_ db: Database, beneficiary: String? = nil, covering day: LocalDate? = nil) throws -> [Entry] {
        var sql = """
            SELECT o.id, o.beneficiary_id, COALESCE(b.surname || ' ' || b.given_name, o.beneficiary_id), o.class_id, o.absence_date,
                o.absence_to, json_extract(o.body, '$.reason'), o.device_id, d.name, o.merge_status, o.reject_message
            FROM op o LEFT JOIN beneficiary b ON b.id = o.beneficiary_id LEFT JOIN device d ON d.id = o.device_id
            WHERE o.type = 'absence_period_recorded'
            """
        var args: StatementArguments = []
        if let beneficiary { sql += " AND o.beneficiary_id = ?"; args.append(beneficiary) }
        if let day { sql += " AND o.absence_date <= ? AND o.absence_to >= ?"; args += [day.description, day.description] }
        sql += " ORDER BY o.hlc DESC, o.id"
        return try db.fetchAll(sql, args).compactMap { row in
            guard let from = LocalDate(try row[4] as String? ?? ""), let to = LocalDate(try row[5] as String? ?? "") else { return nil }
            let device: String = try row[7]
            return Entry(
                opId: try row[0], beneficiaryId: try row[1], name: try row[2], classId: try row[3] as String? ?? "", fromDate: from,
                toDate: to, reason: try row[6] as String? ?? "",
                recordedBy: device == OperatorOps.deviceID ? "ufficio" : (try row[8] as String?) ?? device,
                status: try row[9], rejectMessage: try row[10]
            )
        }
    }
}
