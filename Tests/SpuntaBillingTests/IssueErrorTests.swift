import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaStore

/// Issuing with a Comune whose pagoPA configuration is wrong (a database edited by hand or restored from an
/// older version) is an error that says what to fix — never a crash — and issues nothing.
@Suite("Issuing with a bad pagoPA configuration")
struct IssueErrorTests {
    @Test("a bad segregation code or creditor codice fiscale is a clear error and nothing is issued", arguments: [
        ("segregation_code", "7", "invalid_segregation_code"), ("segregation_code", "AB", "invalid_segregation_code"),
        ("segregation_code", "123", "invalid_segregation_code"), ("fiscal_code", "12345678901", "invalid_creditor_fiscal_code"),
        ("fiscal_code", "", "invalid_creditor_fiscal_code"), ("fiscal_code", "8000000000X", "invalid_creditor_fiscal_code"),
    ])
    func badConfiguration(column: String, value: String, code: String) throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        try c.queue.write { db in try db.run("UPDATE municipality SET \(column) = ?", [value]) }
        do {
            try c.issue(SmallComune.october)
            Issue.record("issuing must be refused")
        } catch let error as BillingError {
            #expect(error.code == code)
            #expect(error.userMessage.contains("«\(value)»"))
        }
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM statement WHERE status = 'issued'") as Int? } == 0)
        #expect(try c.queue.read { try $0.scalar("SELECT value FROM server_meta WHERE key = 'iuv_next'") as String? } == nil)
    }

    @Test("a notice counter that is not a number of at most thirteen digits is a clear error", arguments: ["abc", "0", "-5", "10000000000000"])
    func badCounter(value: String) throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        try c.queue.write { db in try db.run("INSERT INTO server_meta (key, value) VALUES ('iuv_next', ?)", [value]) }
        #expect(throws: BillingError.invalidNoticeCounter(value)) { try c.issue(SmallComune.october) }
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM statement WHERE status = 'issued'") as Int? } == 0)
    }

    @Test("a due date before the issue date is refused in Italian and nothing is issued", arguments: ["2026-11-19", "2026-10-31"])
    func dueDateBeforeIssue(due: String) throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        do {
            _ = try c.queue.write { db in
                try StatementDesk.issue(db, period: SmallComune.october, payer: nil, dueDate: LocalDate(due), actor: "t", now: SmallComune.now)
            }
            Issue.record("a notice due before it is issued must be refused")
        } catch let error as BillingError {
            #expect(error.code == "due_date_before_issue")
            #expect(error.userMessage.contains(LocalDate(due)!.italian))
            #expect(error.userMessage.contains("20/11/2026"))
        }
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM statement WHERE status = 'issued'") as Int? } == 0)
    }

    @Test("a due date on the issue day or later is accepted; the default is thirty days after the issue day, past a Sunday")
    func dueDateAccepted() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        _ = try c.queue.write { db in
            try StatementDesk.issue(db, period: SmallComune.october, payer: "PA", dueDate: LocalDate("2026-11-20"), actor: "t", now: SmallComune.now)
        }
        #expect(try c.statement("PA", SmallComune.october).dueDate == "2026-11-20")
        try c.issue(SmallComune.october)
        // 20 November + 30 days is Sunday 20 December: the notice falls due on Monday the 21st.
        #expect(try c.statement("PB", SmallComune.october).dueDate == "2026-12-21")
    }

    @Test("issued on 2 December, the default due date skips New Year's Day and falls on Saturday 2 January")
    func dueDateAfterHoliday() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        let second = BusinessCalendar.instant(date: try #require(LocalDate("2026-12-02")), time: try #require(LocalTime(hour: 9, minute: 0)))
        _ = try c.queue.write { db in
            try StatementDesk.issue(db, period: SmallComune.october, payer: nil, dueDate: nil, actor: "t", now: second)
        }
        #expect(try c.statement("PA", SmallComune.october).dueDate == "2027-01-02")
    }
}
