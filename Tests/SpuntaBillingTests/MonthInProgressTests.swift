import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaStore

/// Billing a month that is still running: only days that have happened are charged, and its notices go out
/// only when the operator says so explicitly.
@Suite("Billing the month in progress")
struct MonthInProgressTests {
    static func at(_ date: String, _ time: String) -> Date {
        BusinessCalendar.instant(date: LocalDate(date)!, time: LocalTime(time)!)
    }

    /// The small Comune with November run at `date` `time`.
    static func november(runAt date: String, _ time: String) throws -> (SmallComune, Date) {
        let c = try SmallComune()
        let now = at(date, time)
        _ = try c.queue.write { try BillingRun.run($0, period: SmallComune.november, actor: "t", now: now) }
        return (c, now)
    }

    static func registerMeals(_ c: SmallComune, _ period: BillingPeriod) throws -> [String] {
        try c.queue.read { db in
            try db.fetchAll("""
                SELECT l.charge_date FROM statement_line l JOIN statement s ON s.id = l.statement_id
                WHERE s.payer_id = 'PB' AND s.period = ? AND l.service_id = 'MENSA-R' ORDER BY l.charge_date
                """, [period.description]).map { try $0[0] as String }
        }
    }

    /// B1 eats at MENSA-R, booked by the register (cut-off 09:30) whether or not a roll call was taken. November
    /// 2026 up to Friday 20 has 15 school days (2–6, 9–13, 16–20); the whole month has 21.
    @Test("register-based meals are charged up to today only, today once its cut-off has passed", arguments: [
        ("2026-11-20", "09:00", 14, "2026-11-19"), ("2026-11-20", "09:31", 15, "2026-11-20"), ("2026-11-20", "18:00", 15, "2026-11-20"),
        ("2026-11-22", "10:00", 15, "2026-11-20"), ("2026-12-01", "08:00", 21, "2026-11-30"),
    ])
    func registerUpToToday(date: String, time: String, count: Int, last: String) throws {
        let (c, _) = try Self.november(runAt: date, time)
        let meals = try Self.registerMeals(c, SmallComune.november)
        #expect(meals.count == count)
        #expect(meals.last == last)
    }

    @Test("a prepaid position is never debited for a day that has not happened yet")
    func prepaidNotDebitedAhead() throws {
        let c = try SmallComune { data in
            // The prepaid canteen booked by the register: every school day is a meal unless the register says otherwise.
            if let index = data.services.firstIndex(where: { $0.id == "MENSA-P" }) {
                data.services[index].chargeBasis = .register
                data.services[index].cutoff = LocalTime(hour: 9, minute: 30)
            }
        }
        _ = try c.queue.write { try BillingRun.run($0, period: SmallComune.november, actor: "t", now: Self.at("2026-11-04", "12:00")) }
        let debited: [String] = try c.queue.read { db in
            try db.fetchAll("SELECT movement_date FROM prepaid_movement WHERE kind = 'debit' ORDER BY movement_date").map { try $0[0] as String }
        }
        #expect(debited == ["2026-11-02", "2026-11-03", "2026-11-04"])
    }

    @Test("issuing a month that has not ended is refused, says why in Italian, and issues nothing")
    func issueBeforeMonthEndRefused() throws {
        let (c, now) = try Self.november(runAt: "2026-11-20", "12:00")
        do {
            _ = try c.queue.write { db in
                try StatementDesk.issue(db, period: SmallComune.november, payer: nil, dueDate: nil, actor: "t", now: now)
            }
            Issue.record("issuing November on 20 November must be refused")
        } catch let error as BillingError {
            #expect(error.code == "month_not_ended")
            #expect(error.userMessage.contains("novembre 2026"))
            #expect(error.userMessage.contains("--before-month-end"))
        }
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM statement WHERE status = 'issued'") as Int? } == 0)
        #expect(try c.queue.read { try $0.scalar("SELECT value FROM server_meta WHERE key = 'iuv_next'") as String? } == nil)
    }

    @Test("with the explicit option the month in progress is issued, and only what has happened is on it")
    func issueBeforeMonthEndAllowed() throws {
        let (c, now) = try Self.november(runAt: "2026-11-20", "12:00")
        let issued = try c.queue.write { db in
            try StatementDesk.issue(db, period: SmallComune.november, payer: "PB", dueDate: nil, beforeMonthEnd: true, actor: "t", now: now)
        }
        #expect(issued.count == 1)
        #expect(try Self.registerMeals(c, SmallComune.november).allSatisfy { $0 <= "2026-11-20" })
        // The rest of November, billed later, goes to December's statement as conguaglio: never lost, never twice.
        let later = Self.at("2026-12-02", "10:00")
        _ = try c.queue.write { try BillingRun.run($0, period: SmallComune.december, actor: "t", now: later) }
        let december = try c.statement("PB", SmallComune.december)
        let conguagli = december.lines.filter { $0.kind == "conguaglio" && $0.serviceId == "MENSA-R" }
        #expect(conguagli.count == 6, "23–27 and 30 November")
        #expect(conguagli.allSatisfy { ($0.date ?? "") > "2026-11-20" && ($0.date ?? "") <= "2026-11-30" })
        #expect(conguagli.allSatisfy { $0.description.contains("giorno successivo all'emissione di novembre 2026, avvenuta il 20/11/2026") })
    }

    @Test("a month that has ended is issued without the option")
    func issueAfterMonthEnd() throws {
        let (c, now) = try Self.november(runAt: "2026-12-01", "00:05")
        let issued = try c.queue.write { db in
            try StatementDesk.issue(db, period: SmallComune.november, payer: nil, dueDate: nil, actor: "t", now: now)
        }
        #expect(!issued.isEmpty)
    }
}
