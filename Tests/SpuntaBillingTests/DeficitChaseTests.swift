import Foundation
import Testing
import SpuntaBilling
import SpuntaDelivery
import SpuntaDomain
import SpuntaStore

/// Prepaid credit below zero after the month is chased: one reminder, then after the set days one pagoPA notice
/// for the deficit, whose payment goes back to the credit.
@Suite("Prepaid deficits chased")
struct DeficitChaseTests {
    static func day(_ text: String) -> LocalDate { SmallComune.d(text) }

    /// P1 (payer PB, prepaid canteen at €5.00) tops up €10.00 and eats three October meals: −€5.00 after October.
    static func inDeficit() throws -> SmallComune {
        let c = try SmallComune()
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 1000),
                                    date: day("2026-09-30"), method: "pagopa", source: "t", actor: "t", now: SmallComune.now)
        }
        try c.merge(["2026-10-01", "2026-10-02", "2026-10-05"].map { c.meal("P1", $0, service: "MENSA-P") })
        _ = try c.run(SmallComune.october)
        return c
    }

    static func chase(_ c: SmallComune, _ asOf: String, noticeDays: Int = 15) throws -> [DeficitChase.Deficit] {
        try c.queue.write { try DeficitChase.run($0, asOf: day(asOf), noticeDays: noticeDays, send: true, now: SmallComune.now) }
    }

    static func messages(_ c: SmallComune) throws -> [String] {
        try c.queue.read { db in
            try db.fetchAll("SELECT dedup_key FROM outbox_message WHERE dedup_key LIKE 'deficit|%' ORDER BY id")
                .map { try $0[0] as String }
        }
    }

    @Test("a deficit gets one reminder, then after the set days one notice for the deficit, whose payment credits it back")
    func chaseOnce() throws {
        let c = try Self.inDeficit()
        // By hand: €10.00 − 3 × €5.00 = −€5.00.
        let first = try #require(try Self.chase(c, "2026-11-02").only)
        #expect(first.action == "reminded")
        #expect(first.balanceCents == -500)
        #expect(first.queued == 2, "PB chose e-mail and SMS")
        #expect(try Self.chase(c, "2026-11-02").map(\.action) == ["waiting"])
        #expect(try Self.chase(c, "2026-11-16").map(\.action) == ["waiting"], "14 days: not yet")
        #expect(try Self.messages(c) == ["deficit|\(first.id)|reminder|email", "deficit|\(first.id)|reminder|sms"])

        let noticed = try #require(try Self.chase(c, "2026-11-17").only)
        #expect(noticed.action == "notice")
        #expect(noticed.noticeCents == 500)
        let nav = try #require(noticed.noticeNumber)
        let notice = try NoticeNumber(validating: nav)
        let qr: String? = try c.queue.read { try $0.scalar("SELECT qr_payload FROM prepaid_deficit WHERE id = ?", [noticed.id]) }
        #expect(qr == "PAGOPA|002|\(notice.value)|\(c.data.municipality?.fiscalCode ?? "")|500")
        #expect(try Self.chase(c, "2026-11-30").map(\.action) == ["noticed"])
        #expect(try Self.messages(c).count == 4)
        #expect(try Self.messages(c).suffix(2) == ["deficit|\(first.id)|notice|email", "deficit|\(first.id)|notice|sms"])

        // Paid with pagoPA: the €5.00 go to the credit, which is back at zero, and the deficit is closed.
        let csv = c.path("pagamenti.csv")
        try Data("date;amount;notice;kind;payer;beneficiary;service;method;reference\n2026-11-20;5.00;\(nav);notice;;;;pagopa;R1\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        let report = try c.queue.write { try PaymentImport.run($0, path: csv, actor: "t", now: SmallComune.now) }
        #expect(report.lines.map(\.outcome) == ["paid"])
        #expect(try c.queue.read { try PrepaidLedger.balances($0, belowOnly: false) }.first { $0.beneficiaryId == "P1" }?.balanceCents == 0)
        #expect(try Self.chase(c, "2026-11-21").map(\.action) == ["closed"])
        #expect(try Self.chase(c, "2026-11-22").isEmpty)
        // The payment by pagoPA is a traceable top-up of the year, as the tax statement counts it.
        let traceable: Int64? = try c.queue.read {
            try $0.scalar("SELECT SUM(amount_cents) FROM prepaid_movement WHERE kind = 'topup' AND traceable = 1 AND beneficiary_id = 'P1'")
        }
        #expect(traceable == 1500)

        // The credit goes below zero again: a new deficit, reminded once more.
        try c.merge([c.meal("P1", "2026-11-02", service: "MENSA-P")])
        _ = try c.run(SmallComune.november)
        let again = try #require(try Self.chase(c, "2026-11-23").only)
        #expect(again.action == "reminded")
        #expect(again.id != first.id)
        #expect(again.balanceCents == -500)
    }

    @Test("the notice comes the set number of days after the reminder, not before", arguments: [
        (15, "2026-11-16", "waiting"), (15, "2026-11-17", "notice"), (5, "2026-11-06", "waiting"), (5, "2026-11-07", "notice"),
        (0, "2026-11-02", "notice"),
    ])
    func noticeDays(days: Int, asOf: String, action: String) throws {
        let c = try Self.inDeficit()
        _ = try Self.chase(c, "2026-11-02", noticeDays: days)
        let deficits = try Self.chase(c, asOf, noticeDays: days)
        #expect(deficits.map(\.action) == [action])
    }

    @Test("a deficit's reminder waiting in the outbox is not sent once the family has topped up")
    func toppedUpBeforeSending() throws {
        let c = try Self.inDeficit()
        _ = try Self.chase(c, "2026-11-02")
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 1000),
                                    date: Self.day("2026-11-03"), method: "bank", source: "t", actor: "t", now: SmallComune.now)
        }
        var config = MessageSender.Configuration()
        config.emailCommand = "cat > /dev/null"
        config.smsCommand = "cat > /dev/null"
        let report = try MessageSender(queue: c.queue, configuration: config, withdrawals: [DeficitChase.withdrawWhenCovered])
            .send(now: { SmallComune.now })
        #expect(report.dropped == 2, "the deficit reminder by e-mail and SMS")
        #expect(report.notes.allSatisfy { $0.contains("credito negativo") })
        let statuses: [String] = try c.queue.read { db in
            try db.fetchAll("SELECT status FROM outbox_message WHERE dedup_key LIKE 'deficit|%'").map { try $0[0] as String }
        }
        #expect(statuses == ["dropped", "dropped"])
        // By hand: −€5.00 + €10.00 = €5.00: the deficit is closed at the next round, and no notice ever comes.
        #expect(try Self.chase(c, "2026-11-30").map(\.action) == ["closed"])
        #expect(try Self.chase(c, "2026-12-30").isEmpty)
    }

    @Test("listing only changes nothing")
    func listOnly() throws {
        let c = try Self.inDeficit()
        let listed = try c.queue.write { try DeficitChase.run($0, asOf: Self.day("2026-11-02"), noticeDays: 15, send: false, now: SmallComune.now) }
        #expect(listed.map(\.action) == ["reminded"])
        #expect(try Self.messages(c).isEmpty)
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM prepaid_deficit") as Int? } == 0)
    }
}

extension Array {
    /// The one element of a list that must have exactly one.
    var only: Element? { count == 1 ? first : nil }
}
