import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// What billing waits for (rendiconti trattenuti): facts whose day is in doubt because the device that recorded
/// them had a wrong clock (an open `clock_skew` conflict). Until an operator says which day the fact belongs to,
/// the statements of the child's payers (the primary one, and those with a share) of the month it was recorded in and of the month it likely belongs to are not issued —
/// otherwise a meal recorded on 01/12 by a door one day ahead would be billed in December and again, as the
/// other door's meal of 30/11, in November — and prepaid credit is not debited for it.
public enum BillingHolds {
    /// An open clock conflict, with whom and which months it concerns.
    public struct ClockDoubt: Sendable {
        public let conflictId: Int64
        public let opId: String
        public let opType: String
        public let deviceId: String
        public let deviceName: String?
        public let beneficiaryId: String
        public let beneficiaryName: String?
        /// The primary payer, whose statements bill the child.
        public let payerId: String?
        /// Every payer whose statements bill the child: the primary payer, and the payers with a share of the cost.
        public let payerIds: [String]
        public let recordedDate: LocalDate
        public let likelyDate: LocalDate

        public var periods: Set<BillingPeriod> { [recordedDate.period, likelyDate.period] }
    }

    /// A draft statement that cannot be issued yet, and the doubt that holds it.
    public struct Hold: Encodable, Sendable, Equatable {
        public let statementId: Int64
        public let payerId: String
        public let payerName: String
        public let period: String
        public let conflictId: Int64
        public let opId: String
        public let beneficiaryId: String
        public let beneficiaryName: String?
        public let deviceId: String
        public let deviceName: String?
        public let recordedDate: String
        public let likelyDate: String
        /// Why, in Italian, with what to do.
        public let reason: String
        /// `reason` with its commands kept as `CommandHint`s, for the command line to write with the archive the
        /// user named.
        public let hint: HintedText

        enum CodingKeys: String, CodingKey {
            case statementId = "statement_id", payerId = "payer_id", payerName = "payer_name", period, conflictId = "conflict_id"
            case opId = "op_id", beneficiaryId = "beneficiary_id", beneficiaryName = "beneficiary_name", deviceId = "device_id"
            case deviceName = "device_name", recordedDate = "recorded_date", likelyDate = "likely_date", reason
        }
    }

    /// The open clock conflicts. Read with the op's facts out of the details (json_extract) and the names and payers
    /// they concern (joins), not as `ConflictRecord`s: a hold needs those, and the conflict's own columns only as keys.
    public static func clockDoubts(_ db: Database) throws -> [ClockDoubt] {
        try db.fetchAll("""
            SELECT c.id, json_extract(c.details, '$.op_id'), json_extract(c.details, '$.op_type'), json_extract(c.details, '$.device_id'),
                   d.name, c.beneficiary_id, b.surname || ' ' || b.given_name,
                   (SELECT payer_id FROM beneficiary_payer p WHERE p.beneficiary_id = c.beneficiary_id ORDER BY p.is_primary DESC, p.position LIMIT 1),
                   c.business_date, json_extract(c.details, '$.likely_date'),
                   (SELECT group_concat(payer_id, ',') FROM beneficiary_payer p WHERE p.beneficiary_id = c.beneficiary_id AND p.share IS NOT NULL)
            FROM conflict c
            LEFT JOIN device d ON d.id = json_extract(c.details, '$.device_id')
            LEFT JOIN beneficiary b ON b.id = c.beneficiary_id
            WHERE c.kind = ? AND c.status = 'open' ORDER BY c.id
            """, [ConflictStore.Kind.clockSkew.rawValue]).compactMap { row in
            guard let opID: String = try row[1], let beneficiary: String = try row[5],
                  let recorded = LocalDate(try row[8] as String? ?? ""), let likely = LocalDate(try row[9] as String? ?? "") else {
                return nil
            }
            let primary: String? = try row[7]
            let sharing = ((try row[10] as String?) ?? "").split(separator: ",").map(String.init).sorted()
            return ClockDoubt(
                conflictId: try row[0], opId: opID, opType: try row[2] ?? "", deviceId: try row[3] ?? "", deviceName: try row[4],
                beneficiaryId: beneficiary, beneficiaryName: try row[6], payerId: primary,
                payerIds: (primary.map { [$0] } ?? []) + sharing.filter { $0 != primary }, recordedDate: recorded, likelyDate: likely
            )
        }
    }

    /// The draft statements of `period` (of one payer, or all) held by an open clock conflict: those of the payer
    /// for the month the fact was recorded in or likely belongs to, and any whose lines come from the fact.
    public static func statements(_ db: Database, period: BillingPeriod, payer: String?) throws -> [Hold] {
        var holds: [Hold] = []
        for doubt in try clockDoubts(db) {
            // The ids of the drafts held (the payer's of the month, and those billing the fact); each is then read
            // whole with its payer's name.
            var ids: [Int64] = []
            for payerID in doubt.payerIds where doubt.periods.contains(period) && (payer == nil || payer == payerID) {
                if let id: Int64 = try db.scalar("SELECT id FROM statement WHERE payer_id = ? AND period = ? AND status = 'draft'",
                                                 [payerID, period.description]) {
                    ids.append(id)
                }
            }
            var sql = """
                SELECT DISTINCT s.id FROM statement s JOIN statement_line l ON l.statement_id = s.id
                WHERE s.period = ? AND s.status = 'draft' AND instr(l.source_ops, ?) > 0
                """
            var args: StatementArguments = [period.description, "\"\(doubt.opId)\""]
            if let payer { sql += " AND s.payer_id = ?"; args.append(payer) }
            for row in try db.fetchAll(sql, args) {
                let id: Int64 = try row[0]
                if !ids.contains(id) { ids.append(id) }
            }
            for id in ids {
                guard let row = try db.fetchOne("""
                    SELECT \(StatementHeader.columns(of: "s")), y.surname || ' ' || y.given_name FROM statement s
                    LEFT JOIN payer y ON y.id = s.payer_id WHERE s.id = ?
                    """, [id]) else { continue }
                let s = try StatementHeader(row: row)
                holds.append(Hold(
                    statementId: id, payerId: s.payerId, payerName: try row[StatementHeader.columnCount] ?? "", period: period.description, conflictId: doubt.conflictId,
                    opId: doubt.opId, beneficiaryId: doubt.beneficiaryId, beneficiaryName: doubt.beneficiaryName, deviceId: doubt.deviceId,
                    deviceName: doubt.deviceName, recordedDate: doubt.recordedDate.description, likelyDate: doubt.likelyDate.description,
                    reason: reason(doubt, period: period).description, hint: reason(doubt, period: period)
                ))
            }
        }
        return holds.sorted { ($0.statementId, $0.conflictId) < ($1.statementId, $1.conflictId) }
    }

    /// The ops whose day is in doubt: prepaid charges that come from them are not posted yet.
    static func doubtfulOps(_ db: Database) throws -> Set<String> {
        Set(try clockDoubts(db).map(\.opId))
    }

    /// Why a statement waits, and what settles it.
    static func reason(_ doubt: ClockDoubt, period: BillingPeriod) -> HintedText {
        let what = OpType(rawValue: doubt.opType)?.italian ?? "registrazione"
        let device = doubt.deviceName.map { "«\($0)» (\(doubt.deviceId))" } ?? doubt.deviceId
        let child = doubt.beneficiaryName.map { "\($0) (\(doubt.beneficiaryId))" } ?? doubt.beneficiaryId
        let resolve = { (date: LocalDate) in
            CommandHint.server("conflicts", "resolve", arguments: ["\(doubt.conflictId)", "--set-date", date.description, "--note", "MOTIVO"])
        }
        let run = CommandHint.server("billing", "run", arguments: ["--period", period.description])
        let issue = CommandHint.server("billing", "issue", arguments: ["--period", period.description])
        return """
            \(child): \(what) del \(doubt.recordedDate.italian) secondo il dispositivo \(device), che aveva l'orologio sbagliato; \
            probabilmente è del \(doubt.likelyDate.italian). Per spostarlo al \(doubt.likelyDate.italian) \(resolve(doubt.likelyDate)). \
            Per confermarlo al \(doubt.recordedDate.italian) \(resolve(doubt.recordedDate)). Poi ripetere \(run), poi \(issue).
            """
    }
}
