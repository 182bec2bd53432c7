import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
import SpuntaSync

/// Billing waits for a fact whose day is in doubt (its device's clock was wrong) until an operator says which day.
@Suite("Billing held by a wrong clock")
struct ClockHoldTests {
    /// Flags `op` as the merge does when its device's clock was wrong: recorded on its date, likely on `likely`.
    static func flag(_ c: SmallComune, _ op: Op, likely: String) throws -> Int64 {
        try c.queue.write { db in
            try ConflictStore.raise(db, kind: .clockSkew, subject: op.id, beneficiary: op.body.beneficiaryId, date: op.businessDate, details: [
                "op_id": op.id, "op_type": op.type.rawValue, "device_id": op.deviceId, "recorded_date": op.businessDate.description,
                "likely_date": likely,
            ], at: SmallComune.now)
            return try #require(try db.scalar("SELECT id FROM conflict WHERE subject = ?", [op.id]) as Int64?)
        }
    }

    static func confirm(_ c: SmallComune, _ id: Int64, _ date: String) throws {
        try c.queue.write { db in
            try AdminQueries.resolve(db, id: id, note: "verificato", setStatus: nil, setDate: LocalDate(date), actor: "t", now: SmallComune.now)
        }
    }

    @Test("the payer's statements of the recorded and the likely month stay drafts while the conflict is open; the others are issued")
    func postpaidHeld() throws {
        let c = try SmallComune()
        // A1 (payer PA) and C1 (payer PC) eat in October; a door a few days ahead dated one of A1's meals 02/11.
        let doubtful = c.meal("A1", "2026-11-02")
        try c.merge([c.meal("A1", "2026-10-05"), c.meal("C1", "2026-10-05"), doubtful])
        let conflict = try Self.flag(c, doubtful, likely: "2026-10-30")
        #expect(try c.run(SmallComune.october).heldStatements == 1)
        #expect(try c.run(SmallComune.november).heldStatements == 1)

        let holds = try c.queue.read { try BillingHolds.statements($0, period: SmallComune.october, payer: nil) }
        #expect(holds.map(\.payerId) == ["PA"])
        #expect(holds.first?.reason.contains("02/11/2026") == true && holds.first?.reason.contains("30/10/2026") == true)
        #expect(holds.first?.reason.contains("conflicts resolve \(conflict)") == true)
        try c.issue(SmallComune.october)
        #expect(try c.statement("PA", SmallComune.october).status == "draft")
        #expect(try c.statement("PC", SmallComune.october).status == "issued")
        // Only the held statement is left: nothing is issued, and the error says why.
        #expect(throws: BillingError.self) { try c.issue(SmallComune.october) }
        #expect(throws: BillingError.statementsHeld("2026-10", holds.map(\.hint))) { try c.issue(SmallComune.october, payer: "PA") }

        // A month the fact has nothing to do with is not held.
        #expect(try c.queue.read { try BillingHolds.statements($0, period: BillingPeriod(year: 2026, month: 12)!, payer: nil) }.isEmpty)

        try Self.confirm(c, conflict, "2026-11-02")
        try c.issue(SmallComune.october)
        #expect(try c.statement("PA", SmallComune.october).status == "issued")
        #expect(try c.queue.read { try BillingHolds.statements($0, period: SmallComune.november, payer: nil) }.isEmpty)
    }

    @Test("a prepaid meal of doubtful day is not debited until the conflict is settled, then once")
    func prepaidHeld() throws {
        let c = try SmallComune()
        let doubtful = c.meal("P1", "2026-10-06", service: "MENSA-P")
        try c.merge([c.meal("P1", "2026-10-05", service: "MENSA-P"), doubtful])
        let conflict = try Self.flag(c, doubtful, likely: "2026-10-05")
        let first = try c.run(SmallComune.october)
        #expect(first.prepaidHeld == 1)
        #expect(first.prepaidDebits == 1)
        func balance() throws -> Int64? {
            try c.queue.read { try PrepaidLedger.balances($0, belowOnly: false) }.first { $0.beneficiaryId == "P1" }?.balanceCents
        }
        #expect(try balance() == -500)
        // Running again while it waits changes nothing.
        #expect(try c.run(SmallComune.october).prepaidDebits == 0)
        #expect(try balance() == -500)
        try Self.confirm(c, conflict, "2026-10-06")
        let after = try c.run(SmallComune.october)
        #expect(after.prepaidHeld == 0)
        #expect(after.prepaidDebits == 1)
        #expect(try balance() == -1000)
    }
}
