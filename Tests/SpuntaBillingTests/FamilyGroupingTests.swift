import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// `billing run` groups the families by reading the payers in id order and hands each group over as soon as it is
/// complete. The groups, their order and the order of their payers and children decide every id the run writes, so they
/// must be exactly those of grouping the whole city at once: every child's links read together, the payers sorted.
@Suite("Grouping families a group at a time")
struct FamilyGroupingTests {
    /// One link of a child to a payer, as `beneficiary_payer` holds it.
    struct Link {
        let child: String
        let payer: String
        let primary: Bool
        let position: Int
        let share: Int?
    }

    /// The grouping as one pass over every child, then the sorted payers: what `families` must give, however it reads.
    static func reference(children: [String: Bool], links: [Link], also: Set<String>, perGroup: Int) -> [BillingRun.Group] {
        var primaryChildren: [String: [String]] = [:]
        var partners: [String: Set<String>] = [:]
        for child in children.keys.sorted() where children[child] == false {
            let own = links.filter { $0.child == child }.sorted { $0.payer < $1.payer }
            guard !own.isEmpty else { continue }
            let ordered = own.enumerated().sorted { a, b in
                if a.element.primary != b.element.primary { return a.element.primary }
                if a.element.position != b.element.position { return a.element.position < b.element.position }
                return a.offset < b.offset
            }.map(\.element)
            let billed = [ordered[0].payer] + ordered.dropFirst().filter { $0.share != nil }.map(\.payer)
            primaryChildren[billed[0], default: []].append(child)
            for payer in billed.dropFirst() {
                partners[billed[0], default: []].insert(payer)
                partners[payer, default: []].insert(billed[0])
            }
        }
        var groups: [BillingRun.Group] = []
        var placed: Set<String> = []
        for payer in Set(primaryChildren.keys).union(also).union(partners.keys).sorted() where !placed.contains(payer) {
            // Everyone linked to this payer through shared children.
            var together: Set<String> = [payer]
            var frontier = [payer]
            while let next = frontier.popLast() {
                for other in partners[next] ?? [] where together.insert(other).inserted { frontier.append(other) }
            }
            placed.formUnion(together)
            if groups.isEmpty || groups[groups.count - 1].payers.count >= perGroup { groups.append(BillingRun.Group()) }
            for member in together.sorted() {
                groups[groups.count - 1].payers.append(member)
                groups[groups.count - 1].children += primaryChildren[member] ?? []
            }
        }
        return groups
    }

    /// A Comune of `payers` payers and `children` children (some deleted, some without payer) with one to three links
    /// each, in random positions, marked primary or not, with shares or not.
    static func random(seed: UInt64, payers: Int, children: Int) -> (children: [String: Bool], links: [Link], also: Set<String>) {
        var rng = SeededGenerator(seed: seed)
        let payerIDs = (0..<payers).map { "P\(Int.random(in: 0..<(payers * 3), using: &rng))-\($0)" }
        var kids: [String: Bool] = [:]
        var links: [Link] = []
        for index in 0..<children {
            let child = "B\(Int.random(in: 0..<(children * 3), using: &rng))-\(index)"
            kids[child] = Int.random(in: 0..<10, using: &rng) == 0
            let count = [0, 1, 1, 1, 1, 2, 2, 3][Int.random(in: 0..<8, using: &rng)]
            for payer in Set((0..<count).map { _ in payerIDs[Int.random(in: 0..<payerIDs.count, using: &rng)] }) {
                links.append(Link(child: child, payer: payer, primary: Bool.random(using: &rng), position: Int.random(in: 0..<3, using: &rng),
                                  share: Bool.random(using: &rng) ? Int.random(in: 1...99, using: &rng) : nil))
            }
        }
        var also = Set((0..<(payers / 5)).map { _ in payerIDs[Int.random(in: 0..<payerIDs.count, using: &rng)] })
        also.insert("PX-statement-only")
        return (kids, links, also)
    }

    @Test("the groups handed over one at a time are those of grouping the whole Comune at once, for any size of group",
          arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8], [1, 2, 7, 500])
    func sameAsWhole(seed: UInt64, perGroup: Int) throws {
        let (children, links, also) = Self.random(seed: seed, payers: 60, children: 90)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-grouping-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try ServerDatabase.open(path: dir.appendingPathComponent("db.sqlite").path)
        try queue.write { db in
            for payer in Set(links.map(\.payer)) {
                try db.run("""
                    INSERT INTO payer (id, fiscal_code, surname, given_name, resident, notify_email, notify_sms) VALUES (?, 'X', 'X', 'X', 1, 0, 0)
                    """, [payer])
            }
            for (child, deleted) in children {
                try db.run("INSERT INTO beneficiary (id, fiscal_code, surname, given_name, birth_date, deleted) VALUES (?, 'X', 'X', 'X', '2020-01-01', ?)",
                           [child, deleted ? 1 : 0])
            }
            for link in links {
                try db.run("INSERT INTO beneficiary_payer (beneficiary_id, payer_id, is_primary, position, share) VALUES (?, ?, ?, ?, ?)",
                           [link.child, link.payer, link.primary ? 1 : 0, link.position, link.share])
            }
        }
        let expected = Self.reference(children: children, links: links, also: also, perGroup: perGroup)
        if perGroup == 1 {
            // A group of one family has more than one payer only when they share a child.
            #expect(expected.contains { $0.payers.count > 1 }, "seed \(seed): some payers share a child")
        }
        let streamed = try queue.read { db in
            var groups: [BillingRun.Group] = []
            try BillingRun.families(db, also: also, perGroup: perGroup) { groups.append($0) }
            return groups
        }
        #expect(streamed.map(\.payers) == expected.map(\.payers), "seed \(seed)")
        #expect(streamed.map(\.children) == expected.map(\.children), "seed \(seed)")
    }
}
