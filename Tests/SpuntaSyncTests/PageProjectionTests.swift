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
}
