import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// Every op a device pushes is checked against what that device may touch for that child on that day — not only
/// the class, site or route the op claims. The table below gives the answer for every op type from every role
/// about every kind of child (`ScopeWorld`): the teacher of C1, the canteen of S1, the bus of L1 (one school) and
/// the bus of L2 (a line serving two schools). `tableIsComplete` fails when an op type is added without its rows.
@Suite("Push checks per child and per date")
struct PushScopeTests {
    enum Role: String, CaseIterable, Sendable {
        case teacher, canteen, bus
        /// A bus on L2, which serves S1 (K2 rides it) and S2 (K3 rides it), each with its school stop.
        case twoSchoolBus = "bus of the two-school line"

        var deviceRole: DeviceRole {
            switch self {
            case .teacher: return .teacher
            case .canteen: return .canteen
            case .bus, .twoSchoolBus: return .bus
            }
        }

        /// The scope of the device under test.
        var scope: String {
            switch self {
            case .teacher: return "class:C1"
            case .canteen: return "site:S1"
            case .bus: return "route:L1"
            case .twoSchoolBus: return "route:L2"
            }
        }
    }

    enum Child: String, CaseIterable, Sendable {
        case own = "own child"
        case sameSite = "child of another class at the same site"
        case otherSite = "child of another site"
        case notEnrolled = "child not enrolled"
        case otherDate = "child enrolled only on another date"
        /// Dated class membership: in class C1 only from a day after the op's, enrolled in canteen and bus all year.
        case laterInClass = "child in the class only from a later date"

        var id: String {
            switch self {
            case .own, .otherDate: return ScopeWorld.own
            case .sameSite: return ScopeWorld.classmateElsewhere
            case .otherSite: return ScopeWorld.otherSchool
            case .notEnrolled: return ScopeWorld.nobody
            case .laterInClass: return ScopeWorld.joinsLater
            }
        }

        /// The school the child gets off at on a line that serves several.
        var site: String { self == .otherSite ? "S2" : "S1" }

        var date: LocalDate { self == .otherDate ? ScopeWorld.beforeTheYear : ScopeWorld.schoolDay }

        /// The scope of the device of the same role that looks after this child (class, site or route), which
        /// records the target of a void.
        func home(_ role: Role) -> String {
            switch (role, self) {
            case (.teacher, .sameSite): return "class:C2"
            case (.teacher, .otherSite): return "class:D1"
            case (.canteen, .otherSite): return "site:S2"
            case (.bus, .sameSite), (.bus, .otherSite): return "route:L2"
            case (.twoSchoolBus, .own), (.twoSchoolBus, .laterInClass): return "route:L1"
            default: return role.scope
            }
        }
    }

    /// Every op type of the protocol, by its wire name (`tableIsComplete` checks it against `OpType`).
    enum Kind: String, CaseIterable, Sendable {
        case mark = "attendance_marked", justify = "absence_justified", period = "absence_period_recorded"
        case mealScanned = "meal_scanned", mealRecorded = "meal_recorded"
        case boarding, alighting, rideClosed = "ride_closed", void
    }

    /// What must become of the op.
    enum Expect: Equatable, Sendable, CustomStringConvertible {
        /// Accepted and merged into its fact (for a void: its target cancelled).
        case applied
        /// Kept (the ride is real) but flagged for the office: not billed.
        case flagged
        /// Refused with this code: stored for the audit trail only.
        case refused(String)

        var description: String {
            switch self {
            case .applied: return "applied"
            case .flagged: return "flagged"
            case .refused(let code): return code
            }
        }
    }

    struct Row {
        let kind: Kind
        let role: Role
        let own, sameSite, otherSite, notEnrolled, otherDate, laterInClass: Expect

        /// An op type the role does not record: refused whoever the child.
        init(notAllowed kind: Kind, role: Role) {
            self.init(kind: kind, role: role, own: PushScopeTests.notAllowed, sameSite: PushScopeTests.notAllowed,
                      otherSite: PushScopeTests.notAllowed, notEnrolled: PushScopeTests.notAllowed,
                      otherDate: PushScopeTests.notAllowed, laterInClass: PushScopeTests.notAllowed)
        }

        init(kind: Kind, role: Role, own: Expect, sameSite: Expect, otherSite: Expect, notEnrolled: Expect, otherDate: Expect,
             laterInClass: Expect) {
            (self.kind, self.role, self.own, self.sameSite, self.otherSite) = (kind, role, own, sameSite, otherSite)
            (self.notEnrolled, self.otherDate, self.laterInClass) = (notEnrolled, otherDate, laterInClass)
        }

        func expect(_ child: Child) -> Expect {
            switch child {
            case .own: return own
            case .sameSite: return sameSite
            case .otherSite: return otherSite
            case .notEnrolled: return notEnrolled
            case .otherDate: return otherDate
            case .laterInClass: return laterInClass
            }
        }
    }

    static let out = Expect.refused("out_of_scope"), notEnrolled = Expect.refused("not_enrolled")
    static let notAllowed = Expect.refused("op_not_allowed"), invalidVoid = Expect.refused("invalid_void")

    /// The answers. A void's target is an op about the child recorded by the device of the same role that looks
    /// after the child (`Child.home`); a target that device could not record itself was refused.
    static let table: [Row] = [
        Row(kind: .mark, role: .teacher, own: .applied, sameSite: out, otherSite: out, notEnrolled: out, otherDate: out, laterInClass: out),
        Row(kind: .justify, role: .teacher, own: .applied, sameSite: out, otherSite: out, notEnrolled: out, otherDate: out, laterInClass: out),
        Row(kind: .period, role: .teacher, own: .applied, sameSite: out, otherSite: out, notEnrolled: out, otherDate: out, laterInClass: out),
        Row(notAllowed: .mealScanned, role: .teacher),
        Row(notAllowed: .mealRecorded, role: .teacher),
        Row(notAllowed: .boarding, role: .teacher),
        Row(notAllowed: .alighting, role: .teacher),
        Row(notAllowed: .rideClosed, role: .teacher),
        Row(kind: .void, role: .teacher, own: .applied, sameSite: out, otherSite: out, notEnrolled: invalidVoid, otherDate: invalidVoid, laterInClass: invalidVoid),

        Row(notAllowed: .mark, role: .canteen),
        Row(notAllowed: .justify, role: .canteen),
        Row(notAllowed: .period, role: .canteen),
        Row(kind: .mealScanned, role: .canteen, own: .applied, sameSite: .applied, otherSite: notEnrolled, notEnrolled: notEnrolled, otherDate: notEnrolled, laterInClass: .applied),
        Row(kind: .mealRecorded, role: .canteen, own: .applied, sameSite: .applied, otherSite: notEnrolled, notEnrolled: notEnrolled, otherDate: notEnrolled, laterInClass: .applied),
        Row(notAllowed: .boarding, role: .canteen),
        Row(notAllowed: .alighting, role: .canteen),
        Row(notAllowed: .rideClosed, role: .canteen),
        Row(kind: .void, role: .canteen, own: .applied, sameSite: .applied, otherSite: out, notEnrolled: invalidVoid, otherDate: invalidVoid, laterInClass: .applied),

        Row(notAllowed: .mark, role: .bus),
        Row(notAllowed: .justify, role: .bus),
        Row(notAllowed: .period, role: .bus),
        Row(notAllowed: .mealScanned, role: .bus),
        Row(notAllowed: .mealRecorded, role: .bus),
        Row(kind: .boarding, role: .bus, own: .applied, sameSite: .flagged, otherSite: .flagged, notEnrolled: .flagged, otherDate: .flagged, laterInClass: .applied),
        Row(kind: .alighting, role: .bus, own: .applied, sameSite: .flagged, otherSite: .flagged, notEnrolled: .flagged, otherDate: .flagged, laterInClass: .applied),
        // Closing the ride with a child aboard alerts the office whoever the child is: a child left on the bus must be
        // found even when he should never have boarded. A day the line's service does not run is no ride at all.
        Row(kind: .rideClosed, role: .bus, own: .applied, sameSite: .applied, otherSite: .applied, notEnrolled: .applied, otherDate: out, laterInClass: .applied),
        Row(kind: .void, role: .bus, own: .applied, sameSite: out, otherSite: out, notEnrolled: .applied, otherDate: .applied, laterInClass: .applied),

        Row(notAllowed: .mark, role: .twoSchoolBus),
        Row(notAllowed: .justify, role: .twoSchoolBus),
        Row(notAllowed: .period, role: .twoSchoolBus),
        Row(notAllowed: .mealScanned, role: .twoSchoolBus),
        Row(notAllowed: .mealRecorded, role: .twoSchoolBus),
        // L2 carries K2 to S1 and K3 to S2: both are its own; K1 and K7 ride L1.
        Row(kind: .boarding, role: .twoSchoolBus, own: .flagged, sameSite: .applied, otherSite: .applied, notEnrolled: .flagged, otherDate: .flagged, laterInClass: .flagged),
        Row(kind: .alighting, role: .twoSchoolBus, own: .flagged, sameSite: .applied, otherSite: .applied, notEnrolled: .flagged, otherDate: .flagged, laterInClass: .flagged),
        Row(kind: .rideClosed, role: .twoSchoolBus, own: .applied, sameSite: .applied, otherSite: .applied, notEnrolled: .applied, otherDate: out, laterInClass: .applied),
        Row(kind: .void, role: .twoSchoolBus, own: out, sameSite: .applied, otherSite: .applied, notEnrolled: .applied, otherDate: .applied, laterInClass: out),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        let kind: Kind
        let role: Role
        let child: Child
        let expect: Expect
        /// For a void: pushed before its target arrives (held), then checked when the target comes.
        let voidFirst: Bool

        var testDescription: String {
            "\(kind.rawValue) by the \(role.rawValue) about the \(child.rawValue)\(voidFirst ? ", before its target" : ""): \(expect)"
        }
    }

    static let cases: [Case] = table.flatMap { row in
        Child.allCases.flatMap { child in
            (row.kind == .void ? [false, true] : [false]).map {
                Case(kind: row.kind, role: row.role, child: child, expect: row.expect(child), voidFirst: $0)
            }
        }
    }

    @Test("the table covers every op type of the protocol from every role")
    func tableIsComplete() {
        #expect(Set(Kind.allCases.map(\.rawValue)) == Set(OpType.allCases.map(\.rawValue)), "an op type has no rows in the table")
        for kind in Kind.allCases {
            for role in Role.allCases {
                #expect(Self.table.filter { $0.kind == kind && $0.role == role }.count == 1, "\(kind) \(role)")
            }
        }
    }

    /// The body of an op of `kind` about `child` as the device with `scope` would record it (claiming its own
    /// class, site or route).
    static func body(_ kind: Kind, child: Child, scope: String) -> OpBody? {
        let id = child.id
        let item = scope.split(separator: ":").last.map(String.init) ?? ""
        let cls = scope.hasPrefix("class:") ? item : "C1"
        let site = scope.hasPrefix("site:") ? item : "S1"
        let route = scope.hasPrefix("route:") ? item : "L1"
        switch kind {
        case .mark: return .attendanceMarked(AttendanceMarked(beneficiaryId: id, classId: cls, status: .absent, time: nil))
        case .justify: return .absenceJustified(AbsenceJustified(beneficiaryId: id, classId: cls, absenceDate: child.date, reason: "febbre"))
        case .period: return .absencePeriodRecorded(AbsencePeriod(beneficiaryId: id, classId: cls, fromDate: child.date,
                                                                   toDate: child.date.adding(days: 2), reason: "influenza"))
        case .mealScanned: return .mealScanned(Meal(beneficiaryId: id, serviceId: "MENSA", siteId: site, cardId: "CARTA-\(id)", reason: nil))
        case .mealRecorded: return .mealRecorded(Meal(beneficiaryId: id, serviceId: "MENSA", siteId: site, cardId: nil, reason: "senza tessera"))
        case .boarding: return .boarding(Ride(beneficiaryId: id, routeId: route, stopId: "\(route)-01", direction: .outbound, cardId: nil))
        case .alighting:
            // A line serving several schools is left at the child's own school; a line of one school at `school`.
            let school = route == "L2" ? Ride.schoolStop(site: child.site) : Ride.school
            return .alighting(Ride(beneficiaryId: id, routeId: route, stopId: school, direction: .outbound, cardId: nil))
        case .rideClosed: return .rideClosed(RideClosed(routeId: route, direction: .outbound, aboard: [id]))
        case .void: return nil
        }
    }

    /// The kind of op a role records, for the target of its voids.
    static func ownKind(_ role: Role) -> Kind {
        switch role {
        case .teacher: return .mark
        case .canteen: return .mealScanned
        case .bus, .twoSchoolBus: return .boarding
        }
    }

    @Test("every op type from every role about every kind of child gets the answer of the table, whether the children's master data is read before the write or by it",
          arguments: cases, [false, true])
    func answer(_ c: Case, readsBeforehand: Bool) throws {
        let f = try SyncFixture(.scopeWorld)
        f.readsBeforehand = readsBeforehand
        let device = try f.device(c.role.deviceRole, [c.role.scope]).scope
        let maker = OpMaker(device: device.deviceId, date: c.child.date)
        var target: Op?
        let op: Op
        var result: PushResult
        if c.kind == .void {
            let home = c.child.home(c.role)
            let peer = try f.device(c.role.deviceRole, [home], name: "peer").scope
            let peerOp = try #require(Self.body(Self.ownKind(c.role), child: c.child, scope: home))
            let recorded = OpMaker(device: peer.deviceId, date: c.child.date).make(peerOp)
            target = recorded
            op = maker.void(recorded.id)
            if c.voidFirst {
                result = try #require(try f.results(device, [op]).first)
                #expect(result.status == .applied)
                #expect(result.outcome == "held", "a void whose target has not arrived waits for it")
                #expect(try f.scalar("SELECT log_seq FROM op WHERE id = ?", [op.id]) as Int64? == nil, "a held void is not published")
                _ = try f.results(peer, [recorded])
                // The void was answered before; what counts now is how the target's arrival settled it.
                let stored: String = try #require(try f.scalar("SELECT merge_status FROM op WHERE id = ?", [op.id]))
                let code: String? = try f.scalar("SELECT reject_code FROM op WHERE id = ?", [op.id])
                result = PushResult(opId: op.id, status: stored == "rejected" ? .rejected : .applied, code: code, outcome: stored)
            } else {
                _ = try f.results(peer, [recorded])
                result = try #require(try f.results(device, [op]).first)
            }
        } else {
            op = maker.make(try #require(Self.body(c.kind, child: c.child, scope: c.role.scope)))
            result = try #require(try f.results(device, [op]).first)
        }

        let facts = try Self.facts(f, op.id)
        let charges = try Self.chargedSources(f, c.child.date)
        switch c.expect {
        case .refused(let code):
            #expect(result.status == .rejected)
            #expect(result.code == code)
            #expect(try f.scalar("SELECT merge_status FROM op WHERE id = ?", [op.id]) as String? == "rejected")
            #expect(try f.scalar("SELECT reject_code FROM op WHERE id = ?", [op.id]) as String? == code)
            // The office finds it: in the audit trail with its code, and counted on the device's line.
            let audit = try f.queue.read { try AdminQueries.audit($0, device: device.deviceId, date: nil, rejectedOnly: true) }
            #expect(audit.map(\.subject) == [op.id])
            #expect(audit.first?.details["reject_code"]?.description == code)
            let listed = try f.queue.read { try AdminQueries.devices($0, now: SyncFixture.now) }.first { $0.id == device.deviceId }
            #expect(listed?.opsRejected == 1)
            // And nowhere else: no fact, no conflict, no charge.
            #expect(facts.isEmpty, "a refused op reached the merged facts: \(facts)")
            #expect(try Self.conflicts(f, mentioning: op.id) == 0)
            if c.kind != .void {
                #expect(try Self.conflicts(f, child: c.child.id) == 0)
            }
            #expect(try Self.alerts(f, child: c.child.id) == 0, "a refused op alerted the office")
            #expect(!charges.contains(op.id))
            if let target {
                #expect(try f.scalar("SELECT merge_status FROM op WHERE id = ?", [target.id]) as String? != "voided",
                        "a void refused must not cancel its target")
            }
        case .applied:
            #expect(result.status == .applied)
            if let target {
                #expect(try f.scalar("SELECT merge_status FROM op WHERE id = ?", [target.id]) as String? == "voided")
                #expect(try Self.facts(f, target.id).isEmpty, "the voided target still counts")
                #expect(!charges.contains(target.id))
                #expect(try Self.conflicts(f, child: c.child.id) == 0, "the voided target's conflicts are gone")
            } else if c.kind == .rideClosed {
                #expect(try Self.alerts(f, child: c.child.id) == 1, "a child left aboard is not reported to the office")
            } else {
                #expect(!facts.isEmpty, "an accepted op is missing from the merged facts")
                #expect(try f.scalar("SELECT scope_flag FROM op WHERE id = ?", [op.id]) as String? == nil)
                if [.mealScanned, .mealRecorded, .boarding].contains(c.kind) {
                    #expect(charges.contains(op.id), "an accepted meal or boarding of an enrolled child is billed")
                }
            }
        case .flagged:
            #expect(result.status == .applied)
            #expect(!facts.isEmpty, "whoever was aboard is on the list")
            #expect(try f.scalar("SELECT scope_flag FROM op WHERE id = ?", [op.id]) as String? == "not_enrolled")
            #expect(try f.scalar("""
                SELECT COUNT(*) FROM conflict WHERE kind = 'ride_not_enrolled' AND status = 'open' AND beneficiary_id = ?
                """, [c.child.id]) as Int? == 1)
            #expect(!charges.contains(op.id), "a ride of a child not enrolled is not billed unless the office decides so")
        }
    }

    @Test("a justification is checked on the day of the absence, not on the day it is written")
    func justificationDate() throws {
        let f = try SyncFixture(.scopeWorld)
        let teacher = try f.device(.teacher, ["class:C1"]).scope
        let maker = OpMaker(device: teacher.deviceId)
        func justify(absence: LocalDate, writtenOn day: LocalDate) -> Op {
            maker.make(.absenceJustified(AbsenceJustified(
                beneficiaryId: ScopeWorld.own, classId: "C1", absenceDate: absence, reason: "visita medica")), on: day)
        }
        // Written during the year for a day before it: refused.
        let early = justify(absence: ScopeWorld.beforeTheYear, writtenOn: ScopeWorld.d("2026-09-15"))
        #expect(try f.results(teacher, [early]).first?.code == "out_of_scope")
        // Written after the last day of school for the last day: accepted.
        let late = justify(absence: ScopeWorld.yearEnd, writtenOn: ScopeWorld.d("2027-06-10"))
        #expect(try f.results(teacher, [late]).first?.status == .applied)
        #expect(try f.scalar("SELECT op_id FROM justification WHERE absence_date = ?", [ScopeWorld.yearEnd.description]) as String? == late.id)
    }

    @Test("a meal counts only for an enrollment in a meal service at the door's site, on that day, in the service the op names",
          arguments: [
            (ScopeWorld.own, "MENSA", ScopeWorld.schoolDay, nil),
            (ScopeWorld.own, "MENSA-BIS", ScopeWorld.schoolDay, "not_enrolled"),
            (ScopeWorld.preSchoolOnly, "MENSA", ScopeWorld.schoolDay, "not_enrolled"),
            (ScopeWorld.leftInSeptember, "MENSA", ScopeWorld.d("2026-09-30"), nil),
            (ScopeWorld.leftInSeptember, "MENSA", ScopeWorld.d("2026-10-01"), "not_enrolled"),
            (ScopeWorld.own, "PRESCUOLA", ScopeWorld.schoolDay, "not_enrolled"),
            ("K9", "MENSA", ScopeWorld.schoolDay, "unknown_beneficiary"),
          ] as [(String, String, LocalDate, String?)])
    func mealEnrollment(child: String, service: String, date: LocalDate, code: String?) throws {
        let f = try SyncFixture(.scopeWorld)
        let door = try f.device(.canteen, ["site:S1"]).scope
        let meal = OpMaker(device: door.deviceId, date: date)
            .make(.mealScanned(Meal(beneficiaryId: child, serviceId: service, siteId: "S1", cardId: nil, reason: nil)))
        let result = try #require(try f.results(door, [meal]).first)
        #expect(result.code == code)
        #expect(result.status == (code == nil ? .applied : .rejected))
        if code == "not_enrolled" {
            #expect(result.message?.contains(child) == true, "the message names the child: \(result.message ?? "")")
        }
        #expect(try f.scalar("SELECT COUNT(*) FROM meal WHERE op_id = ?", [meal.id]) as Int? == (code == nil ? 1 : 0))
    }

    @Test("a bus op naming a route outside the device's scope, a stop not on the route or an unknown child is refused",
          arguments: [
            ("L2", "L2-01", ScopeWorld.otherSchool, "out_of_scope"),
            ("L1", "L2-01", ScopeWorld.own, "unknown_stop"),
            ("L1", "L1-09", ScopeWorld.own, "unknown_stop"),
            ("L1", "L1-02", "K9", "unknown_beneficiary"),
            ("L1", "L1-02", ScopeWorld.own, nil),
          ] as [(String, String, String, String?)])
    func busRefusals(route: String, stop: String, child: String, code: String?) throws {
        let f = try SyncFixture(.scopeWorld)
        let bus = try f.device(.bus, ["route:L1"]).scope
        let boarding = OpMaker(device: bus.deviceId, date: ScopeWorld.schoolDay)
            .make(.boarding(Ride(beneficiaryId: child, routeId: route, stopId: stop, direction: .outbound, cardId: nil)))
        let result = try #require(try f.results(bus, [boarding]).first)
        #expect(result.code == code)
        #expect(try f.scalar("SELECT COUNT(*) FROM ride WHERE boarding_op_id = ?", [boarding.id]) as Int? == (code == nil ? 1 : 0))
        #expect(try f.scalar("SELECT COUNT(*) FROM conflict") as Int? == 0)
    }

    @Test("on a line serving several schools, a school stop must be one of the line's schools; a line of one school takes any school it knows",
          arguments: [
            ("L2", "school:S1", nil), ("L2", "school:S2", nil), ("L2", "school", nil), ("L2", "L2-02", nil),
            ("L2", "school:S3", "unknown_stop"), ("L2", "school:S9", "unknown_stop"), ("L2", "L1-01", "unknown_stop"),
            ("L1", "school:S3", nil), ("L1", "school:S9", "unknown_stop"),
          ] as [(String, String, String?)])
    func schoolStops(route: String, stop: String, code: String?) throws {
        let f = try SyncFixture(.scopeWorld)
        let bus = try f.device(.bus, ["route:\(route)"]).scope
        let child = route == "L2" ? ScopeWorld.otherSchool : ScopeWorld.own
        let maker = OpMaker(device: bus.deviceId, date: ScopeWorld.schoolDay)
        let ops = [maker.make(.boarding(Ride(beneficiaryId: child, routeId: route, stopId: stop, direction: .`return`, cardId: nil))),
                   maker.make(.alighting(Ride(beneficiaryId: child, routeId: route, stopId: stop, direction: .outbound, cardId: nil)))]
        let results = try f.results(bus, ops)
        #expect(results.map(\.code) == [code, code])
        if code != nil {
            let named = Ride.schoolSite(stop) ?? stop
            #expect(results.allSatisfy { $0.message?.contains(named) == true }, "the message names the stop: \(results.map(\.message))")
        }
        #expect(try f.scalar("SELECT COUNT(*) FROM ride WHERE beneficiary_id = ?", [child]) as Int? == (code == nil ? 2 : 0))
    }

    @Test("closing a ride of another line is refused and alerts nobody; a child the server does not know aboard is kept, flagged, and alerted",
          arguments: [("L2", ScopeWorld.own, "out_of_scope"), ("L1", "K9", nil), ("L1", ScopeWorld.own, nil)] as [(String, String, String?)])
    func rideClosedRefusals(route: String, child: String, code: String?) throws {
        let f = try SyncFixture(.scopeWorld)
        let bus = try f.device(.bus, ["route:L1"]).scope
        let closed = OpMaker(device: bus.deviceId, date: ScopeWorld.schoolDay)
            .make(.rideClosed(RideClosed(routeId: route, direction: .outbound, aboard: [child])))
        #expect(try f.results(bus, [closed]).first?.code == code)
        #expect(try f.scalar("SELECT COUNT(*) FROM office_alert WHERE kind = 'child_left_aboard'") as Int? == (code == nil ? 1 : 0))
        let flag: String? = try f.scalar("SELECT scope_flag FROM op WHERE id = ?", [closed.id])
        #expect(flag == (child == "K9" ? OpFlag.unknownAboard.rawValue : nil))
    }

    @Test("a device cannot void what a device of another role recorded about a child it serves itself",
          arguments: Role.allCases.flatMap { voider in Role.allCases.filter { $0.deviceRole != voider.deviceRole }.map { (voider, $0) } })
    func voidAcrossRoles(voider: Role, recorder: Role) throws {
        let f = try SyncFixture(.scopeWorld)
        let device = try f.device(voider.deviceRole, [voider.scope]).scope
        let peer = try f.device(recorder.deviceRole, [recorder.scope], name: "peer").scope
        let child: Child = recorder == .twoSchoolBus ? .sameSite : .own
        let target = OpMaker(device: peer.deviceId, date: ScopeWorld.schoolDay)
            .make(try #require(Self.body(Self.ownKind(recorder), child: child, scope: recorder.scope)))
        #expect(try f.results(peer, [target]).first?.status == .applied)
        let void = OpMaker(device: device.deviceId, date: ScopeWorld.schoolDay).void(target.id)
        #expect(try f.results(device, [void]).first?.code == "out_of_scope")
        #expect(try f.scalar("SELECT merge_status FROM op WHERE id = ?", [target.id]) as String? == "applied")
        #expect(!(try Self.facts(f, target.id)).isEmpty, "the target must still count")
    }

    @Test("the end of a ride and a void cannot be voided, even by the device that recorded them", arguments: [OpType.rideClosed, .void])
    func unvoidable(_ type: OpType) throws {
        let f = try SyncFixture(.scopeWorld)
        let bus = try f.device(.bus, ["route:L1"]).scope
        let maker = OpMaker(device: bus.deviceId, date: ScopeWorld.schoolDay)
        let boarding = maker.make(.boarding(Ride(beneficiaryId: ScopeWorld.own, routeId: "L1", stopId: "L1-01", direction: .outbound, cardId: nil)))
        let target = type == .void ? maker.void(boarding.id)
            : maker.make(.rideClosed(RideClosed(routeId: "L1", direction: .outbound, aboard: [ScopeWorld.own])))
        let void = maker.void(target.id)
        let results = try f.results(bus, [boarding, target, void])
        #expect(results.map(\.code) == [nil, nil, "invalid_void"])
        #expect(try f.scalar("SELECT merge_status FROM op WHERE id = ?", [target.id]) as String? == "applied")
    }

    @Test("a held void is not sent to other devices; once its target arrives and it is accepted, it goes wherever the target went")
    func heldVoidsArePublishedWithTheirTarget() throws {
        let f = try SyncFixture(.scopeWorld)
        let teacher = try f.device(.teacher, ["class:C1"]).scope
        let coTeacher = try f.device(.teacher, ["class:C1"]).scope
        let canteen = try f.device(.canteen, ["site:S1"]).scope
        let mark = OpMaker(device: teacher.deviceId).make(.attendanceMarked(AttendanceMarked(
            beneficiaryId: ScopeWorld.own, classId: "C1", status: .absent, time: nil)))
        let void = OpMaker(device: coTeacher.deviceId).void(mark.id)
        #expect(try f.results(coTeacher, [void]).first?.outcome == "held")
        let start = try PullTests.pullAll(f, canteen)
        #expect(start.ops.isEmpty)
        let before = try PullTests.pullAll(f, canteen, from: start.cursor)
        #expect(before.ops.isEmpty, "a held void reached a device")
        #expect(try f.results(teacher, [mark]).first?.status == .applied)
        #expect(try f.scalar("SELECT merge_status FROM op WHERE id = ?", [void.id]) as String? == "applied")
        #expect(try f.scalar("SELECT COUNT(*) FROM attendance") as Int? == 0)
        // The canteen of the class's site pulled the mark (the kitchen counts from it) and so gets its void too.
        let after = try PullTests.pullAll(f, canteen, from: before.cursor)
        #expect(after.ops.map(\.id) == [mark.id, void.id])
    }

    @Test("a void refused when its target arrives is never sent to any device and leaves the target standing")
    func refusedHeldVoidStaysHome() throws {
        let f = try SyncFixture(.scopeWorld)
        let ownTeacher = try f.device(.teacher, ["class:C2"]).scope
        let otherTeacher = try f.device(.teacher, ["class:C1"]).scope
        let reader = try f.device(.teacher, ["class:C2"]).scope
        let mark = OpMaker(device: ownTeacher.deviceId).make(.attendanceMarked(AttendanceMarked(
            beneficiaryId: ScopeWorld.classmateElsewhere, classId: "C2", status: .present, time: nil)))
        let void = OpMaker(device: otherTeacher.deviceId).void(mark.id)
        _ = try f.results(otherTeacher, [void])
        let start = try PullTests.pullAll(f, reader)
        _ = try f.results(ownTeacher, [mark])
        #expect(try f.scalar("SELECT reject_code FROM op WHERE id = ?", [void.id]) as String? == "out_of_scope")
        #expect(try f.scalar("SELECT op_id FROM attendance WHERE beneficiary_id = ?", [ScopeWorld.classmateElsewhere]) as String? == mark.id)
        let after = try PullTests.pullAll(f, reader, from: start.cursor)
        #expect(after.ops.map(\.id) == [mark.id])
    }

    enum Stranger: String, CaseIterable, Sendable {
        case classOneB = "B0106 of S01-1B"
        case otherSchool = "a child of the Montessori school"
    }

    @Test("a teacher of S01-1A marking B0106 of 1B, or a child of another school, absent «in S01-1A» is refused: no «assente ma ha mangiato», not among the sources of the meal charge",
          arguments: Stranger.allCases)
    func strangerMarkedAbsent(_ stranger: Stranger) throws {
        let f = try SyncFixture()
        let child: String, site: String
        switch stranger {
        case .classOneB:
            child = "B0106"
            try #require(f.sample.beneficiaries.first { $0.id == child }?.classId == "S01-1B")
            site = "S01"
        case .otherSchool:
            let montessori = Set(f.children(ofClass: "S02-1A"))
            child = try #require(f.canteenChildren(site: "S02").first { montessori.contains($0.beneficiary) }?.beneficiary)
            site = "S02"
        }
        let service = try #require(f.canteenChildren(site: site).first { $0.beneficiary == child }?.service)
        let teacher = try f.device(.teacher, ["class:S01-1A"]).scope
        let door = try f.device(.canteen, ["site:\(site)"]).scope
        let mark = OpMaker(device: teacher.deviceId).mark(child, classID: "S01-1A", .absent)
        let meal = OpMaker(device: door.deviceId).meal(child, service: service, site: site)
        #expect(try f.results(teacher, [mark]).first?.code == "out_of_scope")
        #expect(try f.results(door, [meal]).first?.status == .applied)
        #expect(try f.scalar("SELECT COUNT(*) FROM conflict WHERE kind = 'absent_but_ate'") as Int? == 0)
        #expect(try f.scalar("SELECT COUNT(*) FROM attendance WHERE beneficiary_id = ?", [child]) as Int? == 0)
        let charges = try f.queue.write { db in
            var notes = ChargeCalculator.Notes()
            return try ChargeCalculator(db).charges(for: try #require(BillingPeriod(year: 2026, month: 10)), notes: &notes,
                                                    raiseConflicts: true, now: SyncFixture.now)
        }
        let charge = try #require(charges.first { $0.beneficiaryId == child && $0.kind == .charge })
        #expect(charge.sourceOps == [meal.id])
        #expect(try f.scalar("SELECT COUNT(*) FROM conflict WHERE beneficiary_id = ?", [child]) as Int? == 0)
    }

    /// The merged facts that name the op.
    static func facts(_ f: SyncFixture, _ id: String) throws -> [String] {
        try f.queue.read { db in
            var found: [String] = []
            for (table, column) in [("attendance", "op_id"), ("justification", "op_id"), ("meal", "op_id"), ("ride", "boarding_op_id"),
                                    ("ride", "alighting_op_id")] {
                if try db.scalar("SELECT 1 FROM \(table) WHERE \(column) = ?", [id]) as Int? != nil { found.append(table) }
            }
            return found
        }
    }

    static func conflicts(_ f: SyncFixture, mentioning id: String) throws -> Int {
        try f.scalar("SELECT COUNT(*) FROM conflict WHERE instr(details, ?) > 0", [id]) ?? 0
    }

    /// The office's alerts of a child left aboard.
    static func alerts(_ f: SyncFixture, child: String) throws -> Int {
        try f.scalar("SELECT COUNT(*) FROM office_alert WHERE kind = 'child_left_aboard' AND subject = ?", [child]) ?? 0
    }

    static func conflicts(_ f: SyncFixture, child: String) throws -> Int {
        try f.scalar("SELECT COUNT(*) FROM conflict WHERE beneficiary_id = ?", [child]) ?? 0
    }

    /// Every op any charge of the month of `date` comes from.
    static func chargedSources(_ f: SyncFixture, _ date: LocalDate) throws -> Set<String> {
        try f.queue.read { db in
            var notes = ChargeCalculator.Notes()
            let period = try #require(BillingPeriod(year: date.year, month: date.month))
            return Set(try ChargeCalculator(db).charges(for: period, notes: &notes, raiseConflicts: false, now: SyncFixture.now)
                .flatMap(\.sourceOps))
        }
    }
}
