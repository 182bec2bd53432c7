import Foundation
import Testing
import SpuntaBilling
import SpuntaDelivery
import SpuntaDomain
import SpuntaStore

/// A reminder (sollecito) waits in the outbox until `outbox send`; if the notice is paid in between, the family
/// must not be told it has not paid: the reminder is dropped at send time and the report says so.
@Suite("Reminders paid before they are sent")
struct ReminderAtSendTests {
    /// October issued on 2 November, due the 15th (for `payer`, or everyone), and its reminders queued on the 20th.
    static func remindersQueued(payer: String?) throws -> SmallComune {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        _ = try c.queue.write { db in
            try StatementDesk.issue(db, period: SmallComune.october, payer: payer, dueDate: LocalDate("2026-11-15"), actor: "t",
                                    now: SmallComune.earlyNovember)
        }
        _ = try c.queue.write { try Reminders.run($0, asOf: LocalDate("2026-11-20")!, graceDays: 15, send: true, actor: "t", now: SmallComune.now) }
        return c
    }

    @Test("a queued reminder whose notice was paid meanwhile is dropped at send time, with a line in the report")
    func paidMeanwhile() throws {
        let c = try Self.remindersQueued(payer: nil)
        let statement = try c.statement("PA", SmallComune.october)
        let nav = try #require(statement.noticeNumber)
        let csv = "date;amount;notice;kind;payer;beneficiary;service;method;reference\n2026-11-19;\(Money(cents: statement.totalCents).decimalString);\(nav);notice;;;;pagopa;PSP-1\n"
        let path = c.path("pagamenti.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        _ = try c.queue.write { try PaymentImport.run($0, path: path, actor: "t", now: SmallComune.now) }

        let log = c.path("sent.log")
        var config = MessageSender.Configuration()
        config.emailCommand = "cat >> \(log); echo --- >> \(log)"
        config.smsCommand = "cat >> \(log); echo --- >> \(log)"
        let report = try MessageSender(queue: c.queue, configuration: config, withdrawals: [Reminders.withdrawWhenPaid]).send(now: { SmallComune.now })
        #expect(report.sent == 6, "the reminders of PB, PC and PD, by e-mail and SMS")
        #expect(report.dropped == 2, "PA's e-mail and SMS")
        #expect(report.notes.count == 2)
        let grouped = try NoticeNumber(validating: nav).grouped
        #expect(report.notes.allSatisfy { $0.contains(grouped) })
        #expect(report.italian.contains("pagat"))
        let sent = try String(contentsOfFile: log, encoding: .utf8)
        #expect(!sent.contains("Alfa"), "nothing reached PA")
        let statuses: [String] = try c.queue.read { db in
            try db.fetchAll("SELECT status FROM outbox_message WHERE payer_id = 'PA' AND kind = 'reminder'").map { try $0[0] as String }
        }
        #expect(statuses == ["dropped", "dropped"])
        // A dropped reminder is never sent later, nor put back in the queue.
        let again = try MessageSender(queue: c.queue, configuration: config, withdrawals: [Reminders.withdrawWhenPaid]).send(now: { SmallComune.now.addingTimeInterval(7200) })
        #expect(again.sent == 0)
        #expect(try c.queue.write { try MessageSender.retry($0, id: 1, actor: "t", now: SmallComune.now) } == false)
    }

    @Test("a reminder of a notice only partly paid is still sent")
    func partlyPaid() throws {
        let c = try Self.remindersQueued(payer: "PB")
        let nav = try #require(try c.statement("PB", SmallComune.october).noticeNumber)
        let path = c.path("pagamenti.csv")
        try Data("date;amount;notice;kind;payer;beneficiary;service;method;reference\n2026-11-19;10.00;\(nav);notice;;;;pagopa;PSP-1\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        _ = try c.queue.write { try PaymentImport.run($0, path: path, actor: "t", now: SmallComune.now) }
        var config = MessageSender.Configuration()
        config.emailCommand = "cat > /dev/null"
        config.smsCommand = "cat > /dev/null"
        let report = try MessageSender(queue: c.queue, configuration: config, withdrawals: [Reminders.withdrawWhenPaid]).send(now: { SmallComune.now })
        #expect(report.sent == 2)
        #expect(report.dropped == 0)
    }
}
