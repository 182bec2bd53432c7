import CSQLite
import Foundation

/// Raw SQLite doing the writes Spunta does, with nothing of Spunta in between (misura di riferimento): the
/// yardstick the benchmark divides by. Plain C calls, one prepared statement, an op-shaped row with a text
/// primary key and a second unique index, WAL, synchronous FULL.
public enum RawSQLiteBaseline {
    static let schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        CREATE TABLE op (id TEXT PRIMARY KEY, device_id TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
            business_date TEXT NOT NULL, type TEXT NOT NULL, beneficiary_id TEXT, body TEXT NOT NULL);
        CREATE UNIQUE INDEX op_device_seq ON op(device_id, seq);
        """
    static let insert = "INSERT INTO op (id, device_id, seq, hlc, business_date, type, beneficiary_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

    /// Thrown when SQLite itself fails during a measurement.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    fileprivate static func open(_ path: String) throws -> OpaquePointer {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw Failure(description: "open \(path)") }
        guard sqlite3_exec(db, schema, nil, nil, nil) == SQLITE_OK else {
            sqlite3_close(db)
            throw Failure(description: "schema: \(String(cString: sqlite3_errmsg(db)))")
        }
        return db
    }

    fileprivate static func bind(_ stmt: OpaquePointer, _ i: Int, body: String) {
        let id = "op-\(i)-\(UUID().uuidString)"
        sqlite3_bind_text(stmt, 1, id, -1, spunta_sqlite_transient())
        sqlite3_bind_text(stmt, 2, "DEV-\(i % 100)", -1, spunta_sqlite_transient())
        sqlite3_bind_int64(stmt, 3, Int64(i))
        sqlite3_bind_int64(stmt, 4, Int64(1_791_187_800_000 + i) << 16)
        sqlite3_bind_text(stmt, 5, "2026-10-30", -1, spunta_sqlite_transient())
        sqlite3_bind_text(stmt, 6, "meal_scanned", -1, spunta_sqlite_transient())
        sqlite3_bind_text(stmt, 7, "B\(i)", -1, spunta_sqlite_transient())
        sqlite3_bind_text(stmt, 8, body, -1, spunta_sqlite_transient())
    }

    /// One durable commit at a time, timed, so that a benchmark can interleave them with its own work and both
    /// meet the same moments of a noisy machine.
    public final class DurableCommitter {
        private let db: OpaquePointer
        private let stmt: OpaquePointer

        public init(path: String) throws {
            let db = try RawSQLiteBaseline.open(path)
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(db, RawSQLiteBaseline.insert, -1, &stmt, nil) == SQLITE_OK, let stmt else {
                sqlite3_close(db)
                throw Failure(description: "prepare")
            }
            self.db = db
            self.stmt = stmt
        }

        deinit {
            sqlite3_finalize(stmt)
            sqlite3_close(db)
        }

        /// Inserts row `row` in its own transaction; returns the seconds it took.
        public func commit(row: Int, body: String) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            sqlite3_reset(stmt)
            RawSQLiteBaseline.bind(stmt, row, body: body)
            guard sqlite3_step(stmt) == SQLITE_DONE else { throw Failure(description: "insert: \(String(cString: sqlite3_errmsg(db)))") }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }

    /// Rows per second inserting `rows` rows in transactions of `batch`.
    public static func batchedInsertRate(path: String, rows: Int, batch: Int, body: String) throws -> Double {
        let db = try open(path)
        defer { sqlite3_close(db) }
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, insert, -1, &stmt, nil) == SQLITE_OK, let stmt else { throw Failure(description: "prepare") }
        defer { sqlite3_finalize(stmt) }
        let start = DispatchTime.now().uptimeNanoseconds
        var i = 0
        while i < rows {
            sqlite3_exec(db, "BEGIN", nil, nil, nil)
            for _ in 0..<min(batch, rows - i) {
                sqlite3_reset(stmt)
                bind(stmt, i, body: body)
                guard sqlite3_step(stmt) == SQLITE_DONE else { throw Failure(description: "insert: \(String(cString: sqlite3_errmsg(db)))") }
                i += 1
            }
            guard sqlite3_exec(db, "COMMIT", nil, nil, nil) == SQLITE_OK else { throw Failure(description: "commit") }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(rows) / seconds
    }
}
