import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// A snapshot projects a page of records at a time (`project(_:ids:)`); a record must come out exactly as when it is
/// projected alone (`project(_:_:)`, what an incremental pull sends), for every role and every kind of record —
/// including records outside the scope and removed ones, which project to nothing either way.
@Suite("Projection of a page of records")
struct PageProjectionTests {
    static let scopes: [(DeviceRole, [ScopeItem])] = [
        (.teacher, [ScopeItem(kind: .class, id: "S01-1A")]),
        (.canteen, [ScopeItem(kind: .site, id: "S01")]),
        (.bus, [ScopeItem(kind: .route, id: "L1")]),
    ]

    @Test("a page projects each record as it projects alone", arguments: 0..<3)
    func samePerPage(_ which: Int) throws {
        let f = try SyncFixture(.sample)
        let (role, items) = Self.scopes[which]
        // Some records removed: a page must leave them out as a single projection does.
        try f.queue.write { db in
            try db.run("UPDATE beneficiary SET deleted = 1 WHERE id IN (SELECT id FROM beneficiary ORDER BY id LIMIT 3)")
            try db.run("UPDATE card SET deleted = 1 WHERE id IN (SELECT id FROM card ORDER BY id DESC LIMIT 3)")
            try db.run("UPDATE enrollment SET deleted = 1 WHERE id IN (SELECT id FROM enrollment ORDER BY id LIMIT 3)")
        }
        let scope = DeviceScope(deviceId: "D", role: role, items: items)
        let tables: [ReplicaEntity: String] = [.beneficiaries: "beneficiary", .enrollments: "enrollment", .cards: "card", .classes: "school_class"]
        try f.queue.read { db in
            let projector = ReplicaProjector(scope: scope, db: db)
            var inScope = 0
            for (entity, table) in tables {
                let ids = try db.fetchAll("SELECT id FROM \(table) ORDER BY id").map { try $0[0] as String } + ["NESSUNO"]
                let page = try projector.project(entity, ids: ids)
                try #require(page.count == ids.count)
                for (id, record) in zip(ids, page) {
                    #expect(record == (try projector.project(entity, id)), "\(entity) \(id) for \(role)")
                    if record != nil { inScope += 1 }
                }
            }
            // The comparison means something only if the scope holds records and leaves others out.
            #expect(inScope > 0)
        }
    }

    /// Scopes whose children come from classes, from enrollments only (the nursery has no classes), from both, and
    /// from a line serving two schools.
    static let listingScopes: [(DeviceRole, [ScopeItem])] = scopes + [
        (.canteen, [ScopeItem(kind: .site, id: "S04")]),
        (.canteen, [ScopeItem(kind: .site, id: "S02"), ScopeItem(kind: .site, id: "S04")]),
        (.bus, [ScopeItem(kind: .route, id: "L1"), ScopeItem(kind: .route, id: "L2")]),
        (.teacher, [ScopeItem(kind: .class, id: "S01-1A"), ScopeItem(kind: .class, id: "S02-1A")]),
    ]

    @Test("a snapshot lists exactly the children the scope's membership test lets in, with their enrollments and cards",
          arguments: 0..<7)
    func listingMatchesMembership(_ which: Int) throws {
        let f = try SyncFixture(.sample)
        let (role, items) = Self.listingScopes[which]
        try f.queue.write { db in
            try db.run("UPDATE beneficiary SET deleted = 1 WHERE id IN (SELECT id FROM beneficiary ORDER BY id LIMIT 3)")
        }
        let scope = DeviceScope(deviceId: "D", role: role, items: items)
        try f.queue.read { db in
            let projector = ReplicaProjector(scope: scope, db: db)
            let everyone = try db.fetchAll("SELECT id FROM beneficiary ORDER BY id").map { try $0[0] as String }
            let members = try everyone.filter { try projector.beneficiaryInScope($0) }
            /// The candidates of `entity`, page by page as a snapshot reads them (pages of 7 to cross page ends).
            func listed(_ entity: ReplicaEntity) throws -> [String] {
                var all: [String] = []
                var last = ""
                while true {
                    let page = try projector.candidates(entity, after: last, limit: 7)
                    all += page
                    guard let end = page.last, page.count == 7 else { return all }
                    last = end
                }
            }
            #expect(try listed(.beneficiaries) == members)
            #expect(!members.isEmpty && members.count < everyone.count)
            let (list, args) = ReplicaProjector.inList(members)
            if role != .teacher {
                let cards = try db.fetchAll("SELECT id FROM card WHERE deleted = 0 AND beneficiary_id IN \(list) ORDER BY id", args)
                    .map { try $0[0] as String }
                #expect(try listed(.cards) == cards)
            } else {
                let enrollments = try db.fetchAll("SELECT id FROM enrollment WHERE deleted = 0 AND beneficiary_id IN \(list) ORDER BY id", args)
                    .map { try $0[0] as String }
                #expect(try listed(.enrollments) == enrollments)
            }
        }
    }
}
