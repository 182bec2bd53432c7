import Foundation
import Testing
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaServer

@Suite("WAL checkpointer")
struct WALCheckpointerTests {
    @Test("a group commit's pages reach the database file through the checkpointer, not through the writer's commit")
    func checkpointsBesideTheWriter() throws {
        try withServerDatabase { path, writer in
            let checkpointer = try WALCheckpointer(path: path, log: { Issue.record("unexpected log: \($0)") })
            var readOnly = DatabaseConfiguration()
            readOnly.readOnly = true
            let fileOnly = "file:\(path)?immutable=1"
            func rowsInFile() throws -> Int? {
                try Database(path: fileOnly, configuration: readOnly).scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'bulk'")
            }
            // More than SQLite's default threshold of 1,000 pages in one commit: the writer itself leaves them in the WAL.
            try writer.write { db in
                try db.execute("CREATE TABLE bulk (k INTEGER PRIMARY KEY, s TEXT NOT NULL)")
                for k in 0..<1_500 { try db.run("INSERT INTO bulk VALUES (?, ?)", [k, String(repeating: "m", count: 3_000)]) }
            }
            #expect(try rowsInFile() == 0)
            checkpointer.request()
            // Runs the checkpoint asked for before it ends.
            checkpointer.shutdown()
            #expect(try rowsInFile() == 1)
            #expect(try Database(path: fileOnly, configuration: readOnly).scalar("SELECT COUNT(*) FROM bulk") as Int? == 1_500)
            #expect(checkpointer.failures == 0)
        }
    }

    @Test("a checkpointer released without a shutdown (its owner failed to start) ends its thread")
    func releasedCheckpointerEndsItsThread() throws {
        try withServerDatabase { path, _ in
            var checkpointer: WALCheckpointer? = try WALCheckpointer(path: path, log: { Issue.record("unexpected log: \($0)") })
            let worker = try #require(checkpointer?.worker)
            checkpointer?.request()
            checkpointer = nil
            // A thread left running never signals: the bound only keeps a regression from hanging the whole run.
            #expect(worker.waitUntilEnded(deadline: .now() + 120) == .success)
        }
    }

    /// Runs `body` with the path of a server database in a temporary folder (removed after) and its writer's connection.
    private func withServerDatabase(_ body: (String, DatabaseQueue) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("server.sqlite").path
        try body(path, try ServerDatabase.open(path: path, configuration: ServerDatabase.writerConfiguration))
    }
}
