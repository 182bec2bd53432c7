import Foundation
import Testing
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

@Suite("Pull and scope")
struct PullTests {
    /// Pulls every page from `cursor` until the server says there is no more.
    static func pullAll(_ f: SyncFixture, _ scope: DeviceScope, from cursor: String? = nil, limit: Int = 200)
        throws -> (changes: [ReplicaChange], ops: [Op], cursor: String, pages: Int, reset: Bool)
    {
        var changes: [ReplicaChange] = [], ops: [Op] = []
        var cursor = cursor
        var pages = 0
        var reset = false
        while true {
            let device = try f.queue.read { db in try DeviceRegistry.load(db, id: scope.deviceId) }
            guard let device, let parsed = PullCursor(cursor) else { throw PullError.badCursor }
            let page = try f.queue.read { db in
                try PullService().page(db, device: .init(scope: scope, scopeVersion: device.scopeVersion,
                                                          snapshotScopeVersion: device.snapshotScopeVersion),
                                       cursor: parsed, limit: limit, epoch: "e", now: SyncFixture.now)
            }
            if let version = page.completedSnapshotVersion {
                try f.queue.write { db in
                    try db.run("UPDATE device SET snapshot_scope_version = ? WHERE id = ?", [version, scope.deviceId])
                }
            }
            pages += 1
            if page.response.reset { reset = true; changes = []; ops = [] }
            changes += page.response.changes
            ops += page.response.ops
            cursor = page.response.cursor
            if !page.response.hasMore { break }
        }
        return (changes, ops, cursor ?? "", pages, reset)
    }

    enum PullError: Error { case badCursor }

    static func ids(_ changes: [ReplicaChange], _ entity: ReplicaEntity) -> Set<String> {
        Set(changes.filter { $0.entity == entity && $0.action == .upsert }.map(\.id))
    }

    @Test("a line that starts serving another school: its bus receives that school's classes, children and cards at the next pull, and loses them when it stops")
    func busLearnsNewSchool() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"])
        let first = try Self.pullAll(f, bus)
        // An infant of the Girasole school (S03), which L1 does not serve, is enrolled on L1.
        let classSite = Dictionary(uniqueKeysWithValues: f.sample.classes.map { ($0.id, $0.siteId) })
        let infants = f.sample.beneficiaries.filter { $0.classId.flatMap { classSite[$0] } == "S03" }
        let infant = try #require(infants.first)
        #expect(!Self.ids(first.changes, .beneficiaries).contains(infant.id))
        var edited = f.sample
        edited.enrollments.append(Enrollment(
            id: "E-RIDE-S03", beneficiaryId: infant.id, serviceId: "TRASPORTO", siteId: nil, dietId: nil, routeId: "L1",
            outboundStopId: "L1-01", returnStopId: "L1-01", tariffId: nil, startDate: LocalDate(year: 2026, month: 9, day: 14)!,
            endDate: nil, exemptionPercent: 0
        ))
        let file = f.dir.appendingPathComponent("s03.xml")
        try Data(ExchangeXMLWriter.write(edited).utf8).write(to: file)
        _ = try MasterDataImporter.run(f.queue, paths: [file.path])
        let next = try Self.pullAll(f, bus, from: first.cursor)
        #expect(Self.ids(next.changes, .beneficiaries) == Set(infants.map(\.id)))
        #expect(Self.ids(next.changes, .classes) == Set(f.sample.classes.filter { $0.siteId == "S03" }.map(\.id)))
        let infantCards = Set(f.sample.cards.filter { card in infants.contains { $0.id == card.beneficiaryId } }.map(\.id))
        #expect(!infantCards.isEmpty)
        #expect(Self.ids(next.changes, .cards) == infantCards)
        // The enrollment goes: the line no longer serves S03, and the bus receives the tombstones.
        let back = f.dir.appendingPathComponent("back.xml")
        try Data(ExchangeXMLWriter.write(f.sample).utf8).write(to: back)
        _ = try MasterDataImporter.run(f.queue, paths: [back.path])
        let last = try Self.pullAll(f, bus, from: next.cursor)
        let gone = Set(last.changes.filter { $0.entity == .beneficiaries && $0.action == .delete }.map(\.id))
        #expect(gone == Set(infants.map(\.id)))
    }

    @Test("a bus device gets its route's children and stops, and the children and classes of the schools the route serves; no diets, no other route, no teachers")
    func busScope() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"])
        let result = try Self.pullAll(f, bus)
        #expect(result.reset)
        let onList = Set(f.sample.enrollments.filter { $0.routeId == "L1" }.map(\.beneficiaryId))
        let classSite = Dictionary(uniqueKeysWithValues: f.sample.classes.map { ($0.id, $0.siteId) })
        let schools = Set(f.sample.beneficiaries.filter { onList.contains($0.id) }.compactMap { $0.classId.flatMap { classSite[$0] } })
        #expect(!schools.isEmpty)
        let ofSchools = Set(f.sample.beneficiaries.filter { $0.classId.flatMap { classSite[$0] }.map(schools.contains) ?? false }.map(\.id))
        #expect(Self.ids(result.changes, .beneficiaries) == onList.union(ofSchools))
        #expect(Self.ids(result.changes, .diets).isEmpty)
        #expect(Self.ids(result.changes, .routes) == ["L1"])
        #expect(Self.ids(result.changes, .classes) == Set(f.sample.classes.filter { schools.contains($0.siteId) }.map(\.id)))
        for change in result.changes {
            if case .schoolClass(let c) = change.record { #expect(c.teachers.isEmpty) }
            if case .enrollment(let e) = change.record {
                #expect(e.routeId == "L1")
                #expect(e.dietId == nil)
            }
        }
        // No codice fiscale or payer travels: the beneficiary record has only names and class.
        let json = String(decoding: try WireCoding.encode(result.changes), as: UTF8.self)
        for child in f.sample.beneficiaries.prefix(50) {
            #expect(!json.contains(child.fiscalCode))
        }
        for payer in f.sample.payers.prefix(50) {
            #expect(!json.contains(payer.fiscalCode))
        }
    }

    @Test("a canteen device gets its site's children with their diets; a teacher gets her class without diets")
    func canteenAndTeacherScope() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let canteen = try Self.pullAll(f, door)
        let atSite = Set(f.sample.enrollments.filter { $0.siteId == "S01" }.map(\.beneficiaryId))
            .union(f.sample.beneficiaries.filter { $0.classId?.hasPrefix("S01-") == true }.map(\.id))
        #expect(Self.ids(canteen.changes, .beneficiaries) == atSite)
        #expect(Self.ids(canteen.changes, .diets) == Set(f.sample.diets.map(\.id)))
        let withDiet = f.sample.enrollments.filter { $0.siteId == "S01" && $0.dietId != nil }
        #expect(!withDiet.isEmpty)
        let pulledDiets = canteen.changes.compactMap { change -> String? in
            if case .enrollment(let e) = change.record { return e.dietId }
            return nil
        }
        #expect(pulledDiets.count == withDiet.count)

        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let roll = try Self.pullAll(f, teacher)
        #expect(Self.ids(roll.changes, .beneficiaries) == Set(f.children(ofClass: "S01-1A")))
        #expect(Self.ids(roll.changes, .diets).isEmpty)
        #expect(Self.ids(roll.changes, .cards).isEmpty)
        for change in roll.changes {
            if case .enrollment(let e) = change.record { #expect(e.dietId == nil) }
        }
    }

    @Test("a snapshot in small pages equals a snapshot in one page")
    func paging() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let small = try Self.pullAll(f, door, limit: 7)
        try f.queue.write { db in try db.run("UPDATE device SET snapshot_scope_version = 0 WHERE id = ?", [door.deviceId]) }
        let big = try Self.pullAll(f, door, limit: 5000)
        #expect(small.pages > 10)
        #expect(big.pages == 1)
        #expect(small.changes == big.changes)
    }

    @Test("after the snapshot, a pull brings only new changes: other devices' ops and master-data edits")
    func incremental() throws {
        let f = try SyncFixture()
        let (door1, _) = try f.device(.canteen, ["site:S01"])
        let (door2, _) = try f.device(.canteen, ["site:S01"])
        let (teacher, _) = try f.device(.teacher, ["class:S02-1A"])
        let first = try Self.pullAll(f, door2)
        let teacherFirst = try Self.pullAll(f, teacher)
        let child = try #require(f.canteenChildren(site: "S01").first)
        let meal = OpMaker(device: door1.deviceId).meal(child.beneficiary, service: child.service, site: "S01")
        _ = try f.push(door1, [meal])
        let next = try Self.pullAll(f, door2, from: first.cursor)
        #expect(!next.reset)
        #expect(next.changes.isEmpty)
        #expect(next.ops.map(\.id) == [meal.id])
        // The pushing device does not get its own op back; another scope gets nothing.
        let own = try Self.pullAll(f, door1, from: try Self.pullAll(f, door1).cursor)
        #expect(own.ops.isEmpty)
        let unrelated = try Self.pullAll(f, teacher, from: teacherFirst.cursor)
        #expect(unrelated.ops.isEmpty && unrelated.changes.isEmpty)
    }

    @Test("a child moved to another class disappears from the old teacher's device and appears on the new one")
    func scopeMove() throws {
        let f = try SyncFixture()
        let (old, _) = try f.device(.teacher, ["class:S01-1A"])
        let (new, _) = try f.device(.teacher, ["class:S01-1B"])
        let oldCursor = try Self.pullAll(f, old).cursor
        let newCursor = try Self.pullAll(f, new).cursor
        let child = try #require(f.children(ofClass: "S01-1A").first)
        var edited = f.sample
        let index = try #require(edited.beneficiaries.firstIndex { $0.id == child })
        edited.beneficiaries[index].classId = "S01-1B"
        let file = f.dir.appendingPathComponent("edited.xml")
        try Data(ExchangeXMLWriter.write(edited).utf8).write(to: file)
        _ = try MasterDataImporter.run(f.queue, paths: [file.path])
        let oldPull = try Self.pullAll(f, old, from: oldCursor)
        #expect(oldPull.changes.contains { $0.entity == .beneficiaries && $0.id == child && $0.action == .delete })
        let newPull = try Self.pullAll(f, new, from: newCursor)
        #expect(newPull.changes.contains { $0.entity == .beneficiaries && $0.id == child && $0.action == .upsert })
    }

    @Test("an op outside the device's scope is rejected with a reason, and acknowledged")
    func outOfScopePush() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"])
        let maker = OpMaker(device: bus.deviceId)
        let child = try #require(f.sample.enrollments.first { $0.routeId == "L2" })
        let ride = maker.make(.boarding(Ride(beneficiaryId: child.beneficiaryId, routeId: "L2", stopId: "L2-01", direction: .outbound, cardId: nil)))
        let meal = maker.meal(child.beneficiaryId, service: "MENSA", site: "S02")
        guard case .accepted(let results) = try f.push(bus, [ride, meal]) else {
            Issue.record("push refused")
            return
        }
        #expect(results.map(\.status) == [.rejected, .rejected])
        #expect(results[0].code == "out_of_scope")
        #expect(results[1].code == "op_not_allowed")
        #expect(results.allSatisfy { !($0.message ?? "").isEmpty })
        // Replaying the batch answers duplicate: the rejection is remembered, not re-evaluated.
        guard case .accepted(let replay) = try f.push(bus, [ride, meal]) else { return }
        #expect(replay.map(\.status) == [.duplicate, .duplicate])
    }

    @Test("a device whose op numbering goes backwards is refused and blocked")
    func sequenceRegression() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let children = f.canteenChildren(site: "S01")
        let maker = OpMaker(device: door.deviceId)
        let a = maker.meal(children[0].beneficiary, service: children[0].service, site: "S01")
        let b = maker.meal(children[1].beneficiary, service: children[1].service, site: "S01")
        _ = try f.push(door, [a, b])
        // A restored copy numbers a new op again as 2.
        let restored = OpMaker(device: door.deviceId)
        _ = restored.meal(children[0].beneficiary, service: children[0].service, site: "S01")
        var clash = restored.meal(children[2].beneficiary, service: children[2].service, site: "S01")
        clash.id = "restored-op"
        guard case .refused(let error) = try f.push(door, [clash]) else {
            Issue.record("a regressed sequence must be refused")
            return
        }
        #expect(error.code == WireErrorCode.deviceSequenceRegressed)
        // Blocked from now on, even for a good op.
        let next = maker.meal(children[3].beneficiary, service: children[3].service, site: "S01")
        guard case .refused = try f.push(door, [next]) else {
            Issue.record("a blocked device must stay blocked")
            return
        }
    }
}
