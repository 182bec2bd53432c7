import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// An operator's decision on a conflict stays in its history, whatever the correction it records does to the
/// merged facts.
@Suite("Resolving conflicts")
struct ConflictResolutionTests {
    /// The `absent_but_ate` conflict of the fixture's child, and the child.
    static func absentButAte() throws -> (SyncFixture, Int64, String) {
        let f = try SyncFixture()
        let child = try f.absentChildWhoAte()
        let id: Int64 = try #require(try f.queue.read { try $0.scalar("SELECT id FROM conflict WHERE kind = 'absent_but_ate'") })
        return (f, id, child)
    }

    static func listed(_ f: SyncFixture, _ id: Int64) throws -> AdminQueries.ConflictRow? {
        try f.queue.read { try AdminQueries.conflicts($0, status: nil, date: nil) }.first { $0.id == id }
    }

    @Test("setting the status settles the disagreement, and the conflict stays in the history as resolved with its note",
          arguments: [AttendanceStatus.present, .lateEntry])
    func setStatusKeepsHistory(status: AttendanceStatus) throws {
        let (f, id, child) = try Self.absentButAte()
        try f.queue.write { db in
            try AdminQueries.resolve(db, id: id, note: "ha mangiato: era entrato alle 9", setStatus: status, actor: "ufficio", now: SyncFixture.now)
        }
        let row = try #require(try Self.listed(f, id), "the conflict disappeared from the history")
        #expect(row.status == "resolved")
        #expect(row.resolution == "ha mangiato: era entrato alle 9")
        #expect(row.resolvedBy == "ufficio")
        #expect(row.kind == "absent_but_ate")
        #expect(row.beneficiaryId == child)
        #expect(try f.queue.read { try AdminQueries.conflicts($0, status: "resolved", date: nil) }.map(\.id) == [id])
        #expect(try f.queue.read { try AdminQueries.conflicts($0, status: "open", date: nil) }.isEmpty)
        #expect(try f.queue.read { try $0.scalar("SELECT status FROM attendance WHERE beneficiary_id = ?", [child]) as String? } == status.rawValue)
    }

    @Test("confirming the absence keeps the conflict resolved, not reopened by the correction")
    func confirmAbsence() throws {
        let (f, id, _) = try Self.absentButAte()
        try f.queue.write { db in
            try AdminQueries.resolve(db, id: id, note: "confermato assente: pasto da stornare", setStatus: .absent, actor: "ufficio", now: SyncFixture.now)
        }
        let row = try #require(try Self.listed(f, id))
        #expect(row.status == "resolved")
        #expect(row.resolution == "confermato assente: pasto da stornare")
    }

    @Test("co-teachers' disagreement resolved with a status stays resolved with its note")
    func coTeachers() throws {
        let f = try SyncFixture()
        let (t1, _) = try f.device(.teacher, ["class:S01-1A"])
        let (t2, _) = try f.device(.teacher, ["class:S01-1A"])
        let child = try #require(f.children(ofClass: "S01-1A").first)
        _ = try f.push(t1, [OpMaker(device: t1.deviceId).mark(child, classID: "S01-1A", .absent, at: 1_791_200_000_000)])
        _ = try f.push(t2, [OpMaker(device: t2.deviceId).mark(child, classID: "S01-1A", .present, at: 1_791_200_060_000)])
        let id: Int64 = try #require(try f.queue.read { try $0.scalar("SELECT id FROM conflict WHERE kind = 'attendance_disagreement'") })
        try f.queue.write { db in
            try AdminQueries.resolve(db, id: id, note: "sentita la maestra: assente", setStatus: .absent, actor: "ufficio", now: SyncFixture.now)
        }
        let row = try #require(try Self.listed(f, id))
        #expect(row.status == "resolved")
        #expect(row.resolution == "sentita la maestra: assente")
    }
}
