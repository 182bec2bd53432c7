import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// The caterer's daily count: composed at each site's cut-off from the enrollments, the registers synced by then
/// and the absence periods; queued once per site and day; later changes sent as one short variation each.
@Suite("Caterer's daily count and absence periods")
struct CatererCountTests {
    static let day = LocalDate(year: 2026, month: 10, day: 5)!

    static func at(_ hour: Int, _ minute: Int) -> Date {
        BusinessCalendar.instant(date: day, time: LocalTime(hour: hour, minute: minute)!)
    }

    /// Enrolled in a meal service at `site` on the day: child → diet id (nil: ordinary menu), the first enrollment by id.
    static func enrolled(_ f: SyncFixture, site: String) -> [String: String?] {
        let services = Set(f.sample.services.filter { $0.kind.servesMeals && $0.siteIds.contains(site) }.map(\.id))
        var result: [String: String?] = [:]
        for e in f.sample.enrollments.sorted(by: { $0.id < $1.id })
        where services.contains(e.serviceId) && e.siteId == site && e.isActive(on: day) && result[e.beneficiaryId] == nil {
            result[e.beneficiaryId] = .some(e.dietId)
        }
        return result
    }

    /// Meals per diet name ("ordinaria" for none) of the children left.
    static func perDiet(_ f: SyncFixture, _ children: [String: String?]) -> [String: Int] {
        let names = Dictionary(uniqueKeysWithValues: f.sample.diets.map { ($0.id, $0.name) })
        var result: [String: Int] = [:]
        for (_, diet) in children { result[diet.flatMap { names[$0] } ?? MealCount.ordinaryDiet, default: 0] += 1 }
        return result
    }

    static func sent(_ f: SyncFixture, site: String) throws -> MealCount {
        let json: String = try #require(try f.scalar(
            "SELECT numbers FROM caterer_message WHERE site_id = ? AND business_date = ? AND kind = 'count'", [site, day.description]))
        return try JSONDecoder().decode(MealCount.self, from: Data(json.utf8))
    }

    @Test("the count sent at 09:30 to each of two sites is enrolled minus absent minus absence periods, per diet, and a late change is one variation sent once across a restart")
    func countAndVariation() throws {
        let f = try SyncFixture()
        try f.queue.write { db in
            try db.run("UPDATE site SET caterer_name = 'Cucine Riunite', caterer_email = 'cucina@example.it' WHERE id IN ('S01', 'S02')")
        }
        let s01 = Self.enrolled(f, site: "S01"), s02 = Self.enrolled(f, site: "S02")
        let klass = try #require(f.sample.classes.first { $0.siteId == "S02" }?.id)
        let s01Class = Set(f.children(ofClass: "S01-1A")).filter { s01[$0] != nil }.sorted()
        let s02Class = Set(f.children(ofClass: klass)).filter { s02[$0] != nil }.sorted()
        try #require(s01Class.count >= 4 && s02Class.count >= 2)
        // S01-1A: two absent, one away for a period entered at the office, the others present.
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let maker = OpMaker(device: teacher.deviceId, date: Self.day)
        let absent = Array(s01Class.prefix(2)), away = s01Class[2]
        let marks = s01Class.filter { $0 != away }.map { maker.mark($0, classID: "S01-1A", absent.contains($0) ? .absent : .present) }
        #expect(try f.results(teacher, marks).allSatisfy { $0.status == .applied })
        try f.queue.write { db in
            _ = try OfficeAbsences.add(db, child: away, from: Self.day, to: Self.day.adding(days: 2), reason: "ricovero", actor: "test",
                                       now: SyncFixture.now)
        }
        // S02: one child absent in the register of one class; the other classes sent no roll call.
        let (teacher2, _) = try f.device(.teacher, ["class:\(klass)"])
        let maker2 = OpMaker(device: teacher2.deviceId, date: Self.day)
        #expect(try f.results(teacher2, [maker2.mark(s02Class[0], classID: klass, .absent)]).allSatisfy { $0.status == .applied })

        // The sample's S02 sends at 09:15, S01 at 09:30 (the default).
        #expect(try f.queue.write { db in try CatererCounts.run(db, now: Self.at(9, 14)) }.isEmpty)
        #expect(try f.queue.write { db in try CatererCounts.run(db, now: Self.at(9, 15)) }.map(\.siteId) == ["S02"])
        #expect(try f.queue.write { db in try CatererCounts.run(db, now: Self.at(9, 29)) }.isEmpty)
        let kept = try f.queue.write { db in try CatererCounts.run(db, now: Self.at(9, 30)) }
        #expect(kept.filter { $0.kind == .count }.map(\.siteId).contains("S01") && !kept.contains { $0.siteId == "S02" })

        // By hand: the enrolled of each site, less the absent and the period, per diet.
        var left01 = s01
        for child in absent + [away] { left01[child] = nil }
        var left02 = s02
        left02[s02Class[0]] = nil
        let count01 = try Self.sent(f, site: "S01"), count02 = try Self.sent(f, site: "S02")
        #expect(Dictionary(uniqueKeysWithValues: count01.diets.map { ($0.name, $0.meals) }) == Self.perDiet(f, left01))
        #expect(Dictionary(uniqueKeysWithValues: count02.diets.map { ($0.name, $0.meals) }) == Self.perDiet(f, left02))
        #expect(count01.total == s01.count - 3 && count02.total == s02.count - 1)
        let line = try #require(count01.classes.first { $0.classId == "S01-1A" })
        #expect((line.enrolled, line.absent, line.absencePeriods, line.rollCallReceived) == (s01Class.count, 2, 1, true))
        #expect(count02.classes.contains { !$0.rollCallReceived })
        let body: String = try #require(try f.scalar("SELECT body FROM outbox_message WHERE dedup_key = 'caterer|S02|2026-10-05|count|1|email'"))
        #expect(body.contains("appello non ricevuto, contati tutti gli iscritti"))
        // Queued once per site with a caterer; the sites without one keep their count unsent.
        #expect(try f.scalar("SELECT COUNT(*) FROM outbox_message WHERE kind = 'caterer_count' AND recipient = 'cucina@example.it'") as Int? == 2)
        #expect(try f.scalar("SELECT COUNT(*) FROM outbox_message WHERE kind = 'caterer_count'") as Int? == 2)

        // Nothing changed: no variation. Then a child marked absent arrives at 10:15.
        #expect(try f.queue.write { db in try CatererCounts.run(db, now: Self.at(10, 0)) }.isEmpty)
        let late = Op(id: "late-1", deviceId: teacher.deviceId, instance: maker.instance, seq: maker.seq + 1,
                      hlc: HLCTimestamp(milliseconds: maker.millis + 60_000, counter: 0), wallTimeMs: maker.millis + 60_000, businessDate: Self.day,
                      body: .attendanceMarked(AttendanceMarked(beneficiaryId: absent[0], classId: "S01-1A", status: .lateEntry,
                                                               time: LocalTime(hour: 10, minute: 15))))
        #expect(try f.results(teacher, [late]).allSatisfy { $0.status == .applied })
        let variation = try f.queue.write { db in try CatererCounts.run(db, now: Self.at(10, 16)) }
        #expect(variation.map(\.siteId) == ["S01"] && variation.map(\.kind) == [.variation] && variation.first?.total == count01.total + 1)
        #expect(try f.queue.write { db in try CatererCounts.run(db, now: Self.at(10, 17)) }.isEmpty)
        // A restart: the same database opened again, a round at once and another a minute later.
        let reopened = try ServerDatabase.open(path: f.dir.appendingPathComponent("server.sqlite").path)
        #expect(try reopened.write { db in try CatererCounts.run(db, now: Self.at(10, 30)) }.isEmpty)
        #expect(try reopened.write { db in try CatererCounts.run(db, now: Self.at(10, 31)) }.isEmpty)
        #expect(try f.scalar("SELECT COUNT(*) FROM outbox_message WHERE kind = 'caterer_variation'") as Int? == 1)
        let text: String = try #require(try f.scalar("SELECT body FROM outbox_message WHERE kind = 'caterer_variation'"))
        #expect(text.contains("Pasti da preparare: \(count01.total + 1) (prima \(count01.total))"))

        // At the end of the day the served meals are reported against the count, once.
        let served = try f.queue.write { db in try CatererCounts.run(db, now: Self.at(16, 0)) }
        #expect(served.filter { $0.siteId == "S01" }.map(\.kind) == [.served])
        #expect(try f.queue.write { db in try CatererCounts.run(db, now: Self.at(16, 30)) }.isEmpty)
    }

    @Test("an absence period marks the child absent and justified in the register on its days only, a mark of the day wins, and a void lifts it")
    func periodInTheRegister() throws {
        let f = try SyncFixture()
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let maker = OpMaker(device: teacher.deviceId, date: Self.day)
        let child = try #require(f.children(ofClass: "S01-1A").first)
        let period = maker.make(.absencePeriodRecorded(AbsencePeriod(beneficiaryId: child, classId: "S01-1A", fromDate: Self.day,
                                                                     toDate: Self.day.adding(days: 1), reason: "influenza")))
        #expect(try f.results(teacher, [period]).map(\.status) == [.applied])
        func register(_ day: LocalDate) throws -> String? {
            try f.scalar("SELECT status FROM attendance WHERE beneficiary_id = ? AND business_date = ?", [child, day.description])
        }
        #expect(try register(Self.day) == "absent" && register(Self.day.adding(days: 1)) == "absent" && register(Self.day.adding(days: 2)) == nil)
        #expect(try f.scalar("SELECT reason FROM justification WHERE beneficiary_id = ? AND absence_date = ?", [child, Self.day.description]) as String? == "influenza")
        // The child came after all on the second day: the mark wins.
        let came = maker.make(.attendanceMarked(AttendanceMarked(beneficiaryId: child, classId: "S01-1A", status: .present, time: nil)),
                              on: Self.day.adding(days: 1))
        #expect(try f.results(teacher, [came]).map(\.status) == [.applied])
        #expect(try register(Self.day.adding(days: 1)) == "present")
        #expect(try f.results(teacher, [maker.void(period.id)]).map(\.status) == [.applied])
        #expect(try register(Self.day) == nil)
        #expect(try f.scalar("SELECT merge_status FROM op WHERE id = ?", [period.id]) as String? == "voided")
    }

    @Test("an absence period for a child of another class, or reaching outside the school year, is refused out of scope", arguments: [
        ("child of another class", "S01-1B", 0),
        ("beyond the school year", "S01-1A", 400),
    ])
    func periodScope(_ label: String, _ childClass: String, _ extraDays: Int) throws {
        let f = try SyncFixture()
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let child = try #require(f.children(ofClass: childClass).first, "\(label)")
        let op = OpMaker(device: teacher.deviceId, date: Self.day).make(.absencePeriodRecorded(AbsencePeriod(
            beneficiaryId: child, classId: "S01-1A", fromDate: Self.day, toDate: Self.day.adding(days: 1 + extraDays), reason: "viaggio")))
        let results = try f.results(teacher, [op])
        #expect(results.map(\.status) == [.rejected] && results.first?.code == WireErrorCode.outOfScope, "\(label)")
        #expect(try f.scalar("SELECT COUNT(*) FROM attendance WHERE beneficiary_id = ?", [child]) as Int? == 0)
    }

    @Test("the office's absence period is refused for a child unknown or ambiguous, with the Italian reason, and nothing is recorded")
    func officeRefusals() throws {
        let f = try SyncFixture()
        #expect(throws: OfficeAbsences.Problem.self) {
            try f.queue.write { db in
                _ = try OfficeAbsences.add(db, child: "Zzzz", from: Self.day, to: Self.day, reason: "x", actor: "t", now: SyncFixture.now)
            }
        }
        #expect(try f.scalar("SELECT COUNT(*) FROM op WHERE type = 'absence_period_recorded'") as Int? == 0)
    }

    @Test("a round over every site reads the day once and counts each site as it counts alone")
    func sharedDayCountsAlike() throws {
        let f = try SyncFixture()
        let s01 = Self.enrolled(f, site: "S01")
        let children = Set(f.children(ofClass: "S01-1A")).filter { s01[$0] != nil }.sorted()
        try #require(children.count >= 3)
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let maker = OpMaker(device: teacher.deviceId, date: Self.day)
        let marks = children.dropLast().map { maker.mark($0, classID: "S01-1A", $0 == children[0] ? .absent : .present) }
        #expect(try f.results(teacher, marks).allSatisfy { $0.status == .applied })
        try f.queue.write { db in
            _ = try OfficeAbsences.add(db, child: children[children.count - 1], from: Self.day, to: Self.day, reason: "visita",
                                       actor: "test", now: SyncFixture.now)
        }
        try f.queue.read { db in
            let data = try MasterDataStore.load(db)
            let day = try MealCount.Day(db, data: data, date: Self.day)
            let shared = try MasterDataStore.shared(db)
            var counted = 0
            for site in data.sites {
                let alone = try MealCount.compose(db, data: data, site: site, date: Self.day)
                #expect(try MealCount.compose(db, data: data, site: site, date: Self.day, day: day) == alone, "\(site.id)")
                // Read for that site alone, from the shared master data: the round's way, the same count.
                let own = try MealCount.Day(db, shared: shared, date: Self.day, site: site.id)
                #expect(try MealCount.compose(db, data: shared, site: site, date: Self.day, day: own) == alone, "\(site.id)")
                counted += alone == nil ? 0 : 1
            }
            // Several sites serve meals that day, one with a register and a period: the comparison covers them.
            #expect(counted >= 2)
        }
    }

    @Test("after the counts are sent, a mark of one child makes the round count again that child's sites only, and master data every site reads makes it count all")
    func changedChildRecountsItsSiteOnly() throws {
        let f = try SyncFixture()
        try f.queue.write { db in
            try db.run("UPDATE site SET caterer_name = 'Cucine Riunite', caterer_email = 'cucina@example.it' WHERE id IN ('S01', 'S02')")
        }
        let s01 = Self.enrolled(f, site: "S01")
        let child = try #require(f.children(ofClass: "S01-1A").filter { s01[$0] != nil }.sorted().first)
        let counts = try f.queue.write { db in try CatererCounts.run(db, now: Self.at(9, 30)) }
        #expect(Set(counts.map(\.siteId)).isSuperset(of: ["S01", "S02"]))
        func changed() throws -> Set<String>? {
            try f.queue.read { db in
                try CatererCounts.changedSites(db, checked: try db.scalar("SELECT value FROM server_meta WHERE key = 'caterer_checked'"),
                                               today: Self.day)
            }
        }
        #expect(try changed() == [])
        #expect(try f.queue.write { db in try CatererCounts.run(db, now: Self.at(9, 45)) }.isEmpty)

        // The child marked absent: the sites where the child is enrolled, and no other, are counted again.
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        #expect(try f.results(teacher, [OpMaker(device: teacher.deviceId, date: Self.day).mark(child, classID: "S01-1A", .absent)])
            .allSatisfy { $0.status == .applied })
        let sitesOfChild = Set(f.sample.enrollments.filter { $0.beneficiaryId == child }.compactMap(\.siteId))
        #expect(sitesOfChild.contains("S01") && !sitesOfChild.contains("S02"))
        #expect(try changed() == sitesOfChild)
        let variation = try f.queue.write { db in try CatererCounts.run(db, now: Self.at(10, 0)) }
        #expect(variation.map(\.siteId) == ["S01"] && variation.map(\.kind) == [.variation])
        #expect(try changed() == [])

        // A payer's change is in no count; a class renamed is in every site's (and so, another day's round).
        let recordedAt = UTCTime.string(SyncFixture.now, fractional: true)
        try f.queue.write { db in
            try db.run("INSERT INTO change_log (entity, entity_id, action, recorded_at) VALUES ('payers', 'P-1', 'upsert', ?)", [recordedAt])
        }
        #expect(try changed() == [])
        try f.queue.write { db in
            try db.run("INSERT INTO change_log (entity, entity_id, action, recorded_at) VALUES ('classes', 'S01-1A', 'upsert', ?)", [recordedAt])
        }
        #expect(try changed() == nil)
        #expect(try f.queue.read { db in try CatererCounts.changedSites(db, checked: "2026-10-02|1", today: Self.day) } == nil)
        #expect(try f.queue.write { db in try CatererCounts.run(db, now: Self.at(10, 1)) }.isEmpty)
    }

    @Test("after the counts are sent, a register op of another day (a mark of last Friday, a period that ends before today, a void of them) makes no site count again; a period reaching today and the void of today's mark do")
    func otherDaysRegisterCountsNoSite() throws {
        let f = try SyncFixture()
        let s01 = Self.enrolled(f, site: "S01")
        let children = f.children(ofClass: "S01-1A").filter { s01[$0] != nil }.sorted()
        try #require(children.count >= 3)
        let sitesOfChild = Set(f.sample.enrollments.filter { $0.beneficiaryId == children[2] }.compactMap(\.siteId))
        try #require(sitesOfChild.contains("S01"))
        _ = try f.queue.write { db in try CatererCounts.run(db, now: Self.at(9, 30)) }
        func changed() throws -> Set<String>? {
            try f.queue.read { db in
                try CatererCounts.changedSites(db, checked: try db.scalar("SELECT value FROM server_meta WHERE key = 'caterer_checked'"),
                                               today: Self.day)
            }
        }
        func round(_ minute: Int) throws -> [CatererCounts.Message] {
            try f.queue.write { db in try CatererCounts.run(db, now: Self.at(10, minute)) }
        }
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let maker = OpMaker(device: teacher.deviceId, date: Self.day)
        let friday = Self.day.adding(days: -3)
        let late = maker.make(.attendanceMarked(AttendanceMarked(beneficiaryId: children[0], classId: "S01-1A", status: .absent, time: nil)),
                              on: friday)
        let past = maker.make(.absencePeriodRecorded(AbsencePeriod(beneficiaryId: children[1], classId: "S01-1A", fromDate: friday,
                                                                   toDate: Self.day.adding(days: -1), reason: "influenza")))
        #expect(try f.results(teacher, [late, past]).map(\.status) == [.applied, .applied])
        #expect(try changed() == [])
        #expect(try f.results(teacher, [maker.void(late.id)]).map(\.status) == [.applied])
        #expect(try changed() == [])
        #expect(try round(0).isEmpty)

        // A period that reaches today changes today's count: the child's sites are counted again.
        let reaching = maker.make(.absencePeriodRecorded(AbsencePeriod(beneficiaryId: children[2], classId: "S01-1A", fromDate: friday,
                                                                       toDate: Self.day, reason: "influenza")))
        #expect(try f.results(teacher, [reaching]).map(\.status) == [.applied])
        #expect(try changed() == sitesOfChild)
        #expect(try round(1).map(\.kind).contains(.variation))
        // Today's mark, and then its void, each name the child's sites.
        let today = maker.mark(children[0], classID: "S01-1A", .absent)
        #expect(try f.results(teacher, [today]).map(\.status) == [.applied])
        let sitesOfFirst = Set(f.sample.enrollments.filter { $0.beneficiaryId == children[0] }.compactMap(\.siteId))
        #expect(try changed() == sitesOfFirst)
        _ = try round(2)
        #expect(try f.results(teacher, [maker.void(today.id)]).map(\.status) == [.applied])
        #expect(try changed() == sitesOfFirst)
    }
}
