import Foundation
import Testing
@testable import SpuntaStore

@Suite("Typed arguments and typed column reads")
struct StatementBindingsTests {
    static func table() throws -> Database {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, v)")
        return db
    }

    /// What SQLite stored: its storage class and its value as text (a blob in hex), for every row in order.
    static func stored(_ db: Database) throws -> [String] {
        try db.fetchAll("SELECT typeof(v), quote(v) FROM t ORDER BY n").map { "\(try $0[0] as String) \(try $0[1] as String)" }
    }

    /// One value of each kind, added typed and given in `StatementArguments`.
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let typed: @Sendable (inout StatementBindings) -> Void
        let argument: (any DatabaseValueConvertible)?
    }

    static let cases: [Case] = [
        Case(description: "text", typed: { $0.add("Mensa Rodari" as String?) }, argument: "Mensa Rodari"),
        Case(description: "empty text", typed: { $0.add("") }, argument: ""),
        Case(description: "long text with accents", typed: { $0.add(String(repeating: "perché è così ", count: 40)) },
             argument: String(repeating: "perché è così ", count: 40)),
        Case(description: "no text", typed: { $0.add(nil as String?) }, argument: nil as String?),
        Case(description: "Int64", typed: { $0.add(Int64.max) }, argument: Int64.max),
        Case(description: "negative Int64", typed: { $0.add(Int64.min) }, argument: Int64.min),
        Case(description: "no Int64", typed: { $0.add(nil as Int64?) }, argument: nil as Int64?),
        Case(description: "Int", typed: { $0.add(42) }, argument: 42),
        Case(description: "no Int", typed: { $0.add(nil as Int?) }, argument: nil as Int?),
        Case(description: "Int32", typed: { $0.add(Int32(-7)) }, argument: Int32(-7)),
        Case(description: "true", typed: { $0.add(true) }, argument: true),
        Case(description: "false", typed: { $0.add(false) }, argument: false),
        Case(description: "no Bool", typed: { $0.add(nil as Bool?) }, argument: nil as Bool?),
        Case(description: "Double", typed: { $0.add(2.5) }, argument: 2.5),
        Case(description: "no Double", typed: { $0.add(nil as Double?) }, argument: nil as Double?),
        Case(description: "blob", typed: { $0.add(Data([0, 1, 254, 255])) }, argument: Data([0, 1, 254, 255])),
        Case(description: "empty blob", typed: { $0.add(Data()) }, argument: Data()),
        Case(description: "no blob", typed: { $0.add(nil as Data?) }, argument: nil as Data?),
        Case(description: "NULL", typed: { $0.addNull() }, argument: nil),
        Case(description: "a DatabaseValue", typed: { $0.add(value: DatabaseValue.real(0.25)) }, argument: DatabaseValue.real(0.25)),
    ]

    @Test("a value added typed is stored exactly as the same value in StatementArguments", arguments: cases)
    func sameAsArguments(_ value: Case) throws {
        let typed = try Self.table()
        try typed.run("INSERT INTO t (v) VALUES (?)") { value.typed(&$0) }
        let given = try Self.table()
        try given.run("INSERT INTO t (v) VALUES (?)", [value.argument])
        #expect(try Self.stored(typed) == Self.stored(given))
        #expect(try Self.stored(typed).count == 1)
    }

    @Test("values added typed read back as what was added, NULL as nil")
    func roundTrip() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE r (s TEXT, i INTEGER, d REAL, b BLOB, f INTEGER, z TEXT)")
        let text = "Scuola dell'infanzia «Collodi» — sezione B"
        try db.run("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?)") {
            $0.add(text); $0.add(Int64(-9_007_199_254_740_993)); $0.add(0.1); $0.add(Data("ok".utf8)); $0.add(true); $0.add(nil as String?)
        }
        var read = 0
        try db.forEach("SELECT s, i, d, b, f, z FROM r WHERE s = ?", binding: { $0.add(text) }) { row throws in
            #expect(try row[0] as String == text)
            #expect(try row[1] as Int64 == -9_007_199_254_740_993)
            #expect(try row[2] as Double == 0.1)
            #expect(try row[3] as Data == Data("ok".utf8))
            #expect(try row[4] as Bool == true)
            #expect(try row[5] as String? == nil)
            read += 1
        }
        #expect(read == 1)
    }

    @Test("too few or too many typed values fail as StatementArguments do, and nothing is written", arguments: [0, 1, 3])
    func wrongCount(count: Int) throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE p (a, b)")
        let typed = try #require(throws: DatabaseError.self) {
            try db.run("INSERT INTO p VALUES (?, ?)") { row in for n in 0..<count { row.add(n) } }
        }
        let given = try #require(throws: DatabaseError.self) {
            try db.run("INSERT INTO p VALUES (?, ?)", Array(repeating: 1, count: count))
        }
        #expect(typed.resultCode == .SQLITE_RANGE)
        #expect(typed.message == given.message)
        #expect(typed.message == "expected 2 arguments, got \(count)")
        #expect(typed.sql == given.sql)
        #expect(try db.scalar("SELECT count(*) FROM p") as Int? == 0)
    }

    @Test("a statement whose typed binding failed runs again with the right values")
    func reusedAfterFailure() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE p (a, b)")
        #expect(throws: DatabaseError.self) { try db.run("INSERT INTO p VALUES (?, ?)") { $0.add(1) } }
        try db.run("INSERT INTO p VALUES (?, ?)") { $0.add(1); $0.add("due") }
        #expect(try db.fetchAll("SELECT a, b FROM p").map { "\(try $0[0] as Int) \(try $0[1] as String)" } == ["1 due"])
    }

    @Test("a cursor's typed read of the wrong type fails with the same error as a copied row's")
    func cursorErrors() throws {
        let db = try Database(path: ":memory:")
        let sql = "SELECT 'tre' AS word, NULL AS empty, 2.5 AS half"
        let row = try #require(try db.fetchOne(sql))
        var errors: [(cursor: RowDecodingError, row: RowDecodingError)] = []
        try db.forEach(sql) { cursor throws in
            errors.append((try #require(throws: RowDecodingError.self) { try cursor[0] as Int },
                           try #require(throws: RowDecodingError.self) { try row[0] as Int }))
            errors.append((try #require(throws: RowDecodingError.self) { try cursor[1] as String },
                           try #require(throws: RowDecodingError.self) { try row[1] as String }))
            errors.append((try #require(throws: RowDecodingError.self) { try cursor[2] as Int64 },
                           try #require(throws: RowDecodingError.self) { try row[2] as Int64 }))
            errors.append((try #require(throws: RowDecodingError.self) { try cursor[5] as Int },
                           try #require(throws: RowDecodingError.self) { try row[5] as Int }))
        }
        #expect(errors.count == 4)
        for (index, pair) in errors.enumerated() {
            #expect(pair.cursor.description == pair.row.description, "case \(index)")
        }
        #expect(errors.prefix(3).map(\.cursor.column) == ["word", "empty", "half"])
        #expect(errors[3].cursor.column == "#5")
    }

    @Test("reading by storage class gives text only for text and integers only for integers, on a row and a cursor alike")
    func storageClassReads() throws {
        let db = try Database(path: ":memory:")
        let sql = "SELECT 'testo', 7, 2.0, x'00ff', NULL, '7'"
        let row = try #require(try db.fetchOne(sql))
        var cursorTexts: [String?] = [], cursorIntegers: [Int64?] = [], cursorCount = 0
        try db.forEach(sql) { cursor throws in
            cursorCount = cursor.count
            cursorTexts = (0...6).map { cursor.text(at: $0) }
            cursorIntegers = (0...6).map { cursor.integer(at: $0) }
        }
        let texts: [String?] = ["testo", nil, nil, nil, nil, "7", nil]
        let integers: [Int64?] = [nil, 7, nil, nil, nil, nil, nil]
        #expect((0...6).map { row.text(at: $0) } == texts)
        #expect((0...6).map { row.integer(at: $0) } == integers)
        #expect(cursorTexts == texts)
        #expect(cursorIntegers == integers)
        #expect(row.count == 6 && cursorCount == 6)
        #expect(row.text(at: -1) == nil && row.integer(at: -1) == nil)
    }

    @Test("statements whose texts share their length and both ends are cached apart")
    func cacheKeys() throws {
        let db = try Database(path: ":memory:")
        let padding = String(repeating: " ", count: 120)
        let first = "SELECT 1 AS v" + padding + "UNION ALL SELECT 10" + padding + "ORDER BY v DESC LIMIT 1"
        let second = "SELECT 2 AS v" + padding + "UNION ALL SELECT 20" + padding + "ORDER BY v DESC LIMIT 1"
        let third = "SELECT 1 AS v" + padding + "UNION ALL SELECT 30" + padding + "ORDER BY v DESC LIMIT 1"
        #expect(first.utf8.count == third.utf8.count)
        #expect(try db.scalar(first) as Int? == 10)
        #expect(try db.scalar(second) as Int? == 20)
        #expect(try db.scalar(third) as Int? == 30)
        #expect(try db.scalar(first) as Int? == 10)
        #expect(try db.cachedStatement(first) === db.cachedStatement(first))
        #expect(try db.cachedStatement(first) !== db.cachedStatement(third))
    }

    @Test("a statement run again and again stores each run's own text and blobs, short and long, whichever block holds them")
    func textCopiedPerRun() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE r (n INTEGER PRIMARY KEY, a TEXT, b TEXT, c BLOB)")
        struct Values: Equatable {
            let a: String, b: String, c: Data
        }
        // Lengths around and past the first block and each growth, in an order that makes the copies move between blocks.
        let lengths = [3, 5_000, 0, 700, 20_000, 1, 1_024, 1_023, 3_000, 40]
        var expected: [Int: Values] = [:]
        for (n, length) in lengths.enumerated() {
            let values = Values(a: String(repeating: "è", count: length), b: "riga \(n) " + String(repeating: "x", count: length / 3),
                                c: Data((0...length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) }))
            try db.run("INSERT INTO r (n, a, b, c) VALUES (?, ?, ?, ?)") { $0.add(n); $0.add(values.a); $0.add(values.b); $0.add(values.c) }
            // Every other row through StatementArguments: both ways bind through the same statement's copies.
            let swapped = Values(a: values.b, b: values.a, c: values.c)
            try db.run("INSERT INTO r (n, a, b, c) VALUES (?, ?, ?, ?)", [n + 100, swapped.a, swapped.b, swapped.c])
            expected[n] = values
            expected[n + 100] = swapped
        }
        var stored: [Int: Values] = [:]
        for row in try db.fetchAll("SELECT n, a, b, c FROM r") {
            stored[try row[0]] = Values(a: try row[1], b: try row[2], c: try row[3])
        }
        #expect(stored == expected)
    }

    @Test("a statement whose binding failed halfway keeps none of that run's text for the next run")
    func failedBindingClearsItsText() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE q (a, b)")
        try db.run("INSERT INTO q VALUES (?, ?)") { $0.add("primo"); $0.add("secondo") }
        #expect(throws: DatabaseError.self) { try db.run("INSERT INTO q VALUES (?, ?)") { $0.add(String(repeating: "z", count: 9_000)) } }
        #expect(throws: DatabaseError.self) { try db.run("INSERT INTO q VALUES (?, ?)", ["terzo"]) }
        try db.run("INSERT INTO q VALUES (?, ?)") { $0.add("quarto"); $0.add(nil as String?) }
        #expect(try db.fetchAll("SELECT a, quote(b) FROM q").map { "\(try $0[0] as String) \(try $0[1] as String)" }
            == ["primo 'secondo'", "quarto NULL"])
    }
}
