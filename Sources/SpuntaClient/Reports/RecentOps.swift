import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// The device's last registrations with short numbers (ultime registrazioni), and the void of one of them by its
/// number. The numbers are those of the last listing shown, kept in the device database: a scan recorded in
/// another terminal in between does not shift them, so `spunta void 2` cancels what the person saw as 2.
public enum RecentOps {
    /// One registration as listed.
    public struct Entry: Encodable, Sendable, Equatable {
        /// 1 = the most recent.
        public let number: Int
        public let opId: String
        public let type: OpType
        /// "pasto (tessera)", "salita"…
        public let what: String
        public let beneficiaryId: String?
        public let name: String?
        public let className: String?
        /// When it was recorded, in Europe/Rome: `12:31`.
        public let time: String
        /// The business day it belongs to.
        public let date: LocalDate
        /// Already cancelled by a void.
        public let voided: Bool
        /// Refused by the server (it counts for nothing there).
        public let rejected: Bool

        enum CodingKeys: String, CodingKey {
            case number, opId = "op_id", type, what, beneficiaryId = "beneficiary_id", name, className = "class_name", time, date
            case voided, rejected
        }

        /// "pasto (tessera) di Rossi Mario (1A), 12:31 del 05/10/2026".
        public var italian: String {
            let who = [name.map { " di \($0)" }, className.map { " (\($0))" }].compactMap { $0 }.joined()
            return "\(what)\(who), \(time) del \(date.italian)"
        }
    }

    /// The last `limit` registrations of this device (voids themselves are not listed: a void is shown as the
    /// "annullata" mark of its target), numbered from the most recent; the numbering is kept for `void(number:)`.
    public static func list(_ db: Database, limit: Int, now: Date) throws -> [Entry] {
        let voided = Set(try db.fetchAll("""
            SELECT target_op_id FROM outbox WHERE type = 'void' AND state != 'rejected' AND target_op_id IS NOT NULL
            """).map { try $0[0] as String })
        let rows = try db.fetchAll("""
            SELECT json, state FROM outbox WHERE type != 'void' ORDER BY seq DESC LIMIT ?
            """, [max(1, limit)])
        var entries: [Entry] = []
        for (index, row) in rows.enumerated() {
            let op = try WireCoding.decode(Op.self, from: Data((try row[0] as String).utf8))
            entries.append(try entry(db, op, number: index + 1, voided: voided.contains(op.id), rejected: (try row[1] as String) == "rejected"))
        }
        try db.run("DELETE FROM recent_listing")
        for e in entries {
            try db.run("INSERT INTO recent_listing (number, op_id, shown_at) VALUES (?, ?, ?)",
                       [e.number, e.opId, UTCTime.string(now, fractional: false)])
        }
        return entries
    }

    /// The registration shown as `number` by the last listing.
    public static func shown(_ db: Database, number: Int) throws -> String {
        let listed: Int = try db.scalar("SELECT COUNT(*) FROM recent_listing") ?? 0
        guard listed > 0 else { throw ClientError.noListing }
        guard let id: String = try db.scalar("SELECT op_id FROM recent_listing WHERE number = ?", [number]) else {
            throw ClientError.notListed(number: number, count: listed)
        }
        return id
    }

    /// What an op of this device is, as a person reads it: "pasto (tessera) di Rossi Mario (1A), 12:31 del 05/10/2026".
    public static func describe(_ db: Database, _ op: Op) throws -> String {
        try entry(db, op, number: 0, voided: false, rejected: false).italian
    }

    /// What an op did: its kind, and which mark, period or absence it is ("appello (entrata alle 09:15)", "periodo di
    /// assenza (dal 02/11/2026 al 04/11/2026)"), so that a teacher choosing what to cancel sees which of the child's
    /// it is: a period is recorded on one day for other days, and the day listed is the one it was recorded.
    static func what(_ op: Op) -> String {
        switch op.body {
        case .attendanceMarked(let mark): return "\(op.type.italian) (\(mark.status.italian(at: mark.time)))"
        case .absencePeriodRecorded(let period): return "\(op.type.italian) (\(period.italianSpan))"
        case .absenceJustified(let justified): return "\(op.type.italian) (assenza del \(justified.absenceDate.italian))"
        default: return op.type.italian
        }
    }

    /// An op of this device as a person reads it, numbered `number`.
    static func entry(_ db: Database, _ op: Op, number: Int, voided: Bool, rejected: Bool) throws -> Entry {
        let replica = ReplicaStore(db)
        let child = try op.body.beneficiaryId.flatMap { try replica.beneficiary($0) }
        let className = try child?.classId.map { try replica.className($0) }
        return Entry(
            number: number, opId: op.id, type: op.type, what: what(op), beneficiaryId: op.body.beneficiaryId,
            name: child?.fullName ?? op.body.beneficiaryId, className: className,
            time: BusinessCalendar.time(of: Date(timeIntervalSince1970: Double(op.wallTimeMs) / 1000)).description,
            date: op.businessDate, voided: voided, rejected: rejected
        )
    }
}
