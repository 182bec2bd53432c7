import Testing
@testable import SpuntaServerStore
import SpuntaStore

/// Master data reads its columns that may be NULL through `Row.nullable`, which skips `Optional`'s generic conversion:
/// it must give what `row[index] as T?` gives — the value, nil for NULL, and the same error for a value of another type.
@Suite("Columns that may be NULL")
struct NullableColumnTests {
    @Test("A value, a NULL and a value of another type read as through the optional type")
    func sameAsOptional() throws {
        let db = try Database(path: ":memory:")
        let row = try #require(try db.fetchOne("SELECT 'testo', NULL, 42, 'x'"))
        #expect(try row.nullable(0) as String? == "testo")
        #expect(try row.nullable(1) as String? == nil)
        #expect(try row.nullable(1) as Int64? == nil)
        #expect(try row.nullable(2) as Int64? == 42)
        #expect(try row.nullable(2) as Int? == (try row[2] as Int?))
        // Text where a number is expected, and a column that is not there: the same error as the generic read.
        let nullable = #expect(throws: RowDecodingError.self) { try row.nullable(3) as Int64? }
        let generic = #expect(throws: RowDecodingError.self) { try row[3] as Int64? }
        #expect(nullable?.description == generic?.description)
        let missing = #expect(throws: RowDecodingError.self) { try row.nullable(9) as String? }
        let genericMissing = #expect(throws: RowDecodingError.self) { try row[9] as String? }
        #expect(missing?.description == genericMissing?.description)
    }

    @Test("A statement's current row reads them as a copied row does")
    func cursorSameAsRow() throws {
        let db = try Database(path: ":memory:")
        let sql = "SELECT 'testo', NULL, 42, 'x'"
        let row = try #require(try db.fetchOne(sql))
        var read: [String?] = []
        var fromCursor: RowDecodingError?
        try db.forEach(sql) { (cursor: RowCursor) throws in
            read.append(try cursor.nullable(0) as String?)
            read.append(try cursor.nullable(1) as String?)
            read.append((try cursor.nullable(1) as Int64?).map { "\($0)" })
            read.append((try cursor.nullable(2) as Int64?).map { "\($0)" })
            do { _ = try cursor.nullable(3) as Int64? } catch let error as RowDecodingError { fromCursor = error }
        }
        #expect(read == ["testo", nil, nil, "42"])
        let fromRow = #expect(throws: RowDecodingError.self) { try row.nullable(3) as Int64? }
        #expect(fromCursor != nil)
        #expect(fromCursor?.description == fromRow?.description)
    }
}
