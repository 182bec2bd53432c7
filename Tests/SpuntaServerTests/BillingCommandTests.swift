import Foundation
import SpuntaStore
import SpuntaTestSupport
import Testing

/// `spunta-server billing issue` as an operator types it, on the sample Comune, with the office's date fixed by
/// `SPUNTA_NOW` as the demo fixes it.
@Suite("billing issue from the command line")
struct BillingCommandTests {
    static let twentiethOfNovember = ["SPUNTA_NOW": "2026-11-20T12:00:00+01:00"]

    /// The sample Comune imported — its canteen MENSA booked by the register, as many Comuni do — and `period` run
    /// on 20 November.
    static func run(_ period: String, in folder: TemporaryFolder) throws -> String {
        let db = folder.path("comune.sqlite"), sample = folder.path("comune.xml")
        #expect(try ChildProcess("spunta-server", ["sample", "--output", sample]).wait() == 0)
        let xml = try String(contentsOfFile: sample, encoding: .utf8)
        let canteen = #"<service id="MENSA" kind="canteen" name="Mensa scolastica" billing="postpaid" basis="both""#
        #expect(xml.contains(canteen))
        try xml.replacingOccurrences(of: canteen, with: canteen.replacingOccurrences(of: #"basis="both""#, with: #"basis="register""#))
            .write(toFile: sample, atomically: true, encoding: .utf8)
        #expect(try ChildProcess("spunta-server", ["import", "--db", db, sample]).wait() == 0)
        let run = try ChildProcess("spunta-server", ["billing", "run", "--db", db, "--period", period, "--json"],
                                   environment: twentiethOfNovember)
        #expect(run.wait(seconds: 60) == 0, "\(run.errors)")
        return db
    }

    @Test("issuing the month in progress is refused with the reason and the option to name; with the option it goes out")
    func monthInProgress() throws {
        let folder = try TemporaryFolder("spunta-billing-cli")
        let db = try Self.run("2026-11", in: folder)
        let refused = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-11"],
                                       environment: Self.twentiethOfNovember)
        #expect(refused.wait() == 1)
        #expect(refused.errors.contains("novembre 2026 non è ancora finito"))
        #expect(refused.errors.contains("--before-month-end"))
        #expect(refused.errors.contains("SPUNTA_NOW"), "the fixed clock is never silent")
        #expect(try Self.issued(db, "2026-11") == 0)

        let issued = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-11", "--before-month-end"],
                                      environment: Self.twentiethOfNovember)
        #expect(issued.wait() == 0, "\(issued.errors)")
        #expect(try Self.issued(db, "2026-11") > 0)
        let dates = try DatabaseQueue(path: db).read { db in
            try db.fetchAll("""
                SELECT DISTINCT l.charge_date FROM statement_line l JOIN statement s ON s.id = l.statement_id
                WHERE s.period = '2026-11' AND l.charge_date IS NOT NULL ORDER BY 1
                """).map { try $0[0] as String }
        }
        #expect(dates.first == "2026-11-02")
        #expect(dates.last == "2026-11-20", "no day after the 20th is on a notice issued on the 20th")
    }

    @Test("reminders chases a prepaid credit below zero: one reminder first, one pagoPA notice after --deficit-notice-days")
    func deficitChased() throws {
        let folder = try TemporaryFolder("spunta-billing-cli")
        let db = try Self.run("2026-11", in: folder)
        // A family of the prepaid canteen whose credit ended the month €5.00 below zero.
        try DatabaseQueue(path: db).write { db in
            let row = try #require(try db.fetchOne("""
                SELECT e.beneficiary_id, p.payer_id FROM enrollment e JOIN beneficiary_payer p ON p.beneficiary_id = e.beneficiary_id
                WHERE e.service_id = 'MENSA-RODARI' ORDER BY e.id, p.is_primary DESC LIMIT 1
                """))
            try db.run("""
                INSERT INTO prepaid_position (payer_id, beneficiary_id, service_id, balance_cents) VALUES (?, ?, 'MENSA-RODARI', -500)
                ON CONFLICT (payer_id, beneficiary_id, service_id) DO UPDATE SET balance_cents = -500
                """, [try row[1] as String, try row[0] as String])
        }
        func reminders(_ extra: [String]) throws -> [String] {
            let run = try ChildProcess("spunta-server", ["reminders", "--db", db] + extra, environment: Self.twentiethOfNovember)
            #expect(run.wait(seconds: 60) == 0, "\(run.errors)")
            return run.output.filter { $0.contains("Credito negativo") }
        }
        let first = try reminders([])
        #expect(first.count == 1)
        #expect(first.first?.contains("5,00") == true)
        #expect(first.first?.contains("sollecito") == true)
        #expect(try reminders([]).first?.contains("avviso dopo 15 giorni") == true, "not reminded twice, no notice before the set days")
        let noticed = try reminders(["--deficit-notice-days", "0"])
        #expect(noticed.first?.contains("emesso") == true)
        #expect(try reminders(["--deficit-notice-days", "0"]).first?.contains("già emesso") == true)
        let (notices, messages): (Int, Int) = try DatabaseQueue(path: db).read { db in
            (try db.scalar("SELECT COUNT(*) FROM prepaid_deficit WHERE notice_number IS NOT NULL") ?? 0,
             try db.scalar("SELECT COUNT(DISTINCT kind) FROM outbox_message WHERE dedup_key LIKE 'deficit|%'") ?? 0)
        }
        #expect(notices == 1)
        #expect(messages == 2, "one reminder and one notice, in each channel the family chose")
    }

    static func issued(_ path: String, _ period: String) throws -> Int {
        try DatabaseQueue(path: path).read { try $0.scalar("SELECT COUNT(*) FROM statement WHERE status = 'issued' AND period = ?", [period]) ?? 0 }
    }

    static func dueDates(_ path: String, _ period: String) throws -> Set<String> {
        Set(try DatabaseQueue(path: path).read { db in
            try db.fetchAll("SELECT due_date FROM statement WHERE period = ? AND due_date IS NOT NULL", [period]).map { try $0[0] as String }
        })
    }

    @Test("a due date before the issue day is refused; the default falls thirty days after it")
    func dueDate() throws {
        let folder = try TemporaryFolder("spunta-billing-cli")
        let db = try Self.run("2026-10", in: folder)
        let refused = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10", "--due-date", "2026-11-19"],
                                       environment: Self.twentiethOfNovember)
        #expect(refused.wait() == 1)
        #expect(refused.errors.contains("Scadenza 19/11/2026 anteriore all'emissione (20/11/2026)"))
        #expect(try Self.issued(db, "2026-10") == 0)
        let issued = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10"],
                                      environment: Self.twentiethOfNovember)
        #expect(issued.wait() == 0, "\(issued.errors)")
        #expect(try Self.dueDates(db, "2026-10") == ["2026-12-21"])
    }

    @Test("issuing names each statement that gets no notice and why; issuing the month again says it is all issued, and when")
    func withoutNoticeThenAllIssued() throws {
        let folder = try TemporaryFolder("spunta-billing-cli")
        let db = try Self.run("2026-10", in: folder)
        let (zero, credit): (Int64, Int64) = try DatabaseQueue(path: db).read { db in
            let ids = try db.fetchAll("SELECT id FROM statement WHERE period = '2026-10' AND total_cents > 0 ORDER BY id LIMIT 2")
                .map { try $0[0] as Int64 }
            return (ids[0], ids[1])
        }
        let totals: [Int64] = try [zero, credit].map { id in
            try DatabaseQueue(path: db).read { try $0.scalar("SELECT total_cents FROM statement WHERE id = ?", [id]) ?? 0 }
        }
        // The credit below zero is meant: the family is owed €5.00 beyond its bill.
        for (id, cents, more) in [(zero, totals[0], [String]()), (credit, totals[1] + 500, ["--carry-credit"])] {
            let amount = "-\(cents / 100).\(String(format: "%02d", Int(cents % 100)))"
            let adjust = try ChildProcess("spunta-server", ["billing", "adjust", "--db", db, "--statement", String(id), "--amount", amount,
                                                            "--reason", "prova"] + more, environment: Self.twentiethOfNovember)
            #expect(adjust.wait() == 0, "\(adjust.errors)")
        }
        let issued = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10"], environment: Self.twentiethOfNovember)
        #expect(issued.wait() == 0, "\(issued.errors)")
        let lines = issued.output.joined(separator: "\n").split(separator: "\n").map(String.init)
        let without: Int = try DatabaseQueue(path: db).read {
            try $0.scalar("SELECT COUNT(*) FROM statement WHERE period = '2026-10' AND notice_number IS NULL") ?? 0
        }
        #expect(without >= 2)
        #expect(lines.contains("Senza avviso pagoPA (\(without)), perché non c'è nulla da pagare:"), "\(lines)")
        #expect(lines.count(where: { $0.hasPrefix("- n. ") }) == min(without, 5), "at most five by name: \(lines)")
        #expect(lines.contains { $0.hasPrefix("- n. \(zero) ") && $0.contains("totale zero") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("- n. \(credit) ") && $0.contains("credito di € 5,00") }, "\(lines)")
        #expect(lines.contains("  spunta-server billing show --db \(db) \(zero)"), "\(lines)")
        #expect(lines.contains("  spunta-server billing show --db \(db) \(credit)"), "\(lines)")

        let count = try Self.issued(db, "2026-10")
        let again = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10"], environment: Self.twentiethOfNovember)
        #expect(again.wait() == 1)
        #expect(again.errors.contains("Errore: I \(count) rendiconti di ottobre 2026 sono già stati emessi (l'ultimo il 20/11/2026 12:00)"),
                "\(again.errors)")
        #expect(!again.errors.contains("eseguire prima billing run"), "\(again.errors)")
        #expect(again.errors.contains("  spunta-server billing statements --db \(db) --period 2026-10"), "\(again.errors)")
        let payer: String = try DatabaseQueue(path: db).read { try $0.scalar("SELECT payer_id FROM statement WHERE id = ?", [zero]) ?? "" }
        let one = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10", "--payer", payer],
                                   environment: Self.twentiethOfNovember)
        #expect(one.wait() == 1)
        #expect(one.errors.contains("Il rendiconto di ottobre 2026 del pagante \(payer) è già stato emesso il 20/11/2026 12:00"), "\(one.errors)")
        #expect(one.errors.contains("  spunta-server billing show --db \(db) \(zero)"), "\(one.errors)")
    }

    @Test("a SPUNTA_NOW that is not an instant stops the command before it runs", arguments: ["domani", "2026-11-20", "2026-11-20T12:00:00"])
    func badClock(value: String) throws {
        let folder = try TemporaryFolder("spunta-billing-cli")
        let run = try ChildProcess("spunta-server", ["billing", "run", "--db", folder.path("x.sqlite"), "--period", "2026-10"],
                                   environment: ["SPUNTA_NOW": value])
        #expect(run.wait() == 2)
        #expect(run.errors.contains("SPUNTA_NOW=«\(value)» non valido"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.sqlite")))
    }
}

/// Separated parents through the real commands, on the documented example (`protocol/exchange-example.xml`): Samuele
/// (B0032) is paid 70/30 by his mother P0002 (ISEE €8,200: the bus at €22.00 a month) and P0003 (no ISEE: €32.00).
@Suite("billing of shared payers from the command line")
struct SharedPayersCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("protocol/exchange-example.xml").path

    @Test("billing run, issue and export give each parent their share of October's bus, and the second parent tops up the canteen")
    func sharedThroughTheCommands() throws {
        let folder = try TemporaryFolder("spunta-shares-cli")
        let db = folder.path("comune.sqlite")
        #expect(try ChildProcess("spunta-server", ["import", "--db", db, Self.example]).wait() == 0)
        let now = BillingCommandTests.twentiethOfNovember
        let run = try ChildProcess("spunta-server", ["billing", "run", "--db", db, "--period", "2026-10", "--json"], environment: now)
        #expect(run.wait(seconds: 60) == 0, "\(run.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.joined(separator: "\n").utf8)) as? [String: Any])
        // The month's fee: P0002 70% of €22.00 = €15.40, P0003 30% of €32.00 = €9.60 — together €25.00.
        let splits = try #require(report["splits"] as? [[String: Any]])
        #expect(splits.count == 1)
        #expect(splits.first?["beneficiary_id"] as? String == "B0032" && splits.first?["service_id"] as? String == "TRASPORTO")
        let parts = (splits.first?["payers"] as? [[String: Any]] ?? []).map {
            "\($0["payer_id"] as? String ?? "") \($0["percent"] as? Int ?? 0) \($0["amount_cents"] as? Int ?? 0)"
        }
        #expect(parts == ["P0002 70 1540", "P0003 30 960"])

        let issue = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10"], environment: now)
        #expect(issue.wait(seconds: 60) == 0, "\(issue.errors)")
        let export = try ChildProcess("spunta-server", ["billing", "export", "--db", db, "--period", "2026-10", "--format", "csv"], environment: now)
        #expect(export.wait(seconds: 60) == 0, "\(export.errors)")
        let rows = export.output.dropFirst().map { $0.split(separator: ";").map(String.init) }
        // One notice each, for their own part: codice fiscale and amount in cents. P0002 also pays Leone's October at
        // the nursery, full time, whole: ISEE €8,200.00 is over the €8,000.00 band, €480.00; €480.00 + €15.40 = €495.40.
        #expect(rows.map { "\($0[3]) \($0[5])" }.sorted() == ["CPPZRR74R54F839I 49540", "FRRRRT88B50L781V 960"], "\(export.output)")

        let topUp = try ChildProcess("spunta-server", ["billing", "topup", "--db", db, "--payer", "P0003", "--beneficiary", "B0032",
                                                       "--service", "MENSA-RODARI", "--amount", "20.00", "--date", "2026-11-02"],
                                     environment: now)
        #expect(topUp.wait(seconds: 60) == 0, "the second parent tops up the child's credit: \(topUp.errors)")
        let balances = try ChildProcess("spunta-server", ["billing", "balances", "--db", db, "--json"], environment: now)
        #expect(balances.wait(seconds: 60) == 0)
        let positions = try #require(try JSONSerialization.jsonObject(with: Data(balances.output.joined().utf8)) as? [[String: Any]])
        #expect(positions.map { "\($0["payer_id"] as? String ?? "") \($0["beneficiary_id"] as? String ?? "") \($0["balance_cents"] as? Int ?? 0)" }
                == ["P0003 B0032 2000"], "\(balances.output)")
        // Every column of the human listing has its heading, the last one too.
        let human = try ChildProcess("spunta-server", ["billing", "balances", "--db", db], environment: now)
        #expect(human.wait(seconds: 60) == 0)
        #expect(human.output.first?.split(separator: " ").map(String.init) == ["Pagante", "Bambino", "Servizio", "Saldo", "Soglia", "Stato"],
                "\(human.output)")
    }
}

/// What `spunta-server reminders` prints for the operator: Italian dates, months and counts, as the rest of the office's commands.
@Suite("reminders as the operator reads them")
struct RemindersOutputTests {
    @Test("an overdue notice is listed with its month in words, its due day as dd/mm/yyyy and the messages queued in good Italian")
    func overdueInWords() throws {
        let folder = try TemporaryFolder("spunta-reminders-cli")
        let db = try BillingCommandTests.run("2026-10", in: folder)
        let issue = try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10", "--due-date", "2026-11-25"],
                                     environment: BillingCommandTests.twentiethOfNovember)
        #expect(issue.wait() == 0, "\(issue.errors)")
        let reminders = try ChildProcess("spunta-server", ["reminders", "--db", db], environment: ["SPUNTA_NOW": "2026-12-10T09:00:00+01:00"])
        #expect(reminders.wait(seconds: 60) == 0, "\(reminders.errors)")
        let overdue = reminders.output.filter { $0.contains(" scaduto il ") }
        try #require(!overdue.isEmpty, "\(reminders.output)")
        for line in overdue {
            #expect(line.contains("ottobre 2026 scaduto il 25/11/2026: "), "\(line)")
            #expect(!line.contains("2026-10") && !line.contains("2026-11-25"), "\(line)")
            #expect(!line.contains("(1 messaggi)"), "\(line)")
        }
        let counts = overdue.compactMap { line in line.range(of: "sollecito n. 1 (").map { String(line[$0.upperBound...]) } }
        #expect(counts.allSatisfy { $0 == "1 messaggio)" || ($0.hasSuffix(" messaggi)") && $0 != "1 messaggi)") }, "\(counts)")
    }

    @Test("billing show gives the notice as printed (code in fours, due day dd/mm/yyyy); payments refunds says when there is nothing to give back, and counts one overpayment as «1 eccedenza»")
    func refundsCounted() throws {
        let folder = try TemporaryFolder("spunta-refunds-cli")
        let db = try BillingCommandTests.run("2026-10", in: folder)
        let now = BillingCommandTests.twentiethOfNovember
        #expect(try ChildProcess("spunta-server", ["billing", "issue", "--db", db, "--period", "2026-10"], environment: now).wait() == 0)
        let none = try ChildProcess("spunta-server", ["payments", "refunds", "--db", db], environment: now)
        #expect(none.wait() == 0, "\(none.errors)")
        #expect(none.output == ["Nessun pagamento in eccesso da rimborsare."], "\(none.output)")
        // One notice paid a euro too much.
        let notice: String = try #require(try DatabaseQueue(path: db).read {
            try $0.scalar("SELECT notice_number || ';' || printf('%d.%02d', (total_cents + 100) / 100, (total_cents + 100) % 100) FROM statement WHERE notice_number IS NOT NULL ORDER BY id LIMIT 1")
        })
        let parts = notice.split(separator: ";")
        // billing show gives the notice as it is printed: the code in groups of four, the due day as dd/mm/yyyy.
        let id: Int = try #require(try DatabaseQueue(path: db).read {
            try $0.scalar("SELECT id FROM statement WHERE notice_number = ?", [String(parts[0])])
        })
        let show = try ChildProcess("spunta-server", ["billing", "show", String(id), "--db", db], environment: now)
        #expect(show.wait() == 0, "\(show.errors)")
        let grouped = stride(from: 0, to: 18, by: 4).map { String(Array(parts[0])[$0..<min($0 + 4, 18)]) }.joined(separator: " ")
        #expect(show.output.last?.hasSuffix(" — codice avviso \(grouped), scadenza 21/12/2026") == true, "\(show.output)")
        let file = folder.path("pagamenti.csv")
        try "date;amount;notice;kind;payer;beneficiary;service;method;reference\n2026-11-20;\(parts[1]);\(parts[0]);notice;;;;pagopa;PSP-1\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let paid = try ChildProcess("spunta-server", ["payments", "import", "--db", db, file], environment: now)
        #expect(paid.wait() == 0, "\(paid.errors)")
        // The refunds' list is offered in a sentence that leads to the command on the line below it.
        let offer = try #require(paid.output.firstIndex(of: "  Per l'elenco delle eccedenze da rimborsare:"), "\(paid.output)")
        #expect(paid.output.dropFirst(offer + 1).first == "    spunta-server payments refunds --db \(db)", "\(paid.output)")
        let one = try ChildProcess("spunta-server", ["payments", "refunds", "--db", db], environment: now)
        #expect(one.wait() == 0, "\(one.errors)")
        #expect(one.output.last == "1 eccedenza, € 1,00 da rimborsare.", "\(one.output)")
    }

    @Test("a tax statement for a year in two digits is refused saying how to write it")
    func taxStatementYear() throws {
        // The archive exists (an empty file: the year is refused before anything opens it).
        let folder = try TemporaryFolder("spunta-tax-year")
        let db = folder.path("comune.sqlite")
        #expect(FileManager.default.createFile(atPath: db, contents: nil))
        let run = try ChildProcess("spunta-server", ["tax-statement", "--db", db, "--year", "26"])
        #expect(run.wait() == 2)
        #expect(run.errors.contains("--year «26» non valido: indicare l'anno solare con quattro cifre, es. 2026."), "\(run.errors)")
        #expect(run.errors.contains("--year <anno>"), "\(run.errors)")
    }
}
