import Foundation
import Testing
@testable import SpuntaStore

@Suite("One statement where one is expected")
struct StatementTests {
    static func table() throws -> Database {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (x INTEGER)")
        return db
    }

    @Test("a string of several statements is refused with a clear error, and none of it runs", arguments: [
        "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)",
        "INSERT INTO t VALUES (1); DELETE FROM t",
        "INSERT INTO t VALUES (1);\n-- then\nINSERT INTO t VALUES (2);",
        "INSERT INTO t VALUES (1); not sql at all",
    ])
    func severalStatements(sql: String) throws {
        let db = try Self.table()
        let error = try #require(throws: DatabaseError.self) { try db.run(sql) }
        #expect(error.resultCode == .SQLITE_MISUSE)
        #expect(error.message.contains("several statements"), "\(error)")
        #expect(error.sql == sql)
        #expect(try db.scalar("SELECT count(*) FROM t") as Int? == 0, "the first statement must not have run either")
        #expect(throws: DatabaseError.self) { try db.makeStatement(sql) }
        #expect(throws: DatabaseError.self) { try db.fetchAll("SELECT x FROM t; SELECT 1") }
        #expect(throws: DatabaseError.self) { try db.scalar("SELECT count(*) FROM t; DELETE FROM t") as Int? }
    }

    @Test("blanks, comments and semicolons after the one statement are accepted", arguments: [
        "INSERT INTO t VALUES (1);",
        "INSERT INTO t VALUES (1) ;  \n\t",
        "INSERT INTO t VALUES (1); -- the only one",
        "INSERT INTO t VALUES (1) /* one */ ;;\n",
        "INSERT INTO t VALUES (1)\n-- end\n",
    ])
    func trailingNothing(sql: String) throws {
        let db = try Self.table()
        try db.run(sql)
        #expect(try db.scalar("SELECT count(*) FROM t") as Int? == 1)
    }

    @Test("a script of several statements still runs whole through execute")
    func scriptThroughExecute() throws {
        let db = try Self.table()
        try db.execute("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)")
        #expect(try db.scalar("SELECT count(*) FROM t") as Int? == 2)
    }
}
