import Foundation
import SpuntaServerStore
import SpuntaStore
import SpuntaTestSupport
import Testing

/// `spunta-server outbox send` run by cron every minute: a sending command that cannot run must not look like a quiet
/// minute with nothing to send.
@Suite("Outbox sending that fails")
struct OutboxSendFailureTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = try ChildProcess("spunta-server", arguments)
        let status = process.wait()
        return (status, process.output.joined(separator: "\n"), process.errors)
    }

    /// An archive with two e-mails queued: a deficit's pagoPA notice and a reminder.
    static func archive(_ folder: TemporaryFolder) throws -> String {
        let db = folder.path("comune.sqlite")
        try SampleDatabase.copySample(to: db)
        try DatabaseQueue(path: db).write { db in
            for (key, kind) in [("deficit|1|notice", "deficit_notice"), ("reminder|1|1", "reminder")] {
                _ = try MessageQueue.enqueue(db, key: key, kind: kind, channel: .email, recipient: "famiglia@example.it",
                                             subject: "Avviso", body: "Testo", payer: nil, now: Date())
            }
        }
        return db
    }

    @Test("a sendmail that does not exist: the summary counts the failures and says why and what to do, and the status is not 0")
    func missingSendmail() throws {
        let folder = try TemporaryFolder("spunta-outbox-fail")
        let db = try Self.archive(folder)
        let missing = folder.path("manca/sendmail")
        let sent = try Self.run(["outbox", "send", "--db", db, "--sendmail", "\(missing) -t"])
        #expect(sent.status == 1, "\(sent.output)\n\(sent.errors)")
        #expect(sent.output.contains("Messaggi inviati: 0."), "\(sent.output)")
        #expect(sent.output.contains("Non inviati: 2"), "\(sent.output)")
        #expect(sent.errors.contains("comando non trovato"), "\(sent.errors)")
        #expect(sent.errors.contains("--sendmail"), "what to do: \(sent.errors)")
        #expect(sent.errors.contains("2 messaggi non consegnati in questo invio"), "\(sent.errors)")
        // Both stay queued for the next attempt.
        let pending: Int? = try DatabaseQueue(path: db).read { try $0.scalar("SELECT COUNT(*) FROM outbox_message WHERE status = 'pending'") }
        #expect(pending == 2)

        let json = try Self.run(["outbox", "send", "--db", db, "--sendmail", "\(missing) -t", "--json"])
        #expect(json.status == 0, "nothing due yet (the next attempt waits a minute): \(json.errors)")

    }

    @Test("the outbox listing names every kind of message in Italian, a deficit's pagoPA notice included")
    func kindsInItalian() throws {
        let folder = try TemporaryFolder("spunta-outbox-kinds")
        let db = try Self.archive(folder)
        let list = try Self.run(["outbox", "list", "--db", db])
        #expect(list.status == 0)
        #expect(!list.output.contains("deficit_notice"), "\(list.output)")
        #expect(list.output.contains("avviso pagoPA per credito negativo"), "\(list.output)")
        #expect(list.output.contains("sollecito"), "\(list.output)")
    }
}
