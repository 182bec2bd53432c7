import Foundation
import Testing
@testable import SpuntaServerStore
@testable import SpuntaStore

/// The outbox gains the status `dropped`: the table is copied with everything it held.
@Suite("Migration v6-outbox-dropped")
struct OutboxDroppedMigrationTests {
    @Test("messages, their ids and the index survive the copy; a message can then be dropped, and junk statuses are still refused")
    func upgrade() throws {
        let dir = try TemporaryDirectory()
        let queue = try databaseMigrated(through: "v5-payment-excess", at: dir.path("old.sqlite"))
        try queue.write { db in
            for (key, status) in [("reminder|7|1|email", "pending"), ("reminder|7|1|sms", "sent"), ("low_balance|x|email", "uncertain")] {
                try db.run("""
                    INSERT INTO outbox_message (dedup_key, kind, channel, recipient, subject, body, created_at, status)
                    VALUES (?, ?, ?, 'a@posta.example', 's', 'b', '2026-11-20T09:00:00Z', ?)
                    """, [key, String(key.split(separator: "|")[0]), String(key.split(separator: "|").last ?? ""), status])
            }
        }
        try ServerMigrations.migrator.migrate(queue)
        let rows = try queue.read { db in
            try db.fetchAll("SELECT id, dedup_key, status FROM outbox_message ORDER BY id").map { "\(try $0[0] as Int64) \(try $0[1] as String) \(try $0[2] as String)" }
        }
        #expect(rows == ["1 reminder|7|1|email pending", "2 reminder|7|1|sms sent", "3 low_balance|x|email uncertain"])
        try queue.write { db in try db.run("UPDATE outbox_message SET status = 'dropped' WHERE id = 1") }
        #expect(throws: DatabaseError.self) { try queue.write { db in try db.run("UPDATE outbox_message SET status = 'lost' WHERE id = 1") } }
        let index: String? = try queue.read { try $0.scalar("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'outbox_message_status'") }
        #expect(index == "outbox_message_status")
        // New messages continue the numbering: no id is reused.
        try queue.write { db in
            try db.run("""
                INSERT INTO outbox_message (dedup_key, kind, channel, recipient, subject, body, created_at, status)
                VALUES ('k', 'test', 'email', 'a@posta.example', 's', 'b', '', 'pending')
                """)
            #expect(db.lastInsertedRowID == 4)
        }
    }
}
