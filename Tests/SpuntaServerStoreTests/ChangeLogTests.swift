import Foundation
import Testing
import SpuntaServerStore
import SpuntaStore

/// The change log written many entries at a time (`ChangeLog.record(_:_:at:)`, as the merge and the import do) must
/// be the log written one entry at a time: each entry its own number, in order, under its own keys.
@Suite("Change log written in bulk")
struct ChangeLogTests {
    @Test("entries written in bulk get the numbers, order and keys of entries written one by one", arguments: [0, 1, 7, 64, 100, 129])
    func bulkIsOneByOne(_ count: Int) throws {
        let dir = try TemporaryDirectory()
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        let entries = (0..<count).map { i in
            ChangeLog.Entry(entity: i % 3 == 0 ? "op" : "beneficiaries", id: "E\(i)", action: i % 5 == 4 ? .delete : .upsert,
                            keys: (0...(i % 3)).map { "site:S\(i + $0)" }.sorted())
        }
        let (head, seqs) = try queue.write { db in
            // One entry before, one by one, so that the bulk ones must follow it.
            let head = try ChangeLog.record(db, entity: "sites", id: "S0", action: .upsert, keys: ["all"])
            return (head, try ChangeLog.record(db, entries))
        }
        #expect(seqs == (0..<count).map { head + 1 + Int64($0) })
        try queue.read { db in
            for (entry, seq) in zip(entries, seqs) {
                let row = try #require(try db.fetchOne("SELECT entity, entity_id, action FROM change_log WHERE seq = ?", [seq]))
                #expect(try row[0] as String == entry.entity)
                #expect(try row[1] as String == entry.id)
                #expect(try row[2] as String == entry.action.rawValue)
                let keys = try db.fetchAll("SELECT scope_key FROM scope_log WHERE seq = ? ORDER BY scope_key", [seq]).map { try $0[0] as String }
                #expect(keys == entry.keys)
            }
            #expect(try db.scalar("SELECT COUNT(*) FROM change_log") == count + 1)
        }
    }

    @Test("rows are cut into runs of 64 and then of halving lengths, covering every row once", arguments: [0, 1, 63, 64, 65, 200])
    func chunks(_ count: Int) {
        let chunks = ChangeLog.chunks(count)
        #expect(chunks.flatMap { Array($0) } == Array(0..<count))
        #expect(chunks.allSatisfy { [64, 32, 16, 8, 4, 2, 1].contains($0.count) })
    }
}
