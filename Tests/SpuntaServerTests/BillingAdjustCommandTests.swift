import Foundation
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
}
