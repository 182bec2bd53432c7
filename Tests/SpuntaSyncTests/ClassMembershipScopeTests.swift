import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore
@testable import SpuntaSync

/// A child is in the register only between the dates of their class membership: a mark or a justification for a
/// day before the first one (or after the last) is refused like one for a child of another class.
@Suite("Dated class membership in the push checks")
struct ClassMembershipScopeTests {
    /// (first day in class, last day in class, day of the mark) → refusal code, nil when applied.
    static let cases: [(String?, String?, String, String?)] = [
        (nil, nil, "2026-11-02", nil),
        ("2026-11-16", nil, "2026-11-02", "out_of_scope"),
        ("2026-11-16", nil, "2026-11-13", "out_of_scope"),
        ("2026-11-16", nil, "2026-11-16", nil),
        (nil, "2026-11-13", "2026-11-13", nil),
        (nil, "2026-11-13", "2026-11-16", "out_of_scope"),
        // Dates outside the school year are bounded by it: a mark before the year stays refused.
        ("2026-09-01", nil, "2026-09-07", "out_of_scope"),
    ]

    @Test("a child who starts mid-month is in the register from that day only, whether the master data is read before the write or by it",
          arguments: cases, [false, true])
    func midMonthStart(_ c: (String?, String?, String, String?), readsBeforehand: Bool) throws {
        let (from, to, day, code) = c
        let f = try SyncFixture(.scopeWorld)
        f.readsBeforehand = readsBeforehand
        try f.queue.write { db in
            try db.run("UPDATE beneficiary SET class_from = ?, class_to = ? WHERE id = ?", [from, to, ScopeWorld.own])
        }
        let teacher = try f.device(.teacher, ["class:C1"]).scope
        let date = ScopeWorld.d(day)
        let maker = OpMaker(device: teacher.deviceId, date: date)
        let mark = maker.make(.attendanceMarked(AttendanceMarked(beneficiaryId: ScopeWorld.own, classId: "C1", status: .absent, time: nil)))
        let justification = maker.make(.absenceJustified(AbsenceJustified(
            beneficiaryId: ScopeWorld.own, classId: "C1", absenceDate: date, reason: "visita medica")))
        let results = try f.results(teacher, [mark, justification])
        #expect(results.map(\.code) == [code, code])
        #expect(try f.scalar("SELECT COUNT(*) FROM attendance WHERE op_id = ?", [mark.id]) as Int? == (code == nil ? 1 : 0))
    }

    /// (first day in class, last day in class, first and last day of the period) → refusal code, nil when applied.
    static let periods: [(String?, String?, String, String, String?)] = [
        ("2026-11-16", nil, "2026-11-16", "2026-11-20", nil),
        ("2026-11-16", nil, "2026-11-12", "2026-11-18", "out_of_scope"),
        (nil, "2026-11-13", "2026-11-09", "2026-11-13", nil),
        (nil, "2026-11-13", "2026-11-11", "2026-11-17", "out_of_scope"),
        ("2026-11-16", "2026-11-20", "2026-11-12", "2026-11-24", "out_of_scope"),
    ]

    @Test("an absence period is taken only when the child is in the class on its first and on its last day, whether the master data is read before the write or by it",
          arguments: periods, [false, true])
    func periodWithinMembership(_ c: (String?, String?, String, String, String?), readsBeforehand: Bool) throws {
        let (from, to, first, last, code) = c
        let f = try SyncFixture(.scopeWorld)
        f.readsBeforehand = readsBeforehand
        try f.queue.write { db in
            try db.run("UPDATE beneficiary SET class_from = ?, class_to = ? WHERE id = ?", [from, to, ScopeWorld.own])
        }
        let teacher = try f.device(.teacher, ["class:C1"]).scope
        let period = OpMaker(device: teacher.deviceId, date: ScopeWorld.d(first)).make(.absencePeriodRecorded(AbsencePeriod(
            beneficiaryId: ScopeWorld.own, classId: "C1", fromDate: ScopeWorld.d(first), toDate: ScopeWorld.d(last), reason: "influenza")))
        #expect(try f.results(teacher, [period]).map(\.code) == [code])
        // Each school day of an accepted period stands in the register as an absence; a refused one leaves no trace there.
        let absences: Int? = try f.scalar("SELECT COUNT(*) FROM attendance WHERE op_id = ?", [period.id])
        #expect(code == nil ? (absences ?? 0) > 0 : absences == 0)
    }
}
