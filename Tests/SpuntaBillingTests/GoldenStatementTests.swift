import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

@Suite("Golden statements of the small Comune")
struct GoldenStatementTests {
    @Test("October 2026, hand-checked line by line")
    func october() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        let report = try c.run(SmallComune.october)
        #expect(report.notBilled.contains { $0.contains("16/10/2026") }, "the meal on the closing day is reported, not billed")

        // PA, ISEE €4,000 filed 10 Sep (in force): €2.00 a meal. A1 eldest 3 × 2.00 = 6.00; A2 2nd child −20%:
        // 2 × 1.60 = 3.20; A3 3rd child −50%: 1 × 1.00 = 1.00. The meal of 16/10 (closed) is not billed. Total 10.20.
        let a = try c.statement("PA", SmallComune.october)
        #expect(a.totalCents == 1020)
        #expect(a.lines.map(\.amountCents) == [200, 200, 200, 160, 160, 100])
        #expect(a.lines.allSatisfy { $0.sourceOps.count == 1 })
        #expect(a.lines[3].description.contains("2° figlio −20%"))

        // PB: B1 by the register with cut-off 09:30, 21 open days; absent on 5/10, out at 09:00 on 7/10 and in at 10:00
        // on 8/10 are not charged; out at 11:00 on 6/10 and in at 09:15 on 9/10 are. 18 × 5.00 (no ISEE) = 90.00.
        // N1 nursery from 12/10: 14 of 21 days × 400.00 = 266.666… → 266.67. Total 356.67.
        let b = try c.statement("PB", SmallComune.october)
        let meals = b.lines.filter { $0.serviceId == "MENSA-R" }
        #expect(meals.count == 18)
        #expect(meals.allSatisfy { $0.amountCents == 500 })
        #expect(!meals.contains { $0.date == "2026-10-05" || $0.date == "2026-10-07" || $0.date == "2026-10-08" })
        #expect(meals.contains { $0.date == "2026-10-06" } && meals.contains { $0.date == "2026-10-09" })
        let nursery = try #require(b.lines.first { $0.serviceId == "NIDO" })
        #expect(nursery.amountCents == 26_667)
        #expect(nursery.description.contains("14/21 giorni"))
        #expect(b.totalCents == 35_667)

        // PC: ISEE filed on 20/10, after the 15th: in force from November. October at full price: 5.00.
        let cc = try c.statement("PC", SmallComune.october)
        #expect(cc.totalCents == 500)
        #expect(cc.lines.first?.description.contains("valido dal mese successivo") == true)

        // PD, non-resident: E1 (eldest) exempt: 0.00; D1 2nd child: 6.00 − 20% = 4.80.
        let d = try c.statement("PD", SmallComune.october)
        #expect(d.lines.map(\.amountCents).sorted() == [0, 480])
        #expect(d.totalCents == 480)
        #expect(report.statements == 4)
        #expect(report.statementsTotalCents == 1020 + 35_667 + 500 + 480)
    }

    @Test("issuing freezes the statements and creates notices whose check digits follow the pagoPA rule")
    func issue() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        let ids = try c.queue.write { db in
            try StatementDesk.issue(db, period: SmallComune.october, payer: nil, dueDate: LocalDate("2026-12-15"), actor: "test", now: SmallComune.now)
        }
        #expect(ids.count == 4)
        for id in ids {
            let s = try c.queue.read { try StatementDesk.statement($0, id: id) }
            let nav = try #require(s.noticeNumber)
            let notice = try NoticeNumber(validating: nav)
            #expect(notice.auxDigit == 3)
            #expect(nav.hasPrefix("307"))
            // NAV = 3 + segregation (07) + base (13) + check, check = (3‖07‖base) mod 93.
            let body = String(nav.prefix(16))
            let check = Int(nav.suffix(2)) ?? -1
            #expect(Int(body.dropFirst().reduce(Int(3)) { ($0 * 10 + Int(String($1))!) % 93 }) == check)
            #expect(s.iuv == String(nav.dropFirst()))
            #expect(s.qrPayload == "PAGOPA|002|\(nav)|\(try c.queue.read { try $0.scalar("SELECT fiscal_code FROM municipality") as String? } ?? "")|\(s.totalCents)")
            #expect(s.dueDate == "2026-12-15")
        }
        // Frozen: a re-run leaves them as they are, an adjustment is refused, the database refuses a change.
        let before = try c.statement("PA", SmallComune.october)
        try c.merge([c.meal("A1", "2026-10-08")])
        let rerun = try c.run(SmallComune.october)
        #expect(rerun.frozenSkipped == 4)
        #expect(try c.statement("PA", SmallComune.october) == before)
        #expect(throws: BillingError.self) {
            try c.queue.write { db in
                try StatementDesk.adjust(db, statement: before.id, amount: Money(cents: -100), reason: "prova", beneficiary: nil, actor: "t", now: SmallComune.now)
            }
        }
        #expect(throws: DatabaseError.self) {
            try c.queue.write { db in try db.run("UPDATE statement_line SET amount_cents = 1 WHERE statement_id = ?", [before.id]) }
        }
    }

    @Test("late ops go into the next period as conguaglio, and a voided meal is credited back")
    func conguaglio() throws {
        let c = try SmallComune()
        let ops = c.goldenOctober()
        try c.merge(ops)
        _ = try c.run(SmallComune.october)
        _ = try c.queue.write { db in try StatementDesk.issue(db, period: SmallComune.october, payer: nil, dueDate: nil, actor: "t", now: SmallComune.now) }
        let frozen = try c.statement("PA", SmallComune.october)
        // After issuing: a device that was offline delivers a meal of 8 October; the meal of A3 on 5 October is voided.
        let a3 = try #require(ops.first { $0.body.beneficiaryId == "A3" })
        try c.merge([c.meal("A1", "2026-10-08"), c.op("2026-10-05", .void(VoidOp(targetOpId: a3.id, reason: "errore")))])
        try c.merge([c.meal("A1", "2026-11-02")])
        _ = try c.run(SmallComune.november)
        #expect(try c.statement("PA", SmallComune.october) == frozen)
        let november = try c.statement("PA", SmallComune.november)
        let conguagli = november.lines.filter { $0.kind == "conguaglio" }
        #expect(conguagli.count == 2)
        let added = try #require(conguagli.first { $0.amountCents > 0 })
        #expect(added.amountCents == 200)
        #expect(added.description.contains("registrato dopo l'emissione di ottobre 2026"))
        #expect(added.date == "2026-10-08")
        let credited = try #require(conguagli.first { $0.amountCents < 0 })
        #expect(credited.amountCents == -100)
        #expect(credited.description.contains("annullato dopo l'emissione"))
        // 2 November: a normal November meal. A2 is now the 2nd child in October only; November has A1 alone: 2.00.
        #expect(november.lines.contains { $0.kind == "charge" && $0.date == "2026-11-02" && $0.amountCents == 200 })
        // Running November again does not repeat the conguaglio.
        _ = try c.run(SmallComune.november)
        #expect(try c.statement("PA", SmallComune.november).lines.filter { $0.kind == "conguaglio" }.count == 2)
    }

    @Test("an adjustment on a draft is kept across re-runs and recorded in the audit trail")
    func adjustment() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        let id = try c.statement("PA", SmallComune.october).id
        try c.queue.write { db in
            try StatementDesk.adjust(db, statement: id, amount: Money(cents: -200), reason: "gita scolastica del 6/10", beneficiary: "A1",
                                     actor: "operatore", now: SmallComune.now)
        }
        _ = try c.run(SmallComune.october)
        let s = try c.statement("PA", SmallComune.october)
        #expect(s.totalCents == 820)
        #expect(s.lines.contains { $0.kind == "adjustment" && $0.reason == "gita scolastica del 6/10" })
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'billing_adjust'") as Int? } == 1)
        #expect(throws: BillingError.emptyReason) {
            try c.queue.write { db in try StatementDesk.adjust(db, statement: id, amount: Money(cents: 100), reason: " ", beneficiary: nil, actor: "o", now: SmallComune.now) }
        }
    }

    @Test("bad periods are clear errors and change nothing", arguments: ["2026-13", "ottobre", "2030-01", "2027-12"])
    func badPeriod(text: String) throws {
        let c = try SmallComune()
        #expect(throws: BillingError.self) {
            try c.queue.write { db in _ = try BillingRun.period(text, db: db, now: SmallComune.now) }
        }
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM statement") as Int? } == 0)
    }

    @Test("billing is deterministic: the same ops in any order give byte-identical exports", arguments: [UInt64(1), 7, 99])
    func determinism(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var outputs: [String] = []
        let base = try SmallComune()
        let ops = base.goldenOctober() + [base.meal("A1", "2026-10-05", device: "DEV2"), base.meal("A2", "2026-10-09", device: "DEV2")]
        for run in 0..<3 {
            let c = run == 0 ? base : try SmallComune()
            var shuffled = run == 0 ? ops : ops.shuffled(using: &rng)
            // Duplicates of batches arrive too.
            shuffled += shuffled.prefix(3)
            for chunk in stride(from: 0, to: shuffled.count, by: 4) {
                try c.merge(Array(shuffled[chunk..<min(shuffled.count, chunk + 4)]).filter { op in
                    (try? c.queue.read { try $0.scalar("SELECT 1 FROM op WHERE id = ?", [op.id]) as Int? }) == nil
                })
            }
            _ = try c.run(SmallComune.october)
            _ = try c.queue.write { db in try StatementDesk.issue(db, period: SmallComune.october, payer: nil, dueDate: LocalDate("2026-12-01"), actor: "t", now: SmallComune.now) }
            let text = try c.queue.read { db in
                try NoticeExport.csv(db, period: SmallComune.october) + String(decoding: try NoticeExport.json(db, period: SmallComune.october), as: UTF8.self)
                    + StatementHTML.render(try StatementDesk.statements(db, period: SmallComune.october, payer: nil, status: nil),
                                           municipality: SmallComune.data().municipality!)
            }
            outputs.append(text)
        }
        #expect(outputs[1] == outputs[0])
        #expect(outputs[2] == outputs[0])
    }

    @Test("the GPD export has one position per notice whose transfers sum to the amount")
    func gpdShape() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        _ = try c.queue.write { db in try StatementDesk.issue(db, period: SmallComune.october, payer: nil, dueDate: LocalDate("2026-12-01"), actor: "t", now: SmallComune.now) }
        let positions = try c.queue.read { try NoticeExport.positions($0, period: SmallComune.october) }
        #expect(positions.count == 4)
        for p in positions {
            #expect(p.type == "F")
            let option = try #require(p.paymentOption.first)
            #expect(option.amount > 0)
            #expect(option.transfer.reduce(0) { $0 + $1.amount } == option.amount)
            #expect(option.description.count <= 140)
            #expect(option.transfer.allSatisfy { ["9/0107101TS/", "9/0107106SP/"].contains($0.category) })
        }
        let b = try #require(positions.first { $0.iupd.hasSuffix("-PB") })
        #expect(Set(b.paymentOption[0].transfer.map(\.category)) == ["9/0107101TS/", "9/0107106SP/"])
    }
}
