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
        #expect(try Self.dueDates(db, "2026-10") == ["2026-12-20"])
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
