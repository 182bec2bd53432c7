import Foundation
import SpuntaDomain
import SpuntaStore
import SpuntaTestSupport
import Testing

/// `spunta-server billing adjust` as an operator types it: it changes the statement named and no other, and
/// says in words why it refuses.
@Suite("billing adjust from the command line")
struct BillingAdjustCommandTests {
    /// Number, payer and total of each statement of `period`, in number order.
    static func statements(_ db: String, _ period: String) throws -> [[String]] {
        try DatabaseQueue(path: db).read { db in
            try db.fetchAll("SELECT id, payer_id, total_cents FROM statement WHERE period = ? ORDER BY id", [period])
                .map { [String(try $0[0] as Int), try $0[1] as String, String(try $0[2] as Int)] }
        }
    }

    @Test("a statement number with a payer and a month is refused as ambiguous, whoever's the number is; nothing is adjusted")
    func numberAndPayerTogether() throws {
        let folder = try TemporaryFolder("spunta-billing-adjust")
        let db = try BillingCommandTests.run("2026-10", in: folder)
        let before = try Self.statements(db, "2026-10")
        try #require(before.count >= 2)
        // The number of one family's statement, the name of another's.
        let (number, otherPayer) = (before[1][0], before[0][1])
        let adjust = try ChildProcess("spunta-server", ["billing", "adjust", "--db", db, "--statement", number, "--payer", otherPayer,
                                                        "--period", "2026-10", "--amount", "-1.00", "--reason", "prova"],
                                      environment: BillingCommandTests.twentiethOfNovember)
        #expect(adjust.wait() == 2, "\(adjust.output)")
        #expect(adjust.errors.contains("indicare il rendiconto in un modo solo"), "\(adjust.errors)")
        #expect(try Self.statements(db, "2026-10") == before)

        // Named one way, it is adjusted.
        let alone = try ChildProcess("spunta-server", ["billing", "adjust", "--db", db, "--statement", number, "--amount", "-1.00",
                                                       "--reason", "prova"], environment: BillingCommandTests.twentiethOfNovember)
        #expect(alone.wait() == 0, "\(alone.errors)")
        let after = try Self.statements(db, "2026-10")
        #expect(after[1][2] == String((Int(before[1][2]) ?? 0) - 100))
        #expect(after[0] == before[0])
    }

    @Test("an issued statement is refused with the day it was issued as people write it, not a UTC timestamp")
    func issuedStatement() throws {
        let folder = try TemporaryFolder("spunta-billing-adjust")
        let db = try BillingCommandTests.run("2026-10", in: folder)
        let issue = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10"],
                                     environment: BillingCommandTests.twentiethOfNovember)
        #expect(issue.wait() == 0, "\(issue.errors)")
        let number = try #require(try Self.statements(db, "2026-10").first?[0])
        let adjust = try ChildProcess("spunta-server", ["billing", "adjust", "--db", db, "--statement", number, "--amount", "-1.00",
                                                        "--reason", "prova"], environment: BillingCommandTests.twentiethOfNovember)
        #expect(adjust.wait() == 1)
        #expect(adjust.errors.contains("è stato emesso il 20/11/2026 12:00 ed è bloccato"), "\(adjust.errors)")
        #expect(!adjust.errors.contains("T11:00:00"), "\(adjust.errors)")
    }

    /// The audit trail's adjustments: subject (the statement) and details, in order.
    static func adjustments(_ db: String) throws -> [(subject: String, details: String)] {
        try DatabaseQueue(path: db).read { db in
            try db.fetchAll("SELECT subject, details FROM audit_log WHERE action = 'billing_adjust' ORDER BY id")
                .map { (try $0[0] as String, try $0[1] as String) }
        }
    }

    /// "€ 327,00": cents as the office reads them.
    static func euro(_ cents: Int) -> String { Money(cents: Int64(cents)).italian }

    static func adjust(_ db: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess("spunta-server", ["billing", "adjust", "--db", db] + arguments, environment: BillingCommandTests.twentiethOfNovember)
    }

    @Test("the statement is named by number as billing show takes it, or by --statement for scripts; the reason is in the audit trail")
    func positionalNumber() throws {
        let folder = try TemporaryFolder("spunta-billing-adjust")
        let db = try BillingCommandTests.run("2026-10", in: folder)
        let before = try Self.statements(db, "2026-10")
        try #require(before.count >= 2)
        let positional = try Self.adjust(db, [before[0][0], "--amount", "-1.00", "--reason", "gita scolastica", "--actor", "Maria Rossi"])
        #expect(positional.wait() == 0, "\(positional.errors)")
        let total = (Int(before[0][2]) ?? 0) - 100
        #expect(positional.output.joined(separator: "\n") == "Rendiconto \(before[0][0]) rettificato di -€ 1,00: totale ora \(Self.euro(total)).",
                "\(positional.output)")
        let option = try Self.adjust(db, ["--statement", before[1][0], "--amount", "-2.00", "--reason", "prova"])
        #expect(option.wait() == 0, "\(option.errors)")
        let after = try Self.statements(db, "2026-10")
        #expect(after[0][2] == String(total))
        #expect(after[1][2] == String((Int(before[1][2]) ?? 0) - 200))
        let audit = try Self.adjustments(db)
        #expect(audit.map(\.subject) == [before[0][0], before[1][0]])
        #expect(audit.first?.details.contains("\"reason\":\"gita scolastica\"") == true, "\(audit)")

        // Two different numbers at once: which one is meant is not guessed.
        let both = try Self.adjust(db, [before[0][0], "--statement", before[1][0], "--amount", "-1.00", "--reason", "prova"])
        #expect(both.wait() == 2)
        #expect(both.errors.contains("indicarne uno solo"), "\(both.errors)")
        #expect(try Self.statements(db, "2026-10") == after)
        let help = try ChildProcess("spunta-server", ["billing", "adjust", "--help"])
        #expect(help.wait() == 0)
        let text = help.output.joined(separator: "\n")
        #expect(text.contains("--carry-credit") && text.contains("--large-amount") && text.contains("sotto zero"), "\(text)")
    }

    @Test("an adjustment that would take a statement below zero is refused naming the statement, its total and what to do; nothing changes")
    func belowZeroRefused() throws {
        let folder = try TemporaryFolder("spunta-billing-adjust")
        let db = try BillingCommandTests.run("2026-10", in: folder)
        let before = try Self.statements(db, "2026-10")
        let target = try #require(before.first { (Int($0[2]) ?? 0) > 0 })
        let total = Int(target[2]) ?? 0
        // The operator typed 400 for 4.00, or a credit larger than the bill: ten euro beyond the total.
        let beyond = total + 1_000
        let amount = "-\(beyond / 100).\(String(format: "%02d", beyond % 100))"
        let refused = try Self.adjust(db, [target[0], "--amount", amount, "--reason", "rimborso"])
        #expect(refused.wait() == 1)
        let payer: String = try #require(try DatabaseQueue(path: db).read {
            try $0.scalar("SELECT surname || ' ' || given_name FROM payer WHERE id = ?", [target[1]])
        })
        let message = refused.errors
        #expect(message.contains("Rettifica di \(Self.euro(-beyond)) rifiutata: il rendiconto \(target[0]) di \(payer) (ottobre 2026), "
                                 + "totale \(Self.euro(total)), scenderebbe a -€ 10,00."), "\(message)")
        #expect(message.contains("--amount -\(total / 100).\(String(format: "%02d", total % 100))"), "how to zero it: \(message)")
        #expect(message.contains("--carry-credit") && message.contains("payments refunds") && message.contains("Nulla è stato rettificato"),
                "\(message)")
        #expect(try Self.statements(db, "2026-10") == before)
        #expect(try Self.adjustments(db).isEmpty, "nothing in the audit trail either")

        // Meant: the credit goes to the payer's next statement.
        let meant = try Self.adjust(db, [target[0], "--amount", amount, "--reason", "rimborso", "--carry-credit"])
        #expect(meant.wait() == 0, "\(meant.errors)")
        #expect(meant.output.joined().contains("totale ora -€ 10,00, credito che passa al rendiconto successivo"), "\(meant.output)")
        #expect(try Self.statements(db, "2026-10").first { $0[0] == target[0] }?[2] == "-1000")
        #expect(try Self.adjustments(db).first?.details.contains("\"carry_credit\":true") == true)
    }

    @Test("an increase beyond the statement's total and beyond €50 is refused as unusual unless confirmed; a usual one passes",
          arguments: [(Int64(4_000), false), (Int64(100_000), true)])
    func unusualIncrease(cents: Int64, unusual: Bool) throws {
        let folder = try TemporaryFolder("spunta-billing-adjust")
        let db = try BillingCommandTests.run("2026-10", in: folder)
        let before = try Self.statements(db, "2026-10")
        let target = try #require(before.first { (Int($0[2]) ?? 0) > 0 && (Int($0[2]) ?? 0) < 100_000 })
        let amount = "\(cents / 100).\(String(format: "%02d", Int(cents % 100)))"
        let first = try Self.adjust(db, [target[0], "--amount", amount, "--reason", "quota di settembre"])
        #expect(first.wait() == (unusual ? 1 : 0), "\(first.errors)")
        if unusual {
            #expect(first.errors.contains("Rettifica di \(Self.euro(Int(cents))) rifiutata: il rendiconto \(target[0]) di ")
                    && first.errors.contains("totale \(Self.euro(Int(target[2]) ?? 0)), salirebbe a")
                    && first.errors.contains("--large-amount") && first.errors.contains("Nulla è stato rettificato"), "\(first.errors)")
            #expect(try Self.statements(db, "2026-10") == before)
            let confirmed = try Self.adjust(db, [target[0], "--amount", amount, "--reason", "quota di settembre", "--large-amount"])
            #expect(confirmed.wait() == 0, "\(confirmed.errors)")
        }
        #expect(try Self.statements(db, "2026-10").first { $0[0] == target[0] }?[2] == String((Int(target[2]) ?? 0) + Int(cents)))
    }
}
