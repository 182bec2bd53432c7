import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Basis `both`: the scan is the fact that is charged; the register and the scans disagreeing, either way, is a
/// `register_scan_mismatch` conflict, which the next run settles once the facts agree.
@Suite("Register and scans disagree (basis both)")
struct RegisterScanTests {
    static let subject = "G1|MENSA-B|2026-10-05"

    static func isOpen(_ c: SmallComune) throws -> Bool {
        try c.queue.read {
            try $0.scalar("SELECT 1 FROM conflict WHERE kind = 'register_scan_mismatch' AND subject = ? AND status = 'open'", [subject]) ?? false
        }
    }

    static func charged(_ c: SmallComune, _ period: BillingPeriod = SmallComune.october) throws -> [String] {
        try c.queue.read { db in
            try db.fetchAll("""
                SELECT l.charge_date FROM statement_line l JOIN statement s ON s.id = l.statement_id
                WHERE s.payer_id = 'PE' AND s.period = ? AND l.service_id = 'MENSA-B' AND l.amount_cents > 0
                """, [period.description]).map { try $0[0] as String }
        }
    }

    @Test("present at the roll call but never scanned: a conflict, not charged; a late scan is charged and settles it")
    func presentWithoutScan() throws {
        let c = try SmallComune(customize: SmallComune.withEpsilon)
        try c.merge([c.mark("G1", "2026-10-05", .present)])
        let report = try c.run(SmallComune.october)
        #expect(try Self.isOpen(c))
        #expect(report.registerScanMismatches == 1)
        #expect(try Self.charged(c).isEmpty)
        try c.merge([c.meal("G1", "2026-10-05", service: "MENSA-B")])
        _ = try c.run(SmallComune.october)
        #expect(try !Self.isOpen(c))
        #expect(try Self.charged(c) == ["2026-10-05"])
    }

    @Test("scanned but out before the cut-off or in after it: a conflict, and the scan is charged", arguments: [
        (AttendanceStatus.earlyExit, "09:00"), (.earlyExit, "09:30"), (.lateEntry, "10:00"),
    ])
    func scannedButNotBooked(status: AttendanceStatus, time: String?) throws {
        let c = try SmallComune(customize: SmallComune.withEpsilon)
        try c.merge([c.mark("G1", "2026-10-05", status, at: time), c.meal("G1", "2026-10-05", service: "MENSA-B")])
        let report = try c.run(SmallComune.october)
        #expect(try Self.isOpen(c))
        #expect(report.scannedButNotBooked == 1)
        #expect(report.registerScanMismatches == 0)
        #expect(try Self.charged(c) == ["2026-10-05"])
        let details: String = try c.queue.read {
            try $0.scalar("SELECT details FROM conflict WHERE kind = 'register_scan_mismatch' AND subject = ?", [Self.subject]) ?? ""
        }
        #expect(details.contains("meal_op_id"))
    }

    @Test("scanned but marked absent: one conflict only, the merge's absent_but_ate, and the scan is charged")
    func scannedButAbsent() throws {
        let c = try SmallComune(customize: SmallComune.withEpsilon)
        try c.merge([c.mark("G1", "2026-10-05", .absent), c.meal("G1", "2026-10-05", service: "MENSA-B")])
        let report = try c.run(SmallComune.october)
        #expect(try !Self.isOpen(c))
        #expect(report.scannedButNotBooked == 0)
        let kinds: [String] = try c.queue.read { db in
            try db.fetchAll("SELECT kind FROM conflict WHERE status = 'open' AND beneficiary_id = 'G1' AND business_date = '2026-10-05'")
                .map { try $0[0] as String }
        }
        #expect(kinds == ["absent_but_ate"])
        #expect(try Self.charged(c) == ["2026-10-05"])
    }

    @Test("out after the cut-off or in before it agrees with the scan: no conflict", arguments: [
        (AttendanceStatus.present, String?.none), (.earlyExit, "11:00"), (.lateEntry, "09:15"),
    ])
    func agreeing(status: AttendanceStatus, time: String?) throws {
        let c = try SmallComune(customize: SmallComune.withEpsilon)
        try c.merge([c.mark("G1", "2026-10-05", status, at: time), c.meal("G1", "2026-10-05", service: "MENSA-B")])
        _ = try c.run(SmallComune.october)
        #expect(try !Self.isOpen(c))
        #expect(try Self.charged(c) == ["2026-10-05"])
    }

    @Test("a register corrected afterwards settles the conflict at the next run, in both directions")
    func registerCorrected() throws {
        let c = try SmallComune(customize: SmallComune.withEpsilon)
        // Scanned but marked out before the cut-off; the teacher then marks the child present.
        try c.merge([c.mark("G1", "2026-10-05", .earlyExit, at: "09:00"), c.meal("G1", "2026-10-05", service: "MENSA-B")])
        _ = try c.run(SmallComune.october)
        #expect(try Self.isOpen(c))
        try c.merge([c.mark("G1", "2026-10-05", .present)])
        _ = try c.run(SmallComune.october)
        #expect(try !Self.isOpen(c))
        // Present without a scan; the teacher then corrects the mark to absent: the register and the canteen agree.
        let other = "G1|MENSA-B|2026-10-06"
        try c.merge([c.mark("G1", "2026-10-06", .present)])
        _ = try c.run(SmallComune.october)
        #expect(try c.queue.read { try $0.scalar("SELECT 1 FROM conflict WHERE subject = ? AND status = 'open'", [other]) ?? false })
        try c.merge([c.mark("G1", "2026-10-06", .absent)])
        _ = try c.run(SmallComune.october)
        #expect(try !c.queue.read { try $0.scalar("SELECT 1 FROM conflict WHERE subject = ? AND status = 'open'", [other]) ?? false })
    }

    @Test("a late scan of an issued month settles the conflict at the next month's run and is billed as conguaglio")
    func lateScanAfterIssue() throws {
        let c = try SmallComune(customize: SmallComune.withEpsilon)
        try c.merge([c.mark("G1", "2026-10-05", .present), c.meal("G1", "2026-10-06", service: "MENSA-B")])
        _ = try c.run(SmallComune.october)
        try c.issue(SmallComune.october)
        #expect(try Self.isOpen(c))
        try c.merge([c.meal("G1", "2026-10-05", service: "MENSA-B")])
        _ = try c.run(SmallComune.november)
        #expect(try !Self.isOpen(c))
        let november = try c.statement("PE", SmallComune.november)
        #expect(november.lines.contains { $0.kind == "conguaglio" && $0.chargeKey == "meal|G1|MENSA-B|2026-10-05" && $0.amountCents == 500 })
    }
}
