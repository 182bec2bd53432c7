import Foundation
import Testing
import SpuntaDomain
import SpuntaStore
@testable import SpuntaSync

/// What the push checks know of a batch's children (`ChildRecords`), read from the store with the classes' school years
/// and the services looked up once per batch: a removed child, class, school year or service grants nothing.
@Suite("Children's records for the push checks")
struct ChildRecordsTests {
    /// Reads `ids` in one batch as the validator does.
    static func load(_ f: SyncFixture, _ ids: [String]) throws -> ChildRecords {
        try f.queue.read { db in
            var records = ChildRecords()
            try records.load(db, ids)
            return records
        }
    }

    /// The class spell (the class's school year narrowed by the membership's dates) and the enrollments the store holds
    /// for a child, worked out here in SQL from the rows.
    static func expected(_ f: SyncFixture, _ id: String) throws -> (classes: [ChildRecords.ClassSpell], enrollments: [ChildRecords.EnrollmentSpell]) {
        try f.queue.read { db in
            var classes: [ChildRecords.ClassSpell] = []
            if let row = try db.fetchOne("""
                SELECT c.id, MAX(COALESCE(b.class_from, y.start_date), y.start_date), MIN(COALESCE(b.class_to, y.end_date), y.end_date)
                FROM beneficiary b JOIN school_class c ON c.id = b.class_id AND c.deleted = 0
                    JOIN school_year y ON y.id = c.year_id AND y.deleted = 0 WHERE b.id = ? AND b.deleted = 0
                """, [id]), (try row[1] as String) <= (try row[2] as String) {
                classes = [ChildRecords.ClassSpell(classId: try row[0], from: try #require(LocalDate(try row[1] as String)),
                                                   through: try #require(LocalDate(try row[2] as String)))]
            }
            let enrollments = try db.fetchAll("""
                SELECT e.service_id, s.kind, e.site_id, e.route_id, e.start_date, e.end_date FROM enrollment e
                    JOIN service s ON s.id = e.service_id AND s.deleted = 0 JOIN beneficiary b ON b.id = e.beneficiary_id AND b.deleted = 0
                WHERE e.deleted = 0 AND e.beneficiary_id = ? ORDER BY e.id
                """, [id]).map { row in
                ChildRecords.EnrollmentSpell(
                    serviceId: try row[0], servesMeals: Service.Kind(rawValue: try row[1])?.servesMeals ?? false, siteId: try row[2],
                    routeId: try row[3], from: try #require(LocalDate(try row[4] as String)), through: (try row[5] as String?).flatMap { LocalDate($0) })
            }
            return (classes, enrollments)
        }
    }

    static func sorted(_ spells: [ChildRecords.EnrollmentSpell]) -> [ChildRecords.EnrollmentSpell] {
        spells.sorted { ($0.serviceId, $0.siteId ?? "", $0.routeId ?? "", $0.from) < ($1.serviceId, $1.siteId ?? "", $1.routeId ?? "", $1.from) }
    }

    @Test("every child of the sample in one batch has the class spell and the enrollments the store holds, and an unknown id has none")
    func everyChild() throws {
        let f = try SyncFixture()
        let ids = f.sample.beneficiaries.map(\.id)
        try #require(ids.count > 400)
        let records = try Self.load(f, ids + ["SCONOSCIUTO"])
        for id in ids {
            let child = try #require(records[id])
            let (classes, enrollments) = try Self.expected(f, id)
            #expect(child.classes == classes, "\(id)")
            #expect(Self.sorted(child.enrollments) == Self.sorted(enrollments), "\(id)")
        }
        #expect(records["SCONOSCIUTO"] == nil)
    }

    @Test("a removed class, school year, service or child grants nothing, and the child removed is still known", arguments: [
        "class", "year", "service", "child",
    ])
    func removed(_ what: String) throws {
        let f = try SyncFixture()
        let child = try #require(f.sample.beneficiaries.first { b in
            b.classId != nil && f.sample.enrollments.contains { $0.beneficiaryId == b.id }
        })
        let classID = try #require(child.classId)
        let before = try #require(try Self.load(f, [child.id])[child.id])
        #expect(before.classes.count == 1 && !before.enrollments.isEmpty)
        let service = try #require(before.enrollments.first?.serviceId)
        try f.queue.write { db in
            switch what {
            case "class": try db.run("UPDATE school_class SET deleted = 1 WHERE id = ?", [classID])
            case "year": try db.run("UPDATE school_year SET deleted = 1 WHERE id = (SELECT year_id FROM school_class WHERE id = ?)", [classID])
            case "service": try db.run("UPDATE service SET deleted = 1 WHERE id = ?", [service])
            default: try db.run("UPDATE beneficiary SET deleted = 1 WHERE id = ?", [child.id])
            }
        }
        let after = try #require(try Self.load(f, [child.id])[child.id])
        let (classes, enrollments) = try Self.expected(f, child.id)
        #expect(after.classes == classes)
        #expect(Self.sorted(after.enrollments) == Self.sorted(enrollments))
        switch what {
        case "class", "year": #expect(after.classes.isEmpty && after.enrollments == before.enrollments)
        case "service": #expect(after.classes == before.classes && !after.enrollments.contains { $0.serviceId == service })
        default: #expect(after.classes.isEmpty && after.enrollments.isEmpty)
        }
    }
}
