import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Billing follows the service's charge basis on the days of an absence period: the register holds the child
/// absent, so a register-based meal is not charged; a scan is a fact, charged and flagged for the office.
@Suite("Absence periods in billing")
struct AbsencePeriodBillingTests {
    static func period(_ c: SmallComune, _ child: String, from: String, to: String) -> Op {
        c.op("2026-10-02", .absencePeriodRecorded(AbsencePeriod(beneficiaryId: child, classId: "C1", fromDate: SmallComune.d(from),
                                                               toDate: SmallComune.d(to), reason: "influenza")))
    }

    @Test("register basis: the days of a period are not charged, the day after is; scan basis: a meal scanned in a period is charged and raises absent_but_ate")
    func periodDays() throws {
        let c = try SmallComune()
        try c.merge([Self.period(c, "B1", from: "2026-10-05", to: "2026-10-07"), Self.period(c, "A1", from: "2026-10-05", to: "2026-10-05"),
                     c.meal("A1", "2026-10-05")])
        _ = try c.run(SmallComune.october)
        for day in ["2026-10-05", "2026-10-06", "2026-10-07"] {
            #expect(try c.billed("meal|B1|MENSA-R|\(day)") == 0, "\(day)")
        }
        #expect(try c.billed("meal|B1|MENSA-R|2026-10-08") > 0)
        #expect(try c.billed("meal|A1|MENSA-S|2026-10-05") > 0)
        let conflict: Int? = try c.queue.read {
            try $0.scalar("SELECT COUNT(*) FROM conflict WHERE kind = 'absent_but_ate' AND subject = 'A1|2026-10-05' AND status = 'open'")
        }
        #expect(conflict == 1)
    }
}
