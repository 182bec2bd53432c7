import SpuntaDomain
import Testing
@testable import SpuntaProtocol

/// Facts of one child's day, written short.
private enum F {
    static func mark(_ id: String, _ device: String, _ hlc: Int64, _ status: AttendanceStatus, at time: String? = nil) -> OpFact {
        OpFact(id: id, deviceId: device, hlc: hlc, type: .attendanceMarked, classId: "C1", status: status,
               time: time.flatMap { LocalTime($0) })
    }

    static func meal(_ id: String, _ device: String, _ hlc: Int64, service: String = "S1", byName: Bool = false) -> OpFact {
        OpFact(id: id, deviceId: device, hlc: hlc, type: byName ? .mealRecorded : .mealScanned, serviceId: service, siteId: "P1")
    }

    static func ride(_ id: String, _ device: String, _ hlc: Int64, boarding: Bool = true, route: String = "L1",
                     direction: Direction = .outbound) -> OpFact {
        OpFact(id: id, deviceId: device, hlc: hlc, type: boarding ? .boarding : .alighting, routeId: route, stopId: "F1",
               direction: direction)
    }

    static func justification(_ id: String, _ device: String, _ hlc: Int64) -> OpFact {
        OpFact(id: id, deviceId: device, hlc: hlc, type: .absenceJustified, classId: "C1")
    }
}

/// One case of a rule: the facts, and what the rule must decide.
struct RuleCase: CustomTestStringConvertible, Sendable {
    let name: String
    let facts: [OpFact]
    let kept: String?
    let statuses: [String: MergeStatus]
    var disagreement = false

    var testDescription: String { name }
}

@Suite("The merge rules, as facts in and decisions out")
struct MergeRulesTests {
    @Test("the register: the latest mark by (HLC, device) stands, and devices that disagree make a conflict", arguments: [
        RuleCase(name: "no mark", facts: [], kept: nil, statuses: [:]),
        RuleCase(name: "one mark", facts: [F.mark("m1", "A", 10, .present)], kept: "m1", statuses: ["m1": .applied]),
        RuleCase(name: "a device corrects itself: no conflict",
                 facts: [F.mark("m1", "A", 10, .present), F.mark("m2", "A", 20, .absent)],
                 kept: "m2", statuses: ["m1": .superseded, "m2": .applied]),
        RuleCase(name: "two devices, two statuses: a conflict, the later stands",
                 facts: [F.mark("m2", "B", 20, .absent), F.mark("m1", "A", 10, .present)],
                 kept: "m2", statuses: ["m1": .conflict, "m2": .conflict], disagreement: true),
        RuleCase(name: "two devices agree: the later stands, the other is superseded",
                 facts: [F.mark("m1", "A", 10, .present), F.mark("m2", "B", 20, .present)],
                 kept: "m2", statuses: ["m1": .superseded, "m2": .applied]),
        RuleCase(name: "the same HLC: the device id decides",
                 facts: [F.mark("m1", "B", 10, .present), F.mark("m2", "A", 10, .present)],
                 kept: "m1", statuses: ["m1": .applied, "m2": .superseded]),
        RuleCase(name: "late entries 15 minutes apart disagree",
                 facts: [F.mark("m1", "A", 10, .lateEntry, at: "08:30"), F.mark("m2", "B", 20, .lateEntry, at: "08:45")],
                 kept: "m2", statuses: ["m1": .conflict, "m2": .conflict], disagreement: true),
        RuleCase(name: "late entries within the tolerance agree",
                 facts: [F.mark("m1", "A", 10, .lateEntry, at: "08:30"), F.mark("m2", "B", 20, .lateEntry, at: "08:40")],
                 kept: "m2", statuses: ["m1": .superseded, "m2": .applied]),
        RuleCase(name: "a device's earlier mark does not count against the other device",
                 facts: [F.mark("m1", "A", 10, .absent), F.mark("m2", "A", 20, .present), F.mark("m3", "B", 30, .present)],
                 kept: "m3", statuses: ["m1": .superseded, "m2": .superseded, "m3": .applied]),
        RuleCase(name: "the office's correction never counts as a device that disagrees",
                 facts: [F.mark("m1", "A", 10, .present), F.mark("m2", MergeRules.operatorDeviceID, 20, .absent)],
                 kept: "m2", statuses: ["m1": .superseded, "m2": .applied]),
        RuleCase(name: "ops that are not marks are left out",
                 facts: [F.mark("m1", "A", 10, .present), F.meal("p1", "D", 30)],
                 kept: "m1", statuses: ["m1": .applied]),
    ])
    func register(_ c: RuleCase) {
        let register = MergeRules.register(c.facts)
        #expect(register.winner?.id == c.kept)
        #expect(register.disagreement == c.disagreement)
        #expect(register.statuses == c.statuses)
    }

    @Test("a disagreement the office resolved is no longer open: the winner stands")
    func resolvedDisagreement() {
        let register = MergeRules.register([F.mark("m1", "A", 10, .present), F.mark("m2", "B", 20, .absent)])
        #expect(register.disagreement)
        #expect(register.statuses(conflictOpen: false) == ["m1": .superseded, "m2": .applied])
        #expect(register.latestByDevice.map(\.id) == ["m1", "m2"])
    }

    @Test("a meal: the first scan by (HLC, device) is billed, every other is a duplicate", arguments: [
        RuleCase(name: "no scan", facts: [], kept: nil, statuses: [:]),
        RuleCase(name: "two doors, one child", facts: [F.meal("p2", "B", 20), F.meal("p1", "A", 10)],
                 kept: "p1", statuses: ["p1": .applied, "p2": .duplicate]),
        RuleCase(name: "recorded by name counts as a meal", facts: [F.meal("p1", "A", 10, byName: true), F.meal("p2", "A", 20)],
                 kept: "p1", statuses: ["p1": .applied, "p2": .duplicate]),
        RuleCase(name: "another service is another meal", facts: [F.meal("p1", "A", 10, service: "S2"), F.meal("p2", "A", 20)],
                 kept: "p2", statuses: ["p2": .applied]),
        RuleCase(name: "the same HLC: the device id decides", facts: [F.meal("p1", "B", 10), F.meal("p2", "A", 10)],
                 kept: "p2", statuses: ["p1": .duplicate, "p2": .applied]),
        RuleCase(name: "marks are not meals", facts: [F.mark("m1", "A", 5, .present), F.meal("p1", "A", 10)],
                 kept: "p1", statuses: ["p1": .applied]),
    ])
    func meal(_ c: RuleCase) {
        let decision = MergeRules.meal(c.facts, service: "S1")
        #expect(decision.kept?.id == c.kept)
        #expect(decision.statuses == c.statuses)
    }

    @Test("a ride: the first boarding and the first alighting are kept, per route and direction", arguments: [
        RuleCase(name: "boarded twice", facts: [F.ride("r1", "A", 10), F.ride("r2", "B", 20)],
                 kept: "r1", statuses: ["r1": .applied, "r2": .duplicate]),
        RuleCase(name: "boarded and alighted", facts: [F.ride("r1", "A", 10), F.ride("r2", "A", 20, boarding: false)],
                 kept: "r1", statuses: ["r1": .applied, "r2": .applied]),
        RuleCase(name: "the return trip is another ride",
                 facts: [F.ride("r1", "A", 10, direction: .return), F.ride("r2", "A", 20)],
                 kept: "r2", statuses: ["r2": .applied]),
        RuleCase(name: "another route is another ride", facts: [F.ride("r1", "A", 10, route: "L2"), F.ride("r2", "A", 20)],
                 kept: "r2", statuses: ["r2": .applied]),
        RuleCase(name: "alighted only", facts: [F.ride("r1", "A", 10, boarding: false)],
                 kept: nil, statuses: ["r1": .applied]),
    ])
    func ride(_ c: RuleCase) {
        let ride = MergeRules.ride(c.facts, route: "L1", direction: .outbound)
        #expect(ride.boarding.kept?.id == c.kept)
        #expect(ride.boarding.statuses.merging(ride.alighting.statuses) { a, _ in a } == c.statuses)
    }

    @Test("a justification: the latest stands, the others are superseded")
    func justification() {
        let decision = MergeRules.justification([F.justification("g1", "A", 10), F.justification("g2", "B", 10), F.justification("g3", "A", 5)])
        #expect(decision.kept?.id == "g2")
        #expect(decision.statuses == ["g1": .superseded, "g2": .applied, "g3": .superseded])
    }

    @Test("absent but ate is a conflict only when the register says absent and a meal was recorded", arguments: [
        (AttendanceStatus?.some(.absent), true, true), (.absent, false, false), (.present, true, false), (nil, true, false),
        (.earlyExit, true, false), (.lateEntry, true, false),
    ])
    func absentButAte(register: AttendanceStatus?, ate: Bool, conflict: Bool) {
        #expect(MergeRules.absentButAte(register: register, ate: ate) == conflict)
    }

    @Test("a child and day: ordered by child then day, keyed as the conflicts are")
    func childDay() throws {
        let day = try #require(LocalDate("2026-10-30"))
        let a = ChildDay(beneficiaryId: "B1", date: day)
        let b = ChildDay(beneficiaryId: "B1", date: day.adding(days: 1))
        let c = ChildDay(beneficiaryId: "B2", date: day.adding(days: -5))
        #expect([c, b, a].sorted() == [a, b, c])
        #expect(a.subject == "B1|2026-10-30")
        #expect(Set([a, ChildDay(beneficiaryId: "B1", date: day)]).count == 1)
    }

    @Test("every merge status reads back from what the store keeps, with an Italian name")
    func statusNames() {
        for status in MergeStatus.allCases {
            #expect(MergeStatus(rawValue: status.rawValue) == status)
            #expect(!status.italian.isEmpty)
        }
        #expect(MergeStatus(rawValue: "duplicate_meal") == nil)
    }
}

/// The device answers a scan offline with what the server's merge will decide once the new op reaches it.
@Suite("The device's answer and the server's merge agree")
struct ScanAgreementTests {
    /// What the server decides for a new scan of `device`, stamped after every op the device knows (as its HLC is),
    /// merged together with those ops: the status of the new op, the op the fact keeps, and whether the day opens
    /// an absent-but-ate conflict.
    private static func server(_ known: [OpFact], new: OpFact) -> (status: MergeStatus?, kept: OpFact?, absentButAte: Bool) {
        let all = known + [new]
        let register = MergeRules.register(all).winner?.status
        if new.isMeal {
            let meal = MergeRules.meal(all, service: new.serviceId ?? "")
            return (meal.status(of: new.id), meal.kept, MergeRules.absentButAte(register: register, ate: meal.kept != nil))
        }
        let ride = MergeRules.ride(all, route: new.routeId ?? "", direction: new.direction ?? .outbound)
        let decision = new.type == .boarding ? ride.boarding : ride.alighting
        return (decision.status(of: new.id), decision.kept, false)
    }

    private static func next(after known: [OpFact]) -> Int64 { (known.map(\.hlc).max() ?? 0) + 1 }

    /// Checks one day's facts: a meal scan and a boarding and alighting scan, at this device.
    private static func agree(_ known: [OpFact], device: String = "door", context: String = "") {
        let meal = F.meal("new-meal", device, next(after: known))
        let device_ = MergeRules.mealScan(known, service: "S1")
        let server = server(known, new: meal)
        switch device_ {
        case .record:
            #expect(server.status == .applied, "the device records a meal the server bills \(context)")
        case .duplicate(let billed):
            #expect(server.status == .duplicate, "the device refuses a meal the server would flag duplicate \(context)")
            #expect(server.kept == billed, "both name the same billed meal \(context)")
        }
        #expect(MergeRules.mealContradictsRegister(known) == server.absentButAte, "the door's warning is the server's conflict \(context)")
        for boarding in [true, false] {
            let scan = F.ride("new-ride", device, next(after: known), boarding: boarding)
            let answer = MergeRules.rideScan(known, route: "L1", direction: .outbound, boarding: boarding)
            let merged = Self.server(known, new: scan)
            switch answer {
            case .record: #expect(merged.status == .applied, "\(context)")
            case .duplicate(let kept): #expect(merged.status == .duplicate && merged.kept == kept, "\(context)")
            }
        }
    }

    @Test("on the days that matter: nothing yet, served here, served at the other door, absent, corrected, voided", arguments: [
        [],
        [F.meal("p1", "door", 10)],
        [F.meal("p1", "other-door", 10), F.meal("p2", "door", 12, service: "S2")],
        [F.mark("m1", "teacher", 5, .absent)],
        [F.mark("m1", "teacher", 5, .absent), F.mark("m2", "teacher", 8, .present)],
        [F.mark("m1", "teacher", 5, .present), F.mark("m2", "co-teacher", 8, .absent), F.meal("p1", "other-door", 9)],
        [F.mark("m1", MergeRules.operatorDeviceID, 50, .absent)],
        [F.ride("r1", "bus", 3), F.ride("r2", "bus", 4, direction: .return)],
        [F.ride("r1", "bus", 3, boarding: false), F.ride("r2", "bus-2", 4, route: "L2")],
    ])
    func table(_ known: [OpFact]) {
        Self.agree(known)
    }

    @Test("on random days (seeded: the seed is in the failure)", arguments: [UInt64(1), 2, 3, 20_261_201])
    func random(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let devices = ["door", "other-door", "teacher", "co-teacher", "bus", MergeRules.operatorDeviceID]
        for day in 0..<300 {
            var known: [OpFact] = []
            for n in 0..<Int.random(in: 0...6, using: &random) {
                let device = devices.randomElement(using: &random) ?? "door"
                let hlc = Int64.random(in: 1...20, using: &random)
                let id = "op\(n)"
                switch Int.random(in: 0...4, using: &random) {
                case 0: known.append(F.mark(id, device, hlc, AttendanceStatus.allCases.randomElement(using: &random) ?? .present))
                case 1: known.append(F.meal(id, device, hlc, service: Bool.random(using: &random) ? "S1" : "S2"))
                case 2: known.append(F.meal(id, device, hlc, byName: true))
                case 3: known.append(F.ride(id, device, hlc, boarding: Bool.random(using: &random)))
                default: known.append(F.ride(id, device, hlc, direction: .return))
                }
            }
            Self.agree(known, context: "(seed \(seed), day \(day): \(known.map(\.id)))")
        }
    }
}
