import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// `billing run` computes and writes a month a group of families at a time, so that its memory does not grow with
/// the city. Whatever the size of the groups, it must write exactly what one computation of the whole Comune
/// writes: the same statements and lines with the same ids, the same prepaid movements in the same order, the same
/// conflicts with the same ids, the same messages, and the same report.
@Suite("Billing a group of families at a time")
struct BillingGroupsTests {
    /// Every row that billing writes, with its id; the change log without its clock (the import writes it with the
    /// computer's time).
    static func rows(_ c: SmallComune) throws -> [String] {
        try c.queue.read { db in
            var lines: [String] = []
            for (table, query) in [
                ("statement", "SELECT * FROM statement ORDER BY id"),
                ("statement_line", "SELECT * FROM statement_line ORDER BY rowid"),
                ("prepaid_movement", "SELECT * FROM prepaid_movement ORDER BY rowid"),
                ("prepaid_position", "SELECT * FROM prepaid_position ORDER BY payer_id, beneficiary_id, service_id"),
                ("conflict", "SELECT * FROM conflict ORDER BY id"),
                ("outbox_message", "SELECT * FROM outbox_message ORDER BY rowid"),
                ("change_log", "SELECT seq, entity, entity_id, action FROM change_log ORDER BY seq"),
            ] {
                for row in try db.fetchAll(query) { lines.append("\(table): \(row.values)") }
            }
            return lines
        }
    }

    /// October with meals, marks, meals on a closed day (notes), a child present at the roll call who never ate (a
    /// conflict), prepaid meals that bring a family under its threshold; October issued; then late facts, a void and a new scan that settles the
    /// conflict; November run, and October again. Returns every report, JSON-encoded.
    /// Also returns the notes of October's first run, and those of one computation of the whole of October before it.
    /// With `shared`, two children's payers share the cost — B1 50/50 between PB and PE, A2 70/30 between PA and PD —
    /// so that the payers who share a child, billed in one group, are grouped the same way whatever the size.
    static func story(groupsOf size: Int, shared: Bool = false, pipelined: Bool = true) throws -> (reports: [String], rows: [String], notes: [String], reference: [String]) {
        let c = try SmallComune { s in
            SmallComune.withEpsilon(&s)
            guard shared else { return }
            for (child, links) in [("B1", [Beneficiary.PayerLink(payerId: "PB", primary: true, share: 50), .init(payerId: "PE", primary: false, share: 50)]),
                                   ("A2", [.init(payerId: "PA", primary: true, share: 70), .init(payerId: "PD", primary: false, share: 30)])] {
                if let i = s.beneficiaries.firstIndex(where: { $0.id == child }) { s.beneficiaries[i].payers = links }
            }
        }
        var notes: [[String]] = []
        func run(_ period: BillingPeriod) throws -> String {
            let report = try c.queue.write { db in
                try BillingRun.run(db, period: period, actor: "test", now: SmallComune.now, familiesPerGroup: size, pipelined: pipelined)
            }
            notes.append(report.notBilled)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(report), as: UTF8.self)
        }
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 2000),
                                    date: LocalDate(year: 2026, month: 9, day: 30)!, method: "pagopa", source: "t", actor: "t", now: SmallComune.now)
        }
        let october = c.goldenOctober()
        // P1's meal on the closed day is noted before A1's (MENSA-P before MENSA-S), although PA's family comes first.
        try c.merge(october + ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-16"].map { c.meal("P1", $0, service: "MENSA-P") }
                    + [c.mark("G1", "2026-10-05", .present), c.mark("G1", "2026-10-06", .absent), c.meal("G1", "2026-10-06", service: "MENSA-B")])
        var reference = ChargeCalculator.Notes()
        _ = try c.queue.read { db in
            try ChargeCalculator(db).charges(for: SmallComune.october, notes: &reference, raiseConflicts: false, now: SmallComune.now)
        }
        var reports = [try run(SmallComune.october)]
        try c.issue(SmallComune.october)
        try c.merge([c.meal("F1", "2026-10-08"), c.meal("P1", "2026-10-07", service: "MENSA-P"), c.meal("G1", "2026-10-05", service: "MENSA-B"),
                     c.op("2026-10-05", .void(VoidOp(targetOpId: october[0].id, reason: "letto per errore")))]
                    + ["2026-11-02", "2026-11-03"].map { c.meal("A2", $0) } + [c.meal("P1", "2026-11-02", service: "MENSA-P")])
        reports.append(try run(SmallComune.november))
        reports.append(try run(SmallComune.october))
        return (reports, try rows(c), notes[0], reference.notBilled)
    }

    @Test("groups of one family write exactly what one group of the whole Comune writes, with and without shared children",
          arguments: [1, 2, 3], [false, true])
    func sameWhateverTheGroups(size: Int, shared: Bool) throws {
        let whole = try Self.story(groupsOf: 500, shared: shared)
        let grouped = try Self.story(groupsOf: size, shared: shared)
        if shared {
            #expect(whole.reports[0].contains(#""splits":[{"beneficiary_id":"A2""#), "\(whole.reports[0])")
        }
        #expect(whole.rows.contains { $0.hasPrefix("conflict:") }, "the story raises a conflict")
        #expect(whole.rows.contains { $0.hasPrefix("outbox_message:") }, "the story sends a low-balance alert")
        #expect(whole.rows.contains { $0.hasPrefix("statement_line:") && $0.contains("Conguaglio") }, "the story bills a conguaglio")
        #expect(whole.notes.count == 2, "the story notes two meals not billed")
        #expect(whole.notes == whole.reference, "the notes come in the order of one computation of the whole month")
        #expect(grouped.reports == whole.reports)
        #expect(grouped.rows.count == whole.rows.count)
        for (a, b) in zip(grouped.rows, whole.rows) where a != b {
            Issue.record("first difference:\n\(a)\n\(b)")
            break
        }
    }

    @Test("the groups computed on a thread of their own, while the writer stores the one before, write exactly what one thread writes",
          arguments: [1, 2, 500], [false, true])
    func pipelinedAsSequential(size: Int, shared: Bool) throws {
        let sequential = try Self.story(groupsOf: size, shared: shared, pipelined: false)
        let pipelined = try Self.story(groupsOf: size, shared: shared, pipelined: true)
        #expect(sequential.rows.contains { $0.hasPrefix("prepaid_movement:") }, "the story posts prepaid movements")
        #expect(pipelined.reports == sequential.reports)
        #expect(pipelined.notes == sequential.notes)
        #expect(pipelined.rows.count == sequential.rows.count)
        for (a, b) in zip(pipelined.rows, sequential.rows) where a != b {
            Issue.record("first difference:\n\(a)\n\(b)")
            break
        }
    }

    @Test("families are grouped by the primary payer (marked primary, then by position) and the payers with a share, whatever their ids",
          arguments: [(1, [["PA", "PD"], ["PB", "PE"], ["PB0"], ["PC"]]), (3, [["PA", "PD", "PB", "PE"], ["PB0", "PC"]])])
    func families(size: Int, payers: [[String]]) throws {
        // B1's primary payer PE comes after PB by id but first by position; A2's primary PA comes second by position but
        // is the one marked primary; C1's second payer PA has no share, so it is not billed for C1 and not grouped with PC.
        let c = try SmallComune { s in
            SmallComune.withEpsilon(&s)
            for (child, links) in [("B1", [Beneficiary.PayerLink(payerId: "PE", primary: true, share: 50), .init(payerId: "PB", primary: false, share: 50)]),
                                   ("A2", [.init(payerId: "PD", primary: false, share: 30), .init(payerId: "PA", primary: true, share: 70)]),
                                   ("C1", [.init(payerId: "PC", primary: true), .init(payerId: "PA", primary: false)])] {
                if let i = s.beneficiaries.firstIndex(where: { $0.id == child }) { s.beneficiaries[i].payers = links }
            }
        }
        // PB0: a payer with a statement to look at and no child (`also`).
        let groups = try c.queue.read { db in try BillingRun.families(db, also: ["PB0", "PC"], perGroup: size) }
        #expect(groups.map(\.payers) == payers)
        let children = ["PA": ["A1", "A2", "A3"], "PD": ["D1", "E1"], "PB": ["N1", "P1"], "PE": ["B1", "F1", "G1"], "PB0": [], "PC": ["C1"]]
        #expect(groups.map(\.children) == payers.map { $0.flatMap { children[$0] ?? ["?"] } })
    }

    @Test("a group whose master data cannot be read stops the run with that error and writes nothing, on one thread or on several",
          arguments: [false, true])
    func unreadableGroupStopsTheRun(pipelined: Bool) throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        // An enrollment's start date that is no date: a file edited by hand. Read with its group, on the thread that
        // reads the groups ahead of the computation when pipelined.
        try c.queue.write { db in try db.run("UPDATE enrollment SET start_date = 'ieri' WHERE id = (SELECT MAX(id) FROM enrollment)") }
        #expect(throws: MasterDataStore.CorruptValue.self) {
            try c.queue.write { db in
                try BillingRun.run(db, period: SmallComune.october, actor: "test", now: SmallComune.now, familiesPerGroup: 1,
                                   pipelined: pipelined)
            }
        }
        #expect(try Self.rows(c).filter { $0.hasPrefix("statement") || $0.hasPrefix("prepaid_movement") }.isEmpty)
    }
}
