import Foundation
import SpuntaStore
import Testing
@testable import SpuntaServerStore

/// The hand-written list writer must store exactly what `JSONSerialization` stored before it: rows written by
/// either compare equal, and `instr(source_ops, …)` lookups keep finding the same text.
@Suite("A list of strings is written as JSONSerialization writes it")
struct JSONStringListTests {
    static let lists: [[String]] = [
        [],
        [""],
        ["0b7d9a52-6c1e-4f0e-9d7a-2c4d8e1f3a5b"],
        ["0b7d9a52-6c1e-4f0e-9d7a-2c4d8e1f3a5b", "5f1c2e3d-8a9b-4c7d-a1e2-f3b4c5d6e7f8"],
        ["a\"b", "back\\slash", "s/lash", "</script>"],
        ["tab\there", "new\nline", "cr\rlf", "\u{8}\u{c}", "\u{0}\u{1}\u{1f}\u{7f}"],
        ["perché", "città €", "日本", "🧒🏽", "\u{2028}\u{2029}", "e\u{301}"],
        ["a,b", "[x]", "{\"k\":1}", " spaced  ", "'quote'"],
    ]

    @Test("the text is byte for byte JSONSerialization's", arguments: lists)
    func sameAsFoundation(list: [String]) throws {
        let foundation = String(decoding: try JSONSerialization.data(withJSONObject: list), as: UTF8.self)
        #expect(JSONStringList.encode(list) == foundation)
    }

    @Test("the text reads back as the same list", arguments: lists)
    func roundTrip(list: [String]) throws {
        let text = JSONStringList.encode(list)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [String])
        #expect(decoded == list)
    }

    /// The lists without NUL: SQLite ends a text decoded from JSON at a NUL, so `inList` is for texts without one —
    /// ids, which are letters, digits and `-_./` (`FieldReader.id`).
    static let withoutNUL = lists.map { $0.map { $0.replacingOccurrences(of: "\u{0}", with: "") } }

    @Test("bound as the operand of IN, the text selects exactly the strings of the list", arguments: withoutNUL)
    func selectsTheList(list: [String]) throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (v TEXT NOT NULL)")
        // Every list's strings are in the table, and a few that differ from them by little.
        let stored = Set(Self.lists.joined()).union(Self.withoutNUL.joined()).union(["A\"b", "s\\/lash", "e\u{e9}", "perche", "0b7d9a52"])
        for value in stored { try db.run("INSERT INTO t (v) VALUES (?)", [value]) }
        var found: [String] = []
        try db.cachedStatement("SELECT v FROM t WHERE v IN \(JSONStringList.inList)").forEach([JSONStringList.encode(list)]) {
            found.append(try $0[0])
        }
        #expect(found.sorted() == Set(list).sorted())
    }
}
