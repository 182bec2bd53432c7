import Foundation
import Testing
@testable import SpuntaStore

@Suite("Database connection")
struct DatabaseTests {
    @Test("opens in WAL mode with foreign keys on and a durable synchronous setting")
    func pragmas() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("a.sqlite"))
        #expect(try db.scalar("PRAGMA journal_mode") as String? == "wal")
        #expect(try db.scalar("PRAGMA foreign_keys") as Int? == 1)
        #expect(try db.scalar("PRAGMA synchronous") as Int? == 2) // FULL
    }

    @Test("a writer that leaves its WAL to another connection keeps its commits there until that connection checkpoints them into the file")
    func checkpointByAnotherConnection() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.sqlite")
        var configuration = DatabaseConfiguration()
        configuration.autoCheckpointPages = 100_000
        let writer = try Database(path: path, configuration: configuration)
        #expect(try writer.scalar("PRAGMA wal_autocheckpoint") as Int? == 100_000)
        #expect(try Database(path: dir.path("b.sqlite")).scalar("PRAGMA wal_autocheckpoint") as Int? == 1_000)
        try writer.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT NOT NULL)")
        // Well past SQLite's own threshold of 1,000 pages, which would have checkpointed inside the commit.
        try writer.inTransaction { for k in 0..<2_000 { try writer.run("INSERT INTO t VALUES (?, ?)", [k, String(repeating: "a", count: 3_000)]) } }
        var readOnly = DatabaseConfiguration()
        readOnly.readOnly = true
        // The database file alone (immutable: the WAL is not read) does not have the table yet.
        let fileOnly = "file:\(path)?immutable=1"
        #expect(throws: DatabaseError.self) { _ = try Database(path: fileOnly, configuration: readOnly).scalar("SELECT COUNT(*) FROM t") as Int? }
        let result = try Database(path: path).checkpoint()
        #expect(result.walPages > 1_000)
        #expect(result.checkpointedPages == result.walPages)
        #expect(try Database(path: fileOnly, configuration: readOnly).scalar("SELECT COUNT(*) FROM t") as Int? == 2_000)
    }

    @Test("a connection asked to keep its temporary storage in memory does, and its savepoints still roll back alone")
    func temporaryStorageInMemory() throws {
        let dir = try TemporaryDirectory()
        #expect(try Database(path: dir.path("a.sqlite")).scalar("PRAGMA temp_store") as Int? == 0) // the default: files
        var configuration = DatabaseConfiguration()
        configuration.temporaryStorageInMemory = true
        let db = try Database(path: dir.path("a.sqlite"), configuration: configuration)
        #expect(try db.scalar("PRAGMA temp_store") as Int? == 2) // MEMORY
        try db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT NOT NULL)")
        // Enough pages changed inside a savepoint that its journal would have gone to a file (over 64 KiB).
        try db.inTransaction(.immediate) {
            try db.inTransaction { for k in 0..<500 { try db.run("INSERT INTO t VALUES (?, ?)", [k, String(repeating: "a", count: 500)]) } }
            #expect(throws: DatabaseError.self) {
                try db.inTransaction {
                    try db.run("UPDATE t SET s = ?", [String(repeating: "b", count: 500)])
                    try db.run("INSERT INTO t VALUES (0, 'duplicate')")
                }
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t WHERE s = ?", [String(repeating: "a", count: 500)]) as Int? == 500)
    }

    @Test("binds and reads back every type, NULL included")
    func typedRoundTrip() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (i INTEGER, s TEXT, d BLOB, r REAL, n TEXT)")
        let blob = Data([0, 1, 2, 255])
        try db.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [Int64.max, "città è già", blob, 2.5, nil])
        let row = try #require(try db.fetchOne("SELECT i, s, d, r, n FROM t"))
        #expect(try row["i"] as Int64 == Int64.max)
        #expect(try row["s"] as String == "città è già")
        #expect(try row["d"] as Data == blob)
        #expect(try row["r"] as Double == 2.5)
        #expect(try row["n"] as String? == nil)
        #expect(try row[0] as Int64? == Int64.max)
        #expect(throws: RowDecodingError.self) { try row["n"] as String }
        #expect(throws: RowDecodingError.self) { try row["missing"] as String }
    }

    @Test("text is bound with its length: an empty string stays empty (not NULL), a NUL inside is kept")
    func textBinding() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (k INTEGER, s TEXT)")
        let values = ["", "a\u{0}b", "città è già €", String(repeating: "x", count: 10_000)]
        for (k, value) in values.enumerated() { try db.run("INSERT INTO t VALUES (?, ?)", [k, value]) }
        for (k, value) in values.enumerated() {
            #expect(try db.scalar("SELECT s FROM t WHERE k = ?", [k]) as String? == value)
            #expect(try db.scalar("SELECT length(CAST(s AS BLOB)) FROM t WHERE k = ?", [k]) as Int? == value.utf8.count)
        }
        #expect(try db.scalar("SELECT COUNT(*) FROM t WHERE s IS NULL") as Int? == 0)
        // A substring (not contiguous native storage of its own) binds the same way.
        let sub = "prefisso-valore".dropFirst(9)
        try db.run("INSERT INTO t VALUES (9, ?)", [String(sub)])
        #expect(try db.scalar("SELECT s FROM t WHERE k = 9") as String? == "valore")
    }

    @Test("a body that throws rolls the whole transaction back")
    func rollbackOnThrow() throws {
        struct Boom: Error {}
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: Boom.self) {
            try db.inTransaction {
                try db.run("INSERT INTO t VALUES (1)")
                try db.run("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t") as Int? == 0)
        #expect(!db.isInsideTransaction)
    }

    @Test("a nested transaction is a savepoint: its failure keeps the outer work")
    func nestedSavepoint() throws {
        struct Boom: Error {}
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (x INTEGER)")
        try db.inTransaction {
            try db.run("INSERT INTO t VALUES (1)")
            try? db.inTransaction {
                try db.run("INSERT INTO t VALUES (2)")
                throw Boom()
            }
            try db.run("INSERT INTO t VALUES (3)")
        }
        let values = try db.fetchAll("SELECT x FROM t ORDER BY x").map { try $0[0] as Int }
        #expect(values == [1, 3])
    }

    @Test("an error carries the result code, the extended code, the message and the SQL")
    func errorContents() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        try db.run("INSERT INTO t VALUES ('a', 1)")
        do {
            try db.run("INSERT INTO t VALUES (?, ?)", ["a", 2])
            Issue.record("the duplicate insert should fail")
        } catch let error as DatabaseError {
            #expect(error.resultCode == .SQLITE_CONSTRAINT)
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY)
            #expect(error.message.contains("UNIQUE constraint failed: t.id"))
            #expect(error.sql == "INSERT INTO t VALUES (?, ?)")
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT: break
            default: Issue.record("~= should match the primary code")
            }
        }
        do {
            try db.run("INSERT INTO t VALUES ('b', NULL)")
            Issue.record("NULL should be refused")
        } catch let error as DatabaseError {
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_NOTNULL)
        }
        #expect(throws: DatabaseError.self) { try db.run("SELEC nonsense") }
        #expect(throws: DatabaseError.self) { try db.run("INSERT INTO t VALUES (?, ?)", ["only one"]) }
    }

    @Test("a file that is not a database is an error at open, not a crash")
    func notADatabase() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("junk.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: DatabaseError.self) { _ = try Database(path: path) }
    }

    @Test("the statement cache reuses one prepared statement per SQL text")
    func statementCache() throws {
        let db = try Database(path: ":memory:")
        let a = try db.cachedStatement("SELECT 1")
        let b = try db.cachedStatement("SELECT 1")
        #expect(a === b)
        #expect(try db.scalar("SELECT ? + 1", [41]) as Int? == 42)
        #expect(try db.scalar("SELECT ? + 1", [1]) as Int? == 2)
    }

    @Test("a reader keeps its snapshot and is not blocked while a writer commits")
    func readerDuringWriter() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("wal.sqlite")
        let writer = try DatabaseQueue(path: path)
        try writer.write { try $0.execute("CREATE TABLE t (x INTEGER)"); try $0.run("INSERT INTO t VALUES (1)") }
        let reader = try DatabaseQueue(path: path)
        try reader.read { readDB in
            #expect(try readDB.scalar("SELECT count(*) FROM t") as Int? == 1)
            // The writer commits on another connection while the read transaction is open.
            try writer.write { try $0.run("INSERT INTO t VALUES (2)") }
            #expect(try readDB.scalar("SELECT count(*) FROM t") as Int? == 1)
        }
        #expect(try reader.read { try $0.scalar("SELECT count(*) FROM t") as Int? } == 2)
    }

    @Test("concurrent readers on other threads see only committed states while a writer commits batches")
    func concurrentReadersAndWriter() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("wal2.sqlite")
        let writer = try DatabaseQueue(path: path)
        try writer.write { try $0.execute("CREATE TABLE t (x INTEGER)") }
        let reader = try DatabaseQueue(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for batch in 0..<50 {
                    try writer.write { db in
                        for i in 0..<10 { try db.run("INSERT INTO t VALUES (?)", [batch * 10 + i]) }
                    }
                }
            }
            group.addTask {
                for _ in 0..<200 {
                    let count = try reader.read { try $0.scalar("SELECT count(*) FROM t") as Int? } ?? -1
                    #expect(count % 10 == 0, "a reader saw half a batch: \(count)")
                }
            }
            try await group.waitForAll()
        }
        #expect(try reader.read { try $0.scalar("SELECT count(*) FROM t") as Int? } == 500)
    }

    @Test("an online backup is a consistent copy")
    func backup() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("live.sqlite"))
        try db.execute("CREATE TABLE t (x INTEGER)")
        for i in 0..<100 { try db.run("INSERT INTO t VALUES (?)", [i]) }
        try db.backup(to: dir.path("copy.sqlite"))
        let copy = try Database(path: dir.path("copy.sqlite"))
        #expect(try copy.scalar("SELECT sum(x) FROM t") as Int? == 4950)
    }
}
