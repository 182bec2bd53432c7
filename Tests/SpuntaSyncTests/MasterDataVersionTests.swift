import Foundation
import Testing
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// The children's master data a push needs is read beside the writer (`PushService.prepare`) and taken by the writer
/// only if `MasterDataVersion` has not moved since. Whatever changes between the read and the write, the answer is the
/// one of a write that reads the master data itself.
@Suite("Master data read before the write, and its version")
struct MasterDataVersionTests {
    static let day = ScopeWorld.schoolDay

    /// What changes between the read and the write, through the office's import of the Comune.
    enum Change: String, CaseIterable, Sendable {
        case movedToAnotherClass = "the child moved to another class"
        case joinedLater = "the child's first day in the class moved after the day"
        case enrollmentEnded = "the canteen and bus enrollments ended before the day"
        case serviceRemoved = "the canteen service removed"
        case childRemoved = "the child removed"
        case yearShortened = "the school year ends before the day"
        case classRemoved = "the class removed"
        case enrolledAgain = "a child not enrolled is enrolled and put in the class"

        /// The Comune after the change.
        func apply(to data: inout MasterDataSet) {
            let child = self == .enrolledAgain ? ScopeWorld.nobody : ScopeWorld.own
            switch self {
            case .movedToAnotherClass:
                data.beneficiaries = data.beneficiaries.map { var b = $0; if b.id == child { b.classId = "C2" }; return b }
            case .joinedLater:
                data.beneficiaries = data.beneficiaries.map { var b = $0; if b.id == child { b.classFrom = ScopeWorld.joinsClassOn }; return b }
            case .enrollmentEnded:
                data.enrollments = data.enrollments.map { var e = $0; if e.beneficiaryId == child { e.endDate = ScopeWorld.d("2026-09-30") }; return e }
            case .serviceRemoved:
                data.services.removeAll { $0.id == "MENSA" }
                data.tariffs.removeAll { $0.serviceId == "MENSA" }
                data.enrollments.removeAll { $0.serviceId == "MENSA" }
            case .childRemoved:
                data.beneficiaries.removeAll { $0.id == child }
                data.enrollments.removeAll { $0.beneficiaryId == child }
            case .yearShortened:
                data.schoolYears = data.schoolYears.map { var y = $0; y.endDate = ScopeWorld.d("2026-09-30"); return y }
                data.services = data.services.map { var s = $0; s.endDate = ScopeWorld.d("2026-09-30"); return s }
            case .classRemoved:
                data.classes.removeAll { $0.id == "C1" }
                data.beneficiaries = data.beneficiaries.map { var b = $0; if b.classId == "C1" { (b.classId, b.classFrom, b.classTo) = (nil, nil, nil) }; return b }
            case .enrolledAgain:
                data.beneficiaries = data.beneficiaries.map { var b = $0; if b.id == child { b.classId = "C1" }; return b }
                data.enrollments.append(Enrollment(
                    id: "E-NEW-MENSA", beneficiaryId: child, serviceId: "MENSA", siteId: "S1", dietId: nil, routeId: nil, outboundStopId: nil,
                    returnStopId: nil, tariffId: nil, startDate: ScopeWorld.yearStart, endDate: nil, exemptionPercent: 0))
                data.enrollments.append(Enrollment(
                    id: "E-NEW-BUS", beneficiaryId: child, serviceId: "BUS", siteId: nil, dietId: nil, routeId: "L1", outboundStopId: "L1-01",
                    returnStopId: "L1-01", tariffId: nil, startDate: ScopeWorld.yearStart, endDate: nil, exemptionPercent: 0))
            }
        }

        var child: String { self == .enrolledAgain ? ScopeWorld.nobody : ScopeWorld.own }
    }

    /// The three devices of the child's day and one batch each: the register, the canteen door, the bus.
    struct Day {
        let teacher: DeviceScope
        let door: DeviceScope
        let bus: DeviceScope

        init(_ f: SyncFixture) throws {
            teacher = try f.device(.teacher, ["class:C1"]).scope
            door = try f.device(.canteen, ["site:S1"]).scope
            bus = try f.device(.bus, ["route:L1"]).scope
        }

        func batches(_ child: String) -> [PushService.Batch] {
            func batch(_ scope: DeviceScope, _ body: OpBody) -> PushService.Batch {
                let op = OpMaker(device: scope.deviceId, date: MasterDataVersionTests.day).make(body)
                return PushService.Batch(scope: scope, ops: [(op, String(decoding: (try? WireCoding.encode(op)) ?? Data(), as: UTF8.self))], clock: nil)
            }
            return [
                batch(teacher, .attendanceMarked(AttendanceMarked(beneficiaryId: child, classId: "C1", status: .absent, time: nil))),
                batch(door, .mealScanned(Meal(beneficiaryId: child, serviceId: "MENSA", siteId: "S1", cardId: nil, reason: nil))),
                batch(bus, .boarding(Ride(beneficiaryId: child, routeId: "L1", stopId: "L1-01", direction: .outbound, cardId: nil))),
            ]
        }
    }

    /// Imports the Comune changed by `change`.
    static func importChanged(_ f: SyncFixture, _ change: Change) throws {
        var data = ScopeWorld.data()
        change.apply(to: &data)
        let file = f.dir.appendingPathComponent("changed.xml")
        try Data(ExchangeXMLWriter.write(data).utf8).write(to: file)
        _ = try MasterDataImporter.run(f.queue, paths: [file.path], now: SyncFixture.now)
    }

    /// What a push left that the answer depends on: each op's result and its row as stored (without the device's id,
    /// which differs from one database to the other).
    struct Outcome: Equatable {
        let results: [String]
        let ops: [String]
    }

    static func apply(_ f: SyncFixture, _ batches: [PushService.Batch], prepared: [PushService.Prepared?]) throws -> Outcome {
        var results: [String] = []
        for (batch, prepared) in zip(batches, prepared) {
            let outcome = try f.queue.write { db in
                try PushService().apply(db, batch, prepared: prepared, receivedMs: 0, now: SyncFixture.now)
            }
            guard case .accepted(let answer) = outcome else { throw FixtureError(message: "batch refused: \(outcome)") }
            results += answer.map { "\($0.status.rawValue) \($0.code ?? "-") \($0.message ?? "-") \($0.outcome ?? "-")" }
        }
        let ops = try f.queue.read { db in
            try db.fetchAll("SELECT type, merge_status, reject_code, reject_message, scope_flag FROM op ORDER BY type").map { row in
                "\(try row[0] as String) \(try row[1] as String) \(try row[2] as String? ?? "-") \(try row[3] as String? ?? "-") \(try row[4] as String? ?? "-")"
            }
        }
        return Outcome(results: results, ops: ops)
    }

    static func prepare(_ f: SyncFixture, _ batches: [PushService.Batch]) throws -> [PushService.Prepared?] {
        try batches.map { batch in try f.queue.read { db in try PushService.prepare(db, batch) } }
    }

    @Test("a change of the master data between the read and the write gives the answer of a write that reads it itself",
          arguments: Change.allCases)
    func changeBetweenReadAndWrite(_ change: Change) throws {
        // Read before the change, written after it.
        let moved = try SyncFixture(.scopeWorld)
        let movedDay = try Day(moved)
        let movedBatches = movedDay.batches(change.child)
        let readBefore = try Self.prepare(moved, movedBatches)
        let version = try moved.queue.read(MasterDataVersion.current)
        try Self.importChanged(moved, change)
        #expect(try moved.queue.read(MasterDataVersion.current) > version, "the import moved the master data without moving its version")
        let answer = try Self.apply(moved, movedBatches, prepared: readBefore)

        // The same change, then the writer reading the master data itself (the answer before the read moved off it).
        let reference = try SyncFixture(.scopeWorld)
        let referenceDay = try Day(reference)
        try Self.importChanged(reference, change)
        let expected = try Self.apply(reference, referenceDay.batches(change.child), prepared: [nil, nil, nil])

        #expect(answer == expected)
        // And the change does matter to the answer: the records read before it would have answered otherwise.
        let stale = try SyncFixture(.scopeWorld)
        let staleDay = try Day(stale)
        let unchanged = try Self.apply(stale, staleDay.batches(change.child), prepared: [nil, nil, nil])
        #expect(unchanged != expected, "the change should alter the answer of at least one of the day's ops")
    }

    @Test("records read before the write are taken when the master data has not moved, and read again when it has")
    func takenOnlyAtTheSameVersion() throws {
        let f = try SyncFixture(.scopeWorld)
        let day = try Day(f)
        let batches = day.batches(ScopeWorld.own)
        let readBefore = try Self.prepare(f, batches)
        // A change behind the version's back (a trigger dropped, as no program of ours does): the records read before
        // it are taken, which shows the writer used them and read nothing of its own.
        try f.queue.write { db in
            try db.execute("DROP TRIGGER beneficiary_update_moves_master_data_version")
            try db.run("UPDATE beneficiary SET class_id = 'C2' WHERE id = ?", [ScopeWorld.own])
        }
        let taken = try Self.apply(f, Array(batches.prefix(1)), prepared: Array(readBefore.prefix(1)))
        #expect(taken.results.first?.hasPrefix("applied") == true, "the mark was checked against the records read before the change")

        // Read now (the child in C2), the child put back in C1 behind the version's back, then the version moved by
        // another write: the writer reads the records again and finds the child in C1.
        let maker = OpMaker(device: day.teacher.deviceId, date: Self.day, startMillis: 1_791_300_000_000)
        maker.seq = 1
        let mark = maker.mark(ScopeWorld.own, classID: "C1", .present)
        let batch = PushService.Batch(scope: day.teacher, ops: [(mark, String(decoding: try WireCoding.encode(mark), as: UTF8.self))], clock: nil)
        let readInC2 = try f.queue.read { db in try PushService.prepare(db, batch) }
        #expect(try Self.apply(f, [batch], prepared: [readInC2]).results.last?.contains(WireErrorCode.outOfScope) == true)
        try f.queue.write { db in try db.run("UPDATE beneficiary SET class_id = 'C1' WHERE id = ?", [ScopeWorld.own]) }
        let next = maker.mark(ScopeWorld.own, classID: "C1", .absent)
        let nextBatch = PushService.Batch(scope: day.teacher, ops: [(next, String(decoding: try WireCoding.encode(next), as: UTF8.self))], clock: nil)
        try f.queue.write { db in try db.run("UPDATE enrollment SET deleted = deleted WHERE id = 'E1'") }
        let reread = try Self.apply(f, [nextBatch], prepared: [readInC2])
        #expect(reread.results.last?.hasPrefix("applied") == true, "the writer read the child's class again: \(reread.results)")
    }

    @Test("every table the push checks read moves the version on insert, update and delete; ops, pushes and other tables do not")
    func whatMovesTheVersion() throws {
        let f = try SyncFixture(.scopeWorld)
        func moves(_ sql: String) throws -> Bool {
            let before = try f.queue.read(MasterDataVersion.current)
            try f.queue.write { db in try db.execute(sql) }
            return try f.queue.read(MasterDataVersion.current) > before
        }
        for table in MasterDataVersion.tables {
            // One row taken out and put back, then written again, in one transaction (its references checked at the end).
            let versions = try f.queue.write { db in
                try db.execute("PRAGMA defer_foreign_keys = ON")
                var versions = [try MasterDataVersion.current(db)]
                try db.execute("CREATE TEMP TABLE copy AS SELECT * FROM \(table) WHERE rowid = (SELECT MIN(rowid) FROM \(table))")
                try db.execute("DELETE FROM \(table) WHERE id = (SELECT id FROM copy)")
                versions.append(try MasterDataVersion.current(db))
                try db.execute("INSERT INTO \(table) SELECT * FROM copy")
                versions.append(try MasterDataVersion.current(db))
                try db.execute("UPDATE \(table) SET deleted = deleted WHERE id = (SELECT id FROM copy)")
                versions.append(try MasterDataVersion.current(db))
                try db.execute("DROP TABLE copy")
                return versions
            }
            #expect(versions == versions.sorted() && Set(versions).count == 4, "\(table): delete, insert, update gave \(versions)")
        }
        #expect(try !moves("UPDATE site SET name = name"))
        #expect(try !moves("UPDATE device SET label = label"))
        let day = try Day(f)
        let before = try f.queue.read(MasterDataVersion.current)
        let outcome = try Self.apply(f, day.batches(ScopeWorld.own), prepared: [nil, nil, nil])
        #expect(outcome.results.allSatisfy { $0.hasPrefix("applied") })
        #expect(try f.queue.read(MasterDataVersion.current) == before)
    }

    @Test("a device revoked between the read and the write gets the answer it got when the writer read everything")
    func revokedBetweenReadAndWrite() throws {
        func run(readBefore: Bool) throws -> Outcome {
            let f = try SyncFixture(.scopeWorld)
            let day = try Day(f)
            let batches = day.batches(ScopeWorld.own)
            let prepared = readBefore ? try Self.prepare(f, batches) : [nil, nil, nil]
            try f.queue.write { db in
                for device in [day.teacher, day.door, day.bus] {
                    try DeviceRegistry.revoke(db, id: device.deviceId, reason: "perso", actor: "test", now: SyncFixture.now)
                }
            }
            return try Self.apply(f, batches, prepared: prepared)
        }
        #expect(try run(readBefore: true) == run(readBefore: false))
    }
}
