import Foundation
import Testing
import SpuntaClient
import SpuntaDomain
import SpuntaTestSupport

/// A line that serves two schools with different return times: the bus device finds each child's school on the
/// line, its stop and that day's times, from the enrollment or else from the child's class.
@Suite("The school of a child on a bus line")
struct BusSchoolTests {
    /// (enrollment's school, class's plesso, day) → school, stop (last: the line's last stop; second: its second),
    /// return time, from the enrollment; nil when none.
    /// The sample's lines serve Rodari (S01: arrival 07:55, return 16:30) and Montessori (S02: 08:05, 16:20, and
    /// 12:35 on Wednesdays, without afternoon school).
    static let cases: [(String?, String?, String, (String, String, String, Bool)?)] = [
        ("S02", nil, "2026-10-06", ("S02", "last", "16:20", true)),
        ("S02", nil, "2026-10-07", ("S02", "last", "12:35", true)),
        ("S01", "S02", "2026-10-07", ("S01", "second", "16:30", true)),
        (nil, "S02", "2026-10-07", ("S02", "last", "12:35", false)),
        (nil, "S01", "2026-10-06", ("S01", "second", "16:30", false)),
        (nil, nil, "2026-10-06", nil),
        ("S03", nil, "2026-10-06", nil),
        ("S02", nil, "2026-09-07", nil),
    ]

    @Test("two schools on one line with different return times", arguments: cases)
    func schoolOfChild(_ c: (String?, String?, String, (String, String, String, Bool)?)) throws {
        let (school, classSite, day, expected) = c
        let bus = try FieldDevice(.bus)
        let child = try #require(try bus.strings("SELECT beneficiary_id FROM enrollment WHERE route_id = 'L1' ORDER BY id").first)
        let stops = try bus.queue().read { db in try ReplicaStore(db).record(.routes, "L1", as: Route.self)?.stops.map(\.id) ?? [] }
        try #require(stops.count > 2)
        let found = try bus.queue().write { db -> SchoolOnRoute? in
            try db.run("UPDATE enrollment SET school_id = ? WHERE beneficiary_id = ? AND route_id = 'L1'", [school, child])
            try db.run("UPDATE beneficiary SET class_site_id = ? WHERE id = ?", [classSite, child])
            return try ReplicaStore(db).school(of: child, route: "L1", on: LocalDate(day)!)
        }
        guard let expected else {
            #expect(found == nil)
            return
        }
        let answer = try #require(found)
        #expect(answer.siteId == expected.0)
        #expect(answer.stopId == (expected.1 == "last" ? stops.last : stops[1]))
        #expect(answer.returnTime.description == expected.2)
        #expect(answer.fromEnrollment == expected.3)
    }
}
