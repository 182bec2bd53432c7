import SpuntaStore

/// A number that moves whenever the master data a push's checks read moves: the children (their class and its
/// dates), the classes, the school years, the enrollments and the services.
///
/// The children's records a push needs are read beside the one writer, on a reading connection; the writer then
/// takes them only if this number is still the one read with them, and reads them itself otherwise. A trigger per
/// table and kind of change keeps it, so that no way of writing those tables — the import, the office's changes, a
/// tool run on the file — can move the master data without moving the number. The trigger fires once per row
/// written: the day's pushes write none of these tables, an import of the city writes each row once.
public enum MasterDataVersion {
    /// The tables whose rows the push's checks read (`ChildRecords`).
    public static let tables = ["beneficiary", "school_class", "school_year", "enrollment", "service"]

    static func apply(_ db: Database) throws {
        var sql = """
            CREATE TABLE master_data_version (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL
            ) STRICT;
            INSERT INTO master_data_version (id, version) VALUES (1, 0);

            """
        for table in tables {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                sql += """
                    CREATE TRIGGER \(table)_\(event.lowercased())_moves_master_data_version AFTER \(event) ON \(table)
                    BEGIN UPDATE master_data_version SET version = version + 1 WHERE id = 1; END;

                    """
            }
        }
        try db.execute(sql)
    }

    /// The number as this connection sees it (its transaction's snapshot, with what the transaction wrote).
    public static func current(_ db: Database) throws -> Int64 {
        guard let version: Int64 = try db.scalar("SELECT version FROM master_data_version WHERE id = 1") else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "master_data_version has no row")
        }
        return version
    }
}
