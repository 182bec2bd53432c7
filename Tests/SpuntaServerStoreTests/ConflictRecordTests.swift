import Foundation
import Testing
@testable import SpuntaServerStore
import SpuntaStore

/// A conflict's columns are named once: what `ConflictRecord` writes, it reads back whole, and its list names every
/// column of the table, so that a column left out of the list (or read at the wrong place) shows here.
@Suite("A conflict's columns in one place")
struct ConflictRecordTests {
    /// Every column set, each to a value no other column has.
    static let resolved = ConflictRecord(
        kind: "ride_not_enrolled", subject: "B7|L2|2026-10-30|outbound", beneficiaryId: "B7", businessDate: "2026-10-30",
        details: #"{"op_id":"op-1","route_id":"L2"}"#, status: "resolved", openedAt: "2026-10-30T07:45:00.123Z",
        resolvedAt: "2026-10-31T10:12:00.000Z", resolvedBy: "mrossi", resolution: "telefonato alla famiglia", decision: "bill"
    )

    @Test("a conflict written and read back through its columns keeps every column")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        let (expected, read) = try queue.write { db in
            var expected = Self.resolved
            expected.id = try Self.resolved.insert(db)
            return (expected, try ConflictRecord.load(db, id: expected.id))
        }
        #expect(read == expected)
        let columns = try queue.read { db in
            try db.fetchAll("SELECT name FROM pragma_table_info('conflict')").map { try $0[0] as String }
        }
        #expect(columns.sorted() == ConflictRecord.sql.columnNames.sorted())
    }

    @Test("a conflict put back under its id, and read after a join's alias with a column more, is the same conflict")
    func keptIdAndAlias() throws {
        let dir = try TemporaryDirectory()
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        var record = Self.resolved
        record.id = 41
        let (found, row) = try queue.write { db in
            try record.insertKeepingId(db)
            return (try ConflictRecord.find(db, kind: record.kind, subject: record.subject),
                    try db.fetchOne("SELECT \(ConflictRecord.columns(of: "c")), 'after' FROM conflict c WHERE c.id = 41"))
        }
        #expect(found == record)
        let joined = try #require(row)
        #expect(try ConflictRecord(row: joined) == record)
        #expect(try joined[ConflictRecord.columnCount] as String == "after")
    }

    @Test("raising the same fact again keeps one conflict; new details reopen a resolved one and clear its resolution")
    func raiseAgain() throws {
        let dir = try TemporaryDirectory()
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        let now = Date(timeIntervalSince1970: 1_793_000_000)
        let conflicts = try queue.write { db in
            let subject = "B1|2026-10-30"
            #expect(try ConflictStore.raise(db, kind: .absentButAte, subject: subject, beneficiary: "B1", date: nil, details: ["a": 1], at: now))
            let id = try #require(try ConflictRecord.find(db, kind: "absent_but_ate", subject: subject)).id
            #expect(try ConflictRecord.markResolved(db, id: id, at: "2026-10-31T10:00:00.000Z", by: "op", resolution: "visto", decision: nil))
            // The same facts: still resolved.
            #expect(try !ConflictStore.raise(db, kind: .absentButAte, subject: subject, beneficiary: "B1", date: nil, details: ["a": 1], at: now))
            // Other facts: open again, without the old resolution.
            #expect(try ConflictStore.raise(db, kind: .absentButAte, subject: subject, beneficiary: "B1", date: nil, details: ["a": 2], at: now))
            return try ConflictRecord.fetchAll(db, where: "kind = ?", ["absent_but_ate"])
        }
        #expect(conflicts.count == 1)
        let reopened = try #require(conflicts.first)
        #expect(reopened.isOpen && reopened.details == #"{"a":2}"#)
        #expect(reopened.resolvedAt == nil && reopened.resolvedBy == nil && reopened.resolution == nil)
    }
}
