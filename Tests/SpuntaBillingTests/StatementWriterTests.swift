import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore
import Testing
@testable import SpuntaBilling

/// `billing run`'s writer stores a group's drafts with statements of many rows: the rows, their rowids and the
/// statements' ids must be the ones storing each draft in turn, one row a statement, would leave.
@Suite("Storing the drafts of a group")
struct StatementWriterTests {
    static let october = BillingPeriod(year: 2026, month: 10)!
    static let now = Date(timeIntervalSince1970: 1_793_700_000)

    /// A line of `payer`'s draft, numbered `n`.
    static func line(_ payer: String, _ n: Int, cents: Int64) -> BillingRun.Line {
        BillingRun.Line(kind: n % 5 == 0 ? "conguaglio" : "charge", key: "MENSA|\(payer)|\(n)", period: "2026-10", beneficiary: "B\(payer)",
                        service: "MENSA", date: n % 3 == 0 ? nil : "2026-10-\(10 + n % 9)", description: "Pasto \(n) «\(payer)»",
                        quantity: 1, unitPrice: cents, amount: cents, sources: ["op-\(payer)-\(n)", "op/\"\(n)\""],
                        reason: n % 5 == 0 ? "registrato dopo l'emissione" : nil)
    }

    /// What storing each draft in turn writes: the statements `billing run` ran one after another before.
    static func storeOneByOne(_ db: Database, _ group: BillingRun.StatementDrafts, now: Date) throws {
        for draft in group.drafts {
            switch draft.action {
            case .frozen:
                continue
            case .remove(let id):
                try db.run("DELETE FROM statement_line WHERE statement_id = ?", [id])
                try db.run("DELETE FROM statement WHERE id = ?", [id])
            case .write(let existing, _, let total, let lines):
                let id: Int64
                if let existing {
                    id = existing
                    try db.run("DELETE FROM statement_line WHERE statement_id = ?", [id])
                    try db.run("UPDATE statement SET total_cents = ? WHERE id = ?", [total, id])
                } else {
                    id = try StatementHeader(payerId: draft.payer, period: "2026-10", status: "draft", totalCents: total,
                                             createdAt: UTCTime.string(now, fractional: true)).insert(db)
                }
                let insert = try db.makeStatement("INSERT INTO statement_line (statement_id, position, \(BillingRun.Line.columns)) VALUES "
                                                  + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for (position, line) in lines.enumerated() {
                    try insert.execute { line.bind(to: &$0, statement: id, position: position + 1) }
                }
            }
        }
    }

    /// Every row of the statements, their lines (with rowids) and the table's sequence.
    static func rows(_ db: Database) throws -> [String] {
        var rows: [String] = []
        for sql in ["SELECT * FROM statement ORDER BY id", "SELECT rowid, * FROM statement_line ORDER BY rowid",
                    "SELECT name, seq FROM sqlite_sequence WHERE name = 'statement'"] {
            for row in try db.fetchAll(sql) {
                rows.append(row.values.map { "\($0)" }.joined(separator: "|"))
            }
        }
        return rows
    }

    /// The first run's drafts: 150 new statements of 1 to 4 lines (more than one insert of each kind).
    static func firstRun() -> BillingRun.StatementDrafts {
        BillingRun.StatementDrafts(drafts: (0..<150).map { n in
            let payer = String(format: "P%03d", n)
            let lines = (0..<(1 + n % 4)).map { line(payer, $0, cents: Int64(100 + n)) }
            return .init(payer: payer, action: .write(statement: nil, storedTotal: nil, total: lines.reduce(0) { $0 + $1.amount }, lines: lines))
        })
    }

    /// The run again: drafts rebuilt with other lines (a draft removed first, then the last two payers': the lines of
    /// the one before wait while the last one's, which end the table, are deleted, lowering the next rowid), drafts
    /// removed, the same total kept, issued ones left alone, new payers.
    static func secondRun(ids: [String: Int64]) -> BillingRun.StatementDrafts {
        var drafts: [BillingRun.StatementDrafts.Draft] = []
        for n in [144, 148, 149] + Array(0..<148).filter({ $0 != 144 }) {
            let payer = String(format: "P%03d", n), id = ids[payer]
            switch n % 6 {
            case 0: drafts.append(.init(payer: payer, action: .remove(statement: id ?? 0)))
            case 1: drafts.append(.init(payer: payer, action: .frozen))
            default:
                let lines = (0..<(n % 6 == 2 ? 1 + n % 4 : 3 + n % 3)).map { line(payer, $0 + n % 2, cents: Int64(100 + n)) }
                let total = lines.reduce(Int64(0)) { $0 + $1.amount }
                drafts.append(.init(payer: payer, action: .write(statement: id, storedTotal: n % 6 == 2 ? total : total - 1, total: total,
                                                                 lines: lines)))
            }
        }
        drafts += (150..<230).map { n in
            let payer = String(format: "P%03d", n)
            let lines = [line(payer, 0, cents: 250), line(payer, 1, cents: 40)]
            return .init(payer: payer, action: .write(statement: nil, storedTotal: nil, total: 290, lines: lines))
        }
        return BillingRun.StatementDrafts(drafts: drafts)
    }

    /// `drafts` as the groups of `size` drafts (nil: one group) that a run hands its writer one after another.
    static func groups(_ drafts: BillingRun.StatementDrafts, size: Int?) -> [BillingRun.StatementDrafts] {
        guard let size else { return [drafts] }
        return stride(from: 0, to: drafts.drafts.count, by: size).map {
            BillingRun.StatementDrafts(drafts: Array(drafts.drafts[$0..<min($0 + size, drafts.drafts.count)]))
        }
    }

    /// The second run in groups of 1 and 2 drafts starts with groups that insert no line (a draft removed) and groups
    /// whose lines wait while the end of the table is deleted; after them, each group's old lines go in one delete.
    @Test("a group's drafts written in statements of many rows leave the rows, rowids and ids of one statement per row",
          arguments: [nil, 1, 2, 7, 64])
    func batchedAsOneByOne(groupSize: Int?) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let batched = try ServerDatabase.open(path: dir.appendingPathComponent("batched.sqlite").path)
        let reference = try ServerDatabase.open(path: dir.appendingPathComponent("reference.sqlite").path)

        var report = BillingRun.Report(period: "2026-10")
        try batched.write { db in try BillingRun.StatementWriter(db, period: Self.october, now: Self.now).write(Self.firstRun(), report: &report) }
        try reference.write { db in try Self.storeOneByOne(db, Self.firstRun(), now: Self.now) }
        #expect(report.statements == 150)
        let first = try batched.read { try Self.rows($0) }
        #expect(first.count == 150 + 373 + 1)
        #expect(first == (try reference.read { try Self.rows($0) }))

        let ids = try batched.read { db in
            Dictionary(uniqueKeysWithValues: try db.fetchAll("SELECT payer_id, id FROM statement").map { (try $0[0] as String, try $0[1] as Int64) })
        }
        report = BillingRun.Report(period: "2026-10")
        try batched.write { db in
            let writer = try BillingRun.StatementWriter(db, period: Self.october, now: Self.now)
            for group in Self.groups(Self.secondRun(ids: ids), size: groupSize) { try writer.write(group, report: &report) }
        }
        try reference.write { db in try Self.storeOneByOne(db, Self.secondRun(ids: ids), now: Self.now) }
        #expect(report.frozenSkipped == 25)
        #expect(report.statements == 100 + 80)
        let second = try batched.read { try Self.rows($0) }
        let expected = try reference.read { try Self.rows($0) }
        #expect(second.count == expected.count)
        for (a, b) in zip(second, expected) where a != b {
            Issue.record("batched \(a) != one by one \(b)")
            break
        }
    }
}
