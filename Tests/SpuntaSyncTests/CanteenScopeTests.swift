import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// What a canteen door holds: every child of its site (so a card of a child who does not eat at school is named,
/// not "unknown"), diets only where the child eats, and the prepaid credit of the children who eat there —
/// which reaches no other device.
@Suite("Canteen door scope: the site's children and their prepaid credit")
struct CanteenScopeTests {
    static let topUpDate = LocalDate(year: 2026, month: 10, day: 1)!

    static func upserts(_ changes: [ReplicaChange]) -> [ReplicaRecord] {
        changes.filter { $0.action == .upsert }.compactMap(\.record)
    }

    static func balances(_ changes: [ReplicaChange]) -> [ReplicaBalance] {
        upserts(changes).compactMap { if case .balance(let b) = $0 { return b } else { return nil } }
    }

    /// A child of the prepaid Rodari canteen who pays the full price (no ISEE, no exemption), with the payer the
    /// meals are charged to.
    static func prepaidChild(_ f: SyncFixture, index: Int = 0) throws -> (child: String, payer: String) {
        let payers = Dictionary(f.sample.payers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let candidates = f.sample.enrollments.filter { $0.serviceId == "MENSA-RODARI" && $0.exemptionPercent == 0 }.compactMap { e in
            f.sample.beneficiaries.first { $0.id == e.beneficiaryId }
        }.compactMap { child -> (String, String)? in
            guard let primary = child.payers.first(where: { $0.primary }), payers[primary.payerId]?.isee == nil else { return nil }
            return (child.id, primary.payerId)
        }.sorted { $0.0 < $1.0 }
        try #require(candidates.count > index)
        return candidates[index]
    }

    static func topUp(_ f: SyncFixture, _ child: String, _ payer: String, cents: Int64) throws {
        try f.queue.write { db in
            try PrepaidLedger.topUp(db, payer: payer, beneficiary: child, service: "MENSA-RODARI", amount: Money(cents: cents),
                                    date: topUpDate, method: "pagopa", source: "test", actor: "test", now: SyncFixture.now)
        }
    }

    @Test("a canteen door gets the children of its site's classes and those enrolled there, with their cards; diets only on meal enrollments; nothing of other sites")
    func siteChildren() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let pulled = try PullTests.pullAll(f, door)
        let siteClasses = Set(f.sample.classes.filter { $0.siteId == "S01" }.map(\.id))
        let inClasses = Set(f.sample.beneficiaries.filter { $0.classId.map(siteClasses.contains) ?? false }.map(\.id))
        let enrolledHere = Set(f.sample.enrollments.filter { $0.siteId == "S01" }.map(\.beneficiaryId))
        let eating = Set(f.sample.enrollments.filter { $0.serviceId == "MENSA-RODARI" }.map(\.beneficiaryId))
        let notEating = inClasses.subtracting(eating)
        #expect(!notEating.isEmpty, "the sample has children of Rodari who go home for lunch")
        #expect(PullTests.ids(pulled.changes, .beneficiaries) == inClasses.union(enrolledHere))
        #expect(PullTests.ids(pulled.changes, .cards) == Set(f.sample.cards.filter { inClasses.union(enrolledHere).contains($0.beneficiaryId) }.map(\.id)))
        #expect(PullTests.ids(pulled.changes, .enrollments) == Set(f.sample.enrollments.filter { $0.siteId == "S01" }.map(\.id)))
        // Health data only where the child eats: the pre-school enrollment carries no diet, even if the import gave one.
        for record in Self.upserts(pulled.changes) {
            guard case .enrollment(let e) = record else { continue }
            if e.serviceId != "MENSA-RODARI" { #expect(e.dietId == nil, "\(e.id) \(e.serviceId)") }
            #expect(e.siteId == "S01")
        }
        // A child of another site is not there.
        let elsewhere = Set(f.sample.beneficiaries.filter { $0.classId?.hasPrefix("S02") == true }.map(\.id)).subtracting(enrolledHere)
        #expect(PullTests.ids(pulled.changes, .beneficiaries).isDisjoint(with: elsewhere))
    }

    @Test("a diet on an enrollment in a service that serves no meal never reaches the door, even if the database held one")
    func noDietOutsideMeals() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let cursor = try PullTests.pullAll(f, door).cursor
        let enrollment = try #require(f.sample.enrollments.first { $0.serviceId == "PRESCUOLA" })
        // The import refuses such a diet; the projection does not rely on it.
        try f.queue.write { db in
            try db.run("UPDATE enrollment SET diet_id = 'D-CEL' WHERE id = ?", [enrollment.id])
            try ChangeLog.record(db, entity: "enrollments", id: enrollment.id, action: .upsert,
                                 keys: try ScopeIndex.keys(db, .enrollments, enrollment.id), at: SyncFixture.now)
        }
        let next = try PullTests.pullAll(f, door, from: cursor)
        let changed = Self.upserts(next.changes).compactMap { record -> ReplicaEnrollment? in
            if case .enrollment(let e) = record, e.id == enrollment.id { return e }
            return nil
        }
        #expect(changed.count == 1)
        #expect(changed.first?.dietId == nil)
    }

    @Test("the snapshot carries the credit of every child of the prepaid canteen, with the payer's threshold, and only to that site's doors")
    func snapshotCredit() throws {
        let f = try SyncFixture()
        let (child, payer) = try Self.prepaidChild(f)
        try Self.topUp(f, child, payer, cents: 2500)
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let credits = Self.balances(try PullTests.pullAll(f, door).changes)
        let eating = Set(f.sample.enrollments.filter { $0.serviceId == "MENSA-RODARI" }.map(\.beneficiaryId))
        #expect(Set(credits.map(\.beneficiaryId)) == eating)
        #expect(credits.allSatisfy { $0.serviceId == "MENSA-RODARI" })
        let topped = try #require(credits.first { $0.beneficiaryId == child })
        #expect(topped.balanceCents == 2500)
        #expect(topped.thresholdCents == 1000)
        #expect(!topped.isLow)
        // Never topped up: nothing on the ledger is no credit, under the threshold.
        let other = try #require(credits.first { $0.beneficiaryId != child })
        #expect(other.balanceCents == 0 && other.isLow)
        // The postpaid canteen's door, a teacher of the same school and a bus get no credit at all.
        for (role, scope) in [(DeviceRole.canteen, "site:S02"), (.teacher, "class:S01-1A"), (.bus, "route:L1")] {
            let (device, _) = try f.device(role, [scope])
            #expect(Self.balances(try PullTests.pullAll(f, device).changes).isEmpty, "\(scope)")
        }
    }

    @Test("a top-up reaches the door of the site where the child eats at the next pull, and no other device")
    func topUpReachesDoor() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let (otherDoor, _) = try f.device(.canteen, ["site:S02"])
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let cursors = try [door, otherDoor, teacher].map { try PullTests.pullAll(f, $0).cursor }
        let (child, payer) = try Self.prepaidChild(f, index: 3)
        try Self.topUp(f, child, payer, cents: 1234)
        let next = try PullTests.pullAll(f, door, from: cursors[0])
        #expect(!next.reset)
        #expect(next.changes.count == 1)
        #expect(Self.balances(next.changes) == [ReplicaBalance(beneficiaryId: child, serviceId: "MENSA-RODARI", balanceCents: 1234, thresholdCents: 1000)])
        #expect(next.changes.first?.id == "\(child):MENSA-RODARI")
        for (device, cursor) in [(otherDoor, cursors[1]), (teacher, cursors[2])] {
            let nothing = try PullTests.pullAll(f, device, from: cursor)
            #expect(nothing.changes.isEmpty)
        }
    }

    @Test("the credit is logged in the transaction that changes it: a rolled-back top-up leaves neither the balance nor the log entry")
    func sameTransaction() throws {
        struct Abort: Error {}
        let f = try SyncFixture()
        let (child, payer) = try Self.prepaidChild(f)
        let head = try f.queue.read { try ChangeLog.head($0) }
        #expect(throws: Abort.self) {
            try f.queue.write { db in
                try PrepaidLedger.topUp(db, payer: payer, beneficiary: child, service: "MENSA-RODARI", amount: Money(cents: 500),
                                        date: Self.topUpDate, method: "pagopa", source: "test", actor: "test", now: SyncFixture.now)
                let logged: Int? = try db.scalar("SELECT COUNT(*) FROM change_log WHERE entity = 'balances' AND seq > ?", [head])
                #expect(logged == 1)
                throw Abort()
            }
        }
        #expect(try f.queue.read { try ChangeLog.head($0) } == head)
        let positions: Int? = try f.queue.read { try $0.scalar("SELECT COUNT(*) FROM prepaid_position") }
        #expect(positions == 0)
    }

    @Test("the meals a billing run debits bring the new credit to the door, once per child")
    func billingRunDebits() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let (child, payer) = try Self.prepaidChild(f, index: 1)
        let (second, _) = try Self.prepaidChild(f, index: 2)
        try Self.topUp(f, child, payer, cents: 1500)
        let cursor = try PullTests.pullAll(f, door).cursor
        let maker = OpMaker(device: door.deviceId)
        let meals = (5...9).map { day -> Op in
            var op = maker.meal(child, service: "MENSA-RODARI", site: "S01")
            op.businessDate = LocalDate(year: 2026, month: 10, day: day)!
            return op
        } + [maker.meal(second, service: "MENSA-RODARI", site: "S01")]
        _ = try f.push(door, meals)
        _ = try f.queue.write { db in try BillingRun.run(db, period: BillingPeriod(year: 2026, month: 10)!, actor: "test", now: SyncFixture.now) }
        let next = try PullTests.pullAll(f, door, from: cursor)
        let credits = Self.balances(next.changes)
        #expect(Set(credits.map(\.beneficiaryId)) == [child, second])
        #expect(next.changes.filter { $0.entity == .balances }.count == 2, "one record per child, however many meals")
        let ledger: Int64? = try f.queue.read {
            try $0.scalar("SELECT SUM(balance_cents) FROM prepaid_position WHERE beneficiary_id = ? AND service_id = 'MENSA-RODARI'", [child])
        }
        #expect(credits.first { $0.beneficiaryId == child }?.balanceCents == ledger)
        #expect((ledger ?? 0) < 1500)
    }

    @Test("a child who stops eating at school stays known to the door by name and class, but loses the enrollment and the credit")
    func leavesCanteen() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let (child, payer) = try Self.prepaidChild(f, index: 4)
        try Self.topUp(f, child, payer, cents: 800)
        let cursor = try PullTests.pullAll(f, door).cursor
        var edited = f.sample
        edited.enrollments.removeAll { $0.beneficiaryId == child && $0.serviceId == "MENSA-RODARI" }
        let file = f.dir.appendingPathComponent("left.xml")
        try Data(ExchangeXMLWriter.write(edited).utf8).write(to: file)
        _ = try MasterDataImporter.run(f.queue, paths: [file.path])
        let next = try PullTests.pullAll(f, door, from: cursor)
        #expect(next.changes.contains { $0.entity == .balances && $0.id == "\(child):MENSA-RODARI" && $0.action == .delete })
        #expect(next.changes.contains { $0.entity == .enrollments && $0.action == .delete })
        #expect(!next.changes.contains { $0.entity == .beneficiaries && $0.id == child && $0.action == .delete })
        // A fresh door knows the child, without the credit.
        let (fresh, _) = try f.device(.canteen, ["site:S01"])
        let snapshot = try PullTests.pullAll(f, fresh)
        #expect(PullTests.ids(snapshot.changes, .beneficiaries).contains(child))
        #expect(!Self.balances(snapshot.changes).contains { $0.beneficiaryId == child })
    }

    @Test("a payer's new threshold reaches the door with the credit")
    func thresholdChange() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let cursor = try PullTests.pullAll(f, door).cursor
        let (child, payer) = try Self.prepaidChild(f, index: 5)
        var edited = f.sample
        let index = try #require(edited.payers.firstIndex { $0.id == payer })
        edited.payers[index].lowBalanceThreshold = Money(cents: 2500)
        let file = f.dir.appendingPathComponent("threshold.xml")
        try Data(ExchangeXMLWriter.write(edited).utf8).write(to: file)
        _ = try MasterDataImporter.run(f.queue, paths: [file.path])
        let credits = Self.balances(try PullTests.pullAll(f, door, from: cursor).changes)
        #expect(credits.first { $0.beneficiaryId == child }?.thresholdCents == 2500)
    }
}
