import Foundation
import Testing
@testable import SpuntaServerStore
@testable import SpuntaStore

/// Office alerts raised before an alert could wait for its first recipient: those that went to nobody wait now.
@Suite("Migration v22-office-alert-awaiting-recipient")
struct AlertAwaitingMigrationTests {
    @Test("an alert with no message waits for a recipient; one sent, or carried by its batch's first message, does not")
    func upgrade() throws {
        let dir = try TemporaryDirectory()
        let queue = try databaseMigrated(through: "v21-beneficiary-payer-shares", at: dir.path("old.sqlite"))
        try queue.write { db in
            for (kind, key, raised, messages) in [
                ("device_silent", "device_silent|D-0001|t", "2026-10-05T05:40:00Z", 0),
                ("child_left_aboard", "child_left_aboard|B1", "2026-10-05T06:40:00Z", 2),
                ("conflict_old", "conflict_old|7|t", "2026-10-06T06:00:00Z", 0),
                ("conflict_old", "conflict_old|8|t", "2026-10-06T06:00:00Z", 0),
            ] {
                try db.run("""
                    INSERT INTO office_alert (kind, event_key, subject, raised_at, title, body, messages) VALUES (?, ?, 's', ?, 't', 'b', ?)
                    """, [kind, key, raised, messages])
            }
        }
        try ServerMigrations.migrator.migrate(queue)
        let rows = try queue.read { db in
            try db.fetchAll("SELECT event_key, awaiting_recipient FROM office_alert ORDER BY id").map { "\(try $0[0] as String) \(try $0[1] as Int64)" }
        }
        #expect(rows == ["device_silent|D-0001|t 1", "child_left_aboard|B1 0", "conflict_old|7|t 1", "conflict_old|8|t 0"])
    }
}
