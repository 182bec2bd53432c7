import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaStore

/// Rettifiche dell'operatore: billing reads each draft's adjustments back at every run, through an index of those
/// lines alone, and writes them again after the charges, in the order the operator added them.
@Suite("The operator's adjustments, read back by billing")
struct DraftAdjustmentsTests {
    @Test("each draft keeps its adjustments, in their order, when the month is billed again a family at a time")
    func keptInOrder() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        let before = try ["PA", "PB"].map { try c.statement($0, SmallComune.october) }
        let adjustments: [(payer: Int, cents: Int64, reason: String)] = [(0, -200, "gita del 6/10"), (1, 150, "pasto non registrato"),
                                                                         (0, 75, "conguaglio a mano")]
        try c.queue.write { db in
            for adjustment in adjustments {
                try StatementDesk.adjust(db, statement: before[adjustment.payer].id, amount: Money(cents: adjustment.cents),
                                         reason: adjustment.reason, beneficiary: nil, actor: "operatore", now: SmallComune.now)
            }
        }
        _ = try c.queue.write { db in
            try BillingRun.run(db, period: SmallComune.october, actor: "test", now: SmallComune.now, familiesPerGroup: 1, pipelined: true)
        }
        for (index, payer) in ["PA", "PB"].enumerated() {
            let after = try c.statement(payer, SmallComune.october)
            let own = adjustments.filter { $0.payer == index }
            #expect(after.id == before[index].id)
            #expect(after.lines.filter { $0.kind == "adjustment" }.map(\.reason) == own.map { Optional($0.reason) })
            #expect(after.lines.drop(while: { $0.kind != "adjustment" }).allSatisfy { $0.kind == "adjustment" }, "the adjustments come after the charges")
            #expect(after.totalCents == before[index].totalCents + own.reduce(0) { $0 + $1.cents })
        }
    }

    @Test("the drafts' adjustments are found through the index of adjustment lines, not by reading every line of the drafts")
    func throughTheirIndex() throws {
        let c = try SmallComune()
        let plan = try c.queue.read { db in
            try db.fetchAll("EXPLAIN QUERY PLAN " + BillingRun.GroupStatements.adjustmentsQuery, ["[1, 2]"]).map { try $0[3] as String }
        }
        #expect(plan.contains { $0.contains("statement_line USING INDEX statement_line_adjustment") }, "plan: \(plan)")
    }
}
