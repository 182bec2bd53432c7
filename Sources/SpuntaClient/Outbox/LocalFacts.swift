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

        subscript<T>(dynamicMember field: KeyPath<OpFact, T>) -> T { op[keyPath: field] }
    }

    /// The ops about a child on a day, oldest first by HLC, voided ones left out.
    func facts(beneficiary: String, date: LocalDate) throws -> [Fact] {
        let found = try read(where: "beneficiary_id = ? AND business_date = ?", [beneficiary, date.description]).map(\.fact)
        let voided = try voidedIDs(found.map(\.id))
        return Self.ordered(found.filter { !voided.contains($0.id) })
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
        return result.mapValues(Self.ordered)
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

    /// Whether a child enrolled in `service` is expected at the meal, given the day's facts: not when the register
    /// says absent, out before the cut-off or in after it. One rule for the kitchen's count and the door's.
    static func expectsMeal(_ facts: [Fact], service: Service) -> Bool {
        guard let mark = mark(facts) else { return true }
        switch mark.status {
        case .absent?: return false
        case .earlyExit?:
            if let cutoff = service.cutoff, let time = mark.time, time < cutoff { return false }
        case .lateEntry?:
            if let cutoff = service.cutoff, let time = mark.time, time > cutoff { return false }
        default: break
        }
        return true
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
