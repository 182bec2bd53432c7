import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// What the device knows happened: its own ops and the other devices' ops it pulled, without the voided
/// ones. Scanning asks it "already served today?", the roll call "what is the mark?", and both answer with the
/// server's own merge rules (`MergeRules`) over these facts.
struct LocalFacts {
    let db: Database
    let deviceId: String

    /// One op as the device knows it: the fact the merge rules read (whose fields read through: `fact.status`…),
    /// and whether this device recorded it.
    @dynamicMemberLookup
    struct Fact {
        let op: OpFact
        let own: Bool
        /// For the stand-in mark of a day covered by an absence period (no mark of the day): the period.
        var period: AbsencePeriod? = nil

        subscript<T>(dynamicMember field: KeyPath<OpFact, T>) -> T { op[keyPath: field] }
    }

    /// The ops about a child on a day, oldest first by HLC, voided ones left out.
    func facts(beneficiary: String, date: LocalDate) throws -> [Fact] {
        let found = try read(where: "beneficiary_id = ? AND business_date = ?", [beneficiary, date.description]).map(\.fact)
        let voided = try voidedIDs(found.map(\.id))
        return Self.withPeriod(Self.ordered(found.filter { !voided.contains($0.id) }), try absencePeriod(beneficiary: beneficiary, date: date))
    }

    /// The day's facts with, first, the stand-in absent mark of an absence period when no mark of the day exists:
    /// the latest mark is the one in force, so a real mark always wins over the period — the server's rule.
    private static func withPeriod(_ facts: [Fact], _ period: (op: Op, period: AbsencePeriod)?) -> [Fact] {
        guard let period, !facts.contains(where: { $0.type == .attendanceMarked }) else { return facts }
        let op = period.op
        let standIn = OpFact(id: op.id, deviceId: op.deviceId, hlc: op.hlc.rawValue, type: .attendanceMarked, classId: period.period.classId,
                             serviceId: nil, siteId: nil, routeId: nil, stopId: nil, direction: nil, status: .absent, time: nil,
                             wallTimeMs: op.wallTimeMs)
        return [Fact(op: standIn, own: false, period: period.period)] + facts
    }

    /// Keeps an absence period (own or pulled) by the days it covers.
    static func storePeriod(_ db: Database, op: Op, _ p: AbsencePeriod) throws {
        try db.run("""
            INSERT OR IGNORE INTO absence_period (op_id, beneficiary_id, class_id, from_date, to_date, reason, hlc) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [op.id, p.beneficiaryId, p.classId, p.fromDate.description, p.toDate.description, p.reason, op.hlc.rawValue])
    }

    /// The absence periods (not voided) covering `date`, by child: the latest recorded of each child's.
    func absencePeriods(date: LocalDate, beneficiary: String? = nil) throws -> [String: (op: Op, period: AbsencePeriod)] {
        var sql = "SELECT op_id, beneficiary_id, class_id, from_date, to_date, reason, hlc FROM absence_period WHERE from_date <= ? AND to_date >= ?"
        var args: StatementArguments = [date.description, date.description]
        if let beneficiary { sql += " AND beneficiary_id = ?"; args.append(beneficiary) }
        var found: [(id: String, hlc: Int64, period: AbsencePeriod)] = []
        for row in try db.fetchAll(sql + " ORDER BY hlc, op_id", args) {
            guard let from = LocalDate(try row[3] as String), let to = LocalDate(try row[4] as String) else { continue }
            found.append((try row[0], try row[6], AbsencePeriod(beneficiaryId: try row[1], classId: try row[2], fromDate: from, toDate: to,
                                                             reason: try row[5])))
        }
        let voided = try voidedIDs(found.map(\.id))
        var result: [String: (op: Op, period: AbsencePeriod)] = [:]
        for item in found where !voided.contains(item.id) {
            let stamp = HLCTimestamp(rawValue: item.hlc) ?? .zero
            let op = Op(id: item.id, deviceId: "", instance: "", seq: 0, hlc: stamp, wallTimeMs: Int64(stamp.milliseconds),
                        businessDate: date, body: .absencePeriodRecorded(item.period))
            result[item.period.beneficiaryId] = (op, item.period)
        }
        return result
    }

    /// The absence period in force for a child on a day, nil when none.
    func absencePeriod(beneficiary: String, date: LocalDate) throws -> (op: Op, period: AbsencePeriod)? {
        try absencePeriods(date: date, beneficiary: beneficiary)[beneficiary]
    }

    /// The ops of a day by child, each child's oldest first, voided ones left out: the whole door in a few
    /// queries, for the running count.
    func factsByChild(date: LocalDate) throws -> [String: [Fact]] {
        var voided: Set<String> = []
        for row in try db.fetchAll("""
            SELECT target_op_id FROM outbox WHERE type = 'void' AND state != 'rejected' AND target_op_id IS NOT NULL
            UNION SELECT target_op_id FROM peer_op WHERE type = 'void' AND target_op_id IS NOT NULL
            """) {
            voided.insert(try row[0])
        }
        var result: [String: [Fact]] = [:]
        for (child, fact) in try read(where: "business_date = ? AND beneficiary_id IS NOT NULL", [date.description])
        where !voided.contains(fact.id) {
            result[child, default: []].append(fact)
        }
        let periods = try absencePeriods(date: date)
        for child in periods.keys where result[child] == nil { result[child] = [] }
        return Dictionary(uniqueKeysWithValues: result.map { child, facts in (child, Self.withPeriod(Self.ordered(facts), periods[child])) })
    }

    /// Own and pulled ops matching `condition` (on columns both tables have), with their child.
    private func read(where condition: String, _ arguments: StatementArguments) throws -> [(child: String, fact: Fact)] {
        var result: [(child: String, fact: Fact)] = []
        for row in try db.fetchAll("SELECT json FROM outbox WHERE \(condition)", arguments) {
            let op = try WireCoding.decode(Op.self, from: Data((try row[0] as String).utf8))
            result.append((op.body.beneficiaryId ?? "", Self.fact(op, own: true)))
        }
        for row in try db.fetchAll("SELECT \(PeerOpRow.columns) FROM peer_op WHERE \(condition)", arguments) {
            guard let peer = try PeerOpRow.fact(row) else { continue }
            result.append((peer.child ?? "", Fact(op: peer.fact, own: false)))
        }
        return result
    }

    private static func ordered(_ facts: [Fact]) -> [Fact] {
        facts.sorted { OpFact.lwwOrder($0.op, $1.op) }
    }

    /// Which of `ids` a void (own or pulled) cancels.
    func voidedIDs(_ ids: [String]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        var voided: Set<String> = []
        for id in ids {
            let own: Int? = try db.scalar("SELECT 1 FROM outbox WHERE type = 'void' AND target_op_id = ? AND state != 'rejected' LIMIT 1", [id])
            let peer: Int? = try db.scalar("SELECT 1 FROM peer_op WHERE type = 'void' AND target_op_id = ? LIMIT 1", [id])
            if own != nil || peer != nil { voided.insert(id) }
        }
        return voided
    }

    static func fact(_ op: Op, own: Bool) -> Fact {
        Fact(op: OpFact(op), own: own)
    }

    /// The register mark of a child on a day: the mark that stands by the merge's rule.
    func attendance(beneficiary: String, date: LocalDate) throws -> Fact? {
        Self.mark(try facts(beneficiary: beneficiary, date: date))
    }

    /// The mark that stands among the facts of a child's day (the merge's register winner), nil when unmarked.
    static func mark(_ facts: [Fact]) -> Fact? {
        let winner = MergeRules.register(facts.map(\.op)).winner
        return facts.first { $0.id == winner?.id }
    }

    /// Whether a child enrolled in `service` is expected at the meal, given the day's facts: the merge's one rule
    /// (`MergeRules.mealBooking`) for the kitchen, as the caterer's count reads it — out when absent or gone by the
    /// cut-off, in when come late whatever the hour (the child eats). One rule for the device's count and the door's.
    static func expectsMeal(_ facts: [Fact], service: Service) -> Bool {
        let mark = mark(facts)
        return MergeRules.mealBooking(register: mark?.status, time: mark?.time, cutoff: service.cutoff, for: .kitchenCount).isBooked
    }

    /// `expectsMeal` for a child enrolled by `enrollment` on `date`: only on a day of the enrollment's option (a
    /// three-day canteen expects nobody on Tuesdays), by the rule billing and the caterer's count read
    /// (`Service.isOptionDay`).
    static func expectsMeal(_ facts: [Fact], service: Service, enrollment: ReplicaEnrollment, on date: LocalDate) -> Bool {
        service.isOptionDay(date, option: enrollment.option(on: date)) && expectsMeal(facts, service: service)
    }

    /// The meal of `service` the merge bills among the facts, nil when none: what makes a second scan a duplicate.
    static func meal(_ facts: [Fact], service: String) -> Fact? {
        guard case .duplicate(let billed) = MergeRules.mealScan(facts.map(\.op), service: service) else { return nil }
        return facts.first { $0.id == billed.id }
    }

    /// Whether the facts hold a meal of `service`.
    static func served(_ facts: [Fact], service: String) -> Bool {
        meal(facts, service: service) != nil
    }
}
