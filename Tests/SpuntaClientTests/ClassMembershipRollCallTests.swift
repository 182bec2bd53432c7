import Foundation
import Testing
import SpuntaClient
import SpuntaDomain
import SpuntaTestSupport

/// The roll call follows the dates of class membership the server sends: a child who starts on the 6th is not in
/// the register of the 5th, cannot be marked on it, and is there from the 6th.
@Suite("Roll call with dated class membership")
struct ClassMembershipRollCallTests {
    /// (first day in class, last day in class, day of the roll call) → whether the child is in the register.
    static let cases: [(String?, String?, String, Bool)] = [
        (nil, nil, "2026-10-05", true),
        ("2026-10-06", nil, "2026-10-05", false),
        ("2026-10-06", nil, "2026-10-06", true),
        (nil, "2026-10-02", "2026-10-05", false),
    ]

    @Test("a mid-month start: the child is listed and marked from the first day in class only", arguments: cases)
    func midMonthStart(_ c: (String?, String?, String, Bool)) throws {
        let (from, to, day, listed) = c
        let teacher = try FieldDevice(.teacher)
        let child = try #require(try RollCallTests.children(teacher).first)
        try teacher.queue().write { db in
            try db.run("UPDATE beneficiary SET class_from = ?, class_to = ? WHERE id = ?", [from, to, child])
        }
        let register = try RollCallTests.register(teacher, day)
        #expect((register[child] != nil) == listed)
        let everyone = try RollCallTests.children(teacher).count
        #expect(register.count == everyone - (listed ? 0 : 1))
        let marked = try teacher.spunta(["roll-call", "--class", "S01-1A", "--date", day, "--absent", child])
        #expect((marked.status == 0) == listed, "\(marked.output) \(marked.errors)")
        #expect(try teacher.recordedOps == (listed ? 1 : 0))
        // --rest-present marks only the children in the class that day.
        let rest = try teacher.spunta(["roll-call", "--class", "S01-1A", "--date", day, "--rest-present"])
        #expect(rest.status == 0, "\(rest.errors)")
        #expect(try teacher.recordedOps == everyone - (listed ? 0 : 1))
    }
}
