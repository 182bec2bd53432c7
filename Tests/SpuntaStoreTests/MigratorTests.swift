import Foundation
import Testing
@testable import SpuntaStore

@Suite("Migrator")
struct MigratorTests {
    /// Three released steps, as a program would ship them over three versions.
    static func migrator(upTo count: Int) -> Migrator {
        var m = Migrator()
        let steps: [(String, Migrator.Step)] = [
            ("v1-people", { try $0.execute("CREATE TABLE person (id TEXT PRIMARY KEY, name TEXT NOT NULL)") }),
            ("v2-email", { try $0.execute("ALTER TABLE person ADD COLUMN email TEXT") }),
            ("v3-cards", { db in
                try db.execute("CREATE TABLE card (id TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES person(id))")
            }),
        ]
        for (name, body) in steps.prefix(count) { m.registerMigration(name, body) }
        return m
    }

    @Test("a new database gets every step and its version", arguments: [0, 1, 2])
    func upgradeFromEachOlderVersion(start: Int) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("m.sqlite")
        do {
            let db = try Database(path: path)
            try Self.migrator(upTo: start).migrate(db)
            if start >= 1 { try db.run("INSERT INTO person (id, name) VALUES ('p1', 'Anna')") }
        }
        let db = try Database(path: path)
        let full = Self.migrator(upTo: 3)
        try full.migrate(db)
        #expect(try full.appliedIdentifiers(db) == ["v1-people", "v2-email", "v3-cards"])
        #expect(try db.scalar("PRAGMA user_version") as Int? == 3)
        if start >= 1 {
            #expect(try db.scalar("SELECT name FROM person WHERE id = 'p1'") as String? == "Anna")
        }
        try db.run("INSERT INTO person (id, name, email) VALUES ('p2', 'Bruno', 'b@example.it')")
        try db.run("INSERT INTO card (id, person_id) VALUES ('c1', 'p2')")
        // Running again changes nothing.
        try full.migrate(db)
        #expect(try db.scalar("SELECT count(*) FROM schema_migrations") as Int? == 3)
    }

    @Test("a failing step leaves the database at the previous version")
    func failingStepRollsBack() throws {
        let db = try Database(path: ":memory:")
        var m = Self.migrator(upTo: 1)
        m.registerMigration("v2-broken") { db in
            try db.execute("ALTER TABLE person ADD COLUMN email TEXT")
            try db.execute("CREATE TABLE oops (")
        }
        #expect(throws: DatabaseError.self) { try m.migrate(db) }
        #expect(try m.appliedIdentifiers(db) == ["v1-people"])
        #expect(try db.scalar("PRAGMA user_version") as Int? == 1)
        let columns = try db.fetchAll("PRAGMA table_info(person)").map { try $0["name"] as String }
        #expect(!columns.contains("email"))
    }

    @Test("a database written by a newer version is refused, unchanged")
    func newerDatabaseRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("n.sqlite")
        try Self.migrator(upTo: 3).migrate(try Database(path: path))
        let old = Self.migrator(upTo: 2)
        let db = try Database(path: path)
        #expect(throws: MigrationError.self) { try old.migrate(db) }
        #expect(try db.scalar("PRAGMA user_version") as Int? == 3)
    }
}
