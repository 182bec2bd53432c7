import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// `spunta-server demo`: a whole school day of the sample Comune, end to end, with real processes — the server
/// on a loopback port, six devices enrolled through the protocol, a day recorded offline, the syncs, the merge,
/// the month's billing, a device that syncs late — told in Italian with the numbers that matter.
///
/// The office's work happens on the days of the story, not on the day the demo runs: each office command gets its
/// date through `SPUNTA_NOW` (`Office`), so that a notice of October is issued in early November and falls due
/// a month later, and payments come after the notices they pay, whatever the computer's calendar says.
public final class SchoolDayDemo: Sendable {
    let runner: ProgramRunner
    let workspace: URL
    let say: @Sendable (String) -> Void
    var db: String { workspace.appendingPathComponent("comune.sqlite").path }

    /// The day: the last school day of October 2026 in the sample calendar (a Friday), so that October can be
    /// billed and a late device lands in November.
    public static let day = LocalDate(year: 2026, month: 10, day: 30)!
    static let october = BillingPeriod(year: 2026, month: 10)!
    /// The columns of a payments file (protocol/billing.md).
    static let paymentColumns = ["date", "amount", "notice", "kind", "payer", "beneficiary", "service", "method", "reference"]
    static let november = BillingPeriod(year: 2026, month: 11)!

    /// When the office does each thing, in Rome time (CET from 25 October).
    enum Office {
        /// The top-ups paid the day before the school day are imported in the afternoon.
        static let topUps = ["SPUNTA_NOW": "2026-10-29T17:00:00+01:00"]
        /// Monday 2 November, the first working day after October: October is billed and its notices issued.
        static let billing = ["SPUNTA_NOW": "2026-11-02T09:00:00+01:00"]
        /// Tuesday 3 November: the forgotten door syncs, and November (still running) is run.
        static let lateDevice = ["SPUNTA_NOW": "2026-11-03T10:00:00+01:00"]
        /// Tuesday 10 November: the pagoPA payments of the first days come in.
        static let payments = ["SPUNTA_NOW": "2026-11-10T12:00:00+01:00"]
        static let paymentDay = "2026-11-10"
        /// Tuesday 17 November, fifteen days after the first reminders: the credits still below zero get a notice.
        static let deficitNotices = ["SPUNTA_NOW": "2026-11-17T09:00:00+01:00"]
    }

    /// The hours of the story the server and the devices live at: what they stamp (the wall time of each op, when a
    /// conflict was opened, when a device was last heard from) is then a time of the story, not of the day the demo
    /// runs. Each process gets the system clock moved to that hour (`WallClock`'s shift, read by debug builds only:
    /// `swift run` builds them so; a release build keeps the computer's clock, and the demo says so). The server and
    /// the devices that talk to it get the same shift, so that none of them looks like a wrong clock to the other.
    enum Story {
        /// Thursday 29 October, afternoon: the Comune's data imported, the devices enrolled.
        static let setup = "2026-10-29T16:00:00+01:00"
        /// Friday 30 October, offline: the bus in the morning, the roll calls, the canteens at lunch.
        static let boarding = "2026-10-30T07:20:00+01:00"
        static let alighting = "2026-10-30T07:55:00+01:00"
        static let rollCall1 = "2026-10-30T08:20:00+01:00"
        static let rollCall2 = "2026-10-30T08:25:00+01:00"
        static let door1 = "2026-10-30T12:30:00+01:00"
        static let door2 = "2026-10-30T12:35:00+01:00"
        static let rodari = "2026-10-30T12:40:00+01:00"
        static let onBoard = "2026-10-30T13:00:00+01:00"
        /// The network back in the afternoon: everyone syncs but door 2.
        static let afternoon = "2026-10-30T15:00:00+01:00"
        /// Tuesday 3 November: door 2 found in its drawer (the office's `lateDevice`).
        static let lateDevice = "2026-11-03T10:00:00+01:00"

        /// The environment of a server or device process whose clock reads `instant` now and moves on from there.
        static func clock(_ instant: String) -> [String: String] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            guard let date = formatter.date(from: instant) else { preconditionFailure("the story's hours are ISO 8601 instants: \(instant)") }
            return [WallClock.testShiftVariable: String(Int64((date.timeIntervalSinceNow * 1000).rounded()))]
        }

        /// The environment of an office command run at `instant` (see `Office`).
        static func office(_ instant: String) -> [String: String] {
            ["SPUNTA_NOW": instant]
        }
    }

    public init(runner: ProgramRunner, workspace: URL, say: @escaping @Sendable (String) -> Void) {
        self.runner = runner
        self.workspace = workspace
        self.say = say
    }

    func home(_ name: String) -> String { workspace.appendingPathComponent("dispositivi/\(name)").path }
    func file(_ name: String) -> String { workspace.appendingPathComponent(name).path }

    func query<T: DatabaseValueConvertible>(_ sql: String, _ arguments: StatementArguments = []) throws -> T? {
        try DatabaseQueue(path: db).read { try $0.scalar(sql, arguments) }
    }

    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try DatabaseQueue(path: db).read { try $0.fetchAll(sql, arguments) }
    }

    func name(_ child: String) throws -> String {
        try query("SELECT given_name || ' ' || surname FROM beneficiary WHERE id = ?", [child]) ?? child
    }

    func card(_ child: String) throws -> String {
        "SPUNTA1:" + (try query("SELECT id FROM card WHERE beneficiary_id = ? AND revoked_on IS NULL", [child]) ?? "")
    }

    /// Creates a device with a one-time code and enrolls it through the protocol.
    func device(_ name: String, role: String, scope: String, url: String, clock: [String: String]) throws -> String {
        let added = try runner.must("spunta-server", ["device", "add", "--db", db, "--name", name, "--role", role, "--scope", scope, "--json"],
                                    environment: Story.office(Story.setup))
        guard let object = try JSONSerialization.jsonObject(with: Data(added.output.utf8)) as? [String: Any],
              let code = object["code"] as? String else { throw DemoError.stepFailed("device add", "risposta inattesa") }
        try runner.must("spunta", ["enroll", "--home", home(name), "--server", url, "--code", code, "--label", name], environment: clock)
        return home(name)
    }

    func scans(_ device: String, _ lines: [String], extra: [String], at instant: String) throws -> [[String: Any]] {
        let result = try runner.must("spunta", ["scan", "--home", device, "--date", Self.day.description, "--json"] + extra,
                                     input: lines.map { $0 + "\n" }.joined(), environment: Story.clock(instant))
        return result.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func count(_ answers: [[String: Any]], _ result: String) -> Int {
        answers.filter { $0["result"] as? String == result }.count
    }

    public func run() throws {
        let started = Date()
        try FileManager.default.createDirectory(at: workspace.appendingPathComponent("dispositivi"), withIntermediateDirectories: true)
        say("Spunta — una giornata di scuola a Valmarina, \(Self.day.italian)")
        say(String(repeating: "=", count: 60))
        if !WallClock.honoursShift {
            say("(Programmi compilati in release: server e dispositivi segnano le ore dell'orologio del computer, non quelle della storia;")
            say(" con «swift run spunta-server demo» le ore viste nei conflitti e nei registri sono quelle della storia.)")
        }

        // The town hall: master data, the server, devices.
        try runner.must("spunta-server", ["sample", "--output", file("comune-demo.xml")])
        try runner.must("spunta-server", ["import", "--db", db, file("comune-demo.xml")], environment: Story.office(Story.setup))
        let children: Int = try query("SELECT COUNT(*) FROM beneficiary WHERE deleted = 0") ?? 0
        let payers: Int = try query("SELECT COUNT(*) FROM payer WHERE deleted = 0") ?? 0
        say("Ufficio scuola: importato il Comune di esempio — \(children) bambini, \(payers) famiglie paganti, 4 plessi, mensa, scuolabus e nido.")
        // One shift for the server and the devices that talk to it, so that their clocks agree to the millisecond.
        var clock = Story.clock(Story.setup)
        var server = try BackgroundServer(runner: runner, database: db, port: 0, environment: clock)
        let url = server.url
        let teacher1 = try device("maestra-1A", role: "teacher", scope: "class:S02-1A", url: url, clock: clock)
        let teacher2 = try device("maestra-1A-bis", role: "teacher", scope: "class:S02-1A", url: url, clock: clock)
        let door1 = try device("mensa-porta-1", role: "canteen", scope: "site:S02", url: url, clock: clock)
        let door2 = try device("mensa-porta-2", role: "canteen", scope: "site:S02", url: url, clock: clock)
        let rodari = try device("mensa-rodari", role: "canteen", scope: "site:S01", url: url, clock: clock)
        let bus = try device("scuolabus-L1", role: "bus", scope: "route:L1", url: url, clock: clock)
        say("Server acceso su \(url); 6 dispositivi registrati con codici monouso e dati scaricati secondo il loro ambito")
        say("  (2 maestre della 1A Montessori, 2 porte della mensa Montessori, la mensa prepagata Rodari, lo scuolabus L1).")

        // Top-ups on the prepaid canteen, paid the day before: the sample's own (`SampleTopUp`), in which a few
        // families (one child in six) have not topped up. Their children eat all the same, and their credit goes below
        // zero when October is billed — the case the office's deficit chase (reminders) exists for.
        let rodariChildren = try rows("""
            SELECT beneficiary_id FROM enrollment WHERE service_id = 'MENSA-RODARI' AND deleted = 0 ORDER BY beneficiary_id LIMIT 30
            """).map { try $0[0] as String }
        var topups = CSVWriter(header: Self.paymentColumns)
        for t in SampleTopUp.plan(SampleComuneGenerator.generate()) {
            topups.addRow(["2026-10-29", .amount(t.amount), "", "topup", .text(t.payerId), .text(t.beneficiaryId), .text(t.serviceId),
                           .text(t.method), .text(t.reference)])
        }
        try PrivateFile.write(Data(topups.text.utf8), to: file("ricariche.csv"))
        try runner.must("spunta-server", ["payments", "import", "--db", db, file("ricariche.csv")], environment: Office.topUps)

        // The day, all offline.
        let port = server.port
        server.stop()
        say("")
        say("Mattina: la rete della scuola cade e resta giù tutto il giorno. Si lavora offline.")
        let klass = try rows("SELECT id FROM beneficiary WHERE class_id = 'S02-1A' AND deleted = 0 ORDER BY surname, given_name, id").map { try $0[0] as String }
        let eaters = try rows("""
            SELECT b.id FROM beneficiary b JOIN enrollment e ON e.beneficiary_id = b.id
            WHERE b.class_id = 'S02-1A' AND e.service_id = 'MENSA' AND e.deleted = 0 ORDER BY b.surname, b.given_name, b.id
            """).map { try $0[0] as String }
        guard klass.count >= 6, eaters.count >= 6 else { throw DemoError.stepFailed("dati di esempio", "classe troppo piccola") }
        let absentAte = eaters[0], disputed = eaters[1], late = eaters[2], lateDevice = eaters[3], twice = eaters[4]
        try runner.must("spunta", ["roll-call", "--home", teacher1, "--class", "S02-1A", "--date", Self.day.description,
                                   "--absent", "\(absentAte),\(disputed)", "--late", "\(late)@10:15", "--rest-present"],
                        environment: Story.clock(Story.rollCall1))
        try runner.must("spunta", ["roll-call", "--home", teacher2, "--class", "S02-1A", "--date", Self.day.description,
                                   "--absent", absentAte, "--late", "\(late)@10:15", "--rest-present"],
                        environment: Story.clock(Story.rollCall2))
        say("Appello della 1A (\(klass.count) bambini) fatto da entrambe le maestre: per la prima \(try name(disputed)) è assente, per la seconda è presente.")

        // Canteen: door 1 serves everyone present but one; door 2 serves that one and, by mistake, a child already served.
        let present = eaters.filter { $0 != late && $0 != lateDevice }
        let door1Lines = present.map { try? card($0) }.compactMap { $0 } + [try card(twice), "spunta1:abcd", "SPUNTA1:0000000000000000000000000"]
        let answers1 = try scans(door1, door1Lines, extra: ["--service", "canteen"], at: Story.door1)
        let answers2 = try scans(door2, [try card(lateDevice), try card(twice)], extra: ["--service", "canteen"], at: Story.door2)
        let dietLine = answers1.first { $0["diet"] != nil }
        say("Mensa Montessori, porta 1: \(Self.count(answers1, "ok")) pasti serviti; rifiutate \(Self.count(answers1, "duplicate")) seconda lettura "
            + "dello stesso bambino, \(Self.count(answers1, "invalid_payload")) lettura in minuscolo (Caps Lock sul lettore) "
            + "e \(Self.count(answers1, "unknown_card")) tessera sconosciuta.")
        if let dietLine, let diet = dietLine["diet"] as? String, let child = dietLine["beneficiary_id"] as? String {
            let allergens = (dietLine["allergens"] as? [String]) ?? []
            say("  Alla porta la dieta compare in evidenza: \(try name(child)) — \(diet)\(allergens.isEmpty ? "" : " (\(allergens.joined(separator: ", ")))").")
        }
        say("Mensa Montessori, porta 2 (offline, non sa della porta 1): \(Self.count(answers2, "ok")) pasti, uno dei quali a \(try name(twice)), "
            + "che aveva già mangiato alla porta 1.")
        say("  \(try name(absentAte)) risultava assente per entrambe le maestre, ma ha mangiato lo stesso.")

        // The prepaid canteen.
        let rodariLines = try rodariChildren.prefix(25).map { try card($0) }
        let answersRodari = try scans(rodari, rodariLines, extra: ["--service", "canteen"], at: Story.rodari)
        say("Mensa prepagata Rodari: \(Self.count(answersRodari, "ok")) pasti.")

        // The bus: boardings at each child's stop, alighting at school; one child is never scanned off.
        let riders = try rows("""
            SELECT beneficiary_id, outbound_stop_id FROM enrollment WHERE route_id = 'L1' AND service_id = 'TRASPORTO' AND deleted = 0
            ORDER BY outbound_stop_id, beneficiary_id LIMIT 8
            """).map { (try $0[0] as String, try $0[1] as String) }
        var boarded = 0
        for (child, stop) in riders {
            boarded += Self.count(try scans(bus, [try card(child)], extra: ["--service", "transport", "--route", "L1", "--stop", stop,
                                                                            "--direction", "outbound", "--boarding"], at: Story.boarding), "ok")
        }
        let lost = riders.last?.0 ?? ""
        let alighted = try scans(bus, try riders.dropLast().map { try card($0.0) }, extra: ["--service", "transport", "--route", "L1",
                                                                                         "--stop", "school", "--direction", "outbound", "--alighting"],
                                 at: Story.alighting)
        // A child still aboard after the ride is over: on-board lists the child and exits 3.
        let onBoard = try runner.run("spunta", ["on-board", "--home", bus, "--route", "L1", "--date", Self.day.description],
                                     environment: Story.clock(Story.onBoard))
        guard onBoard.status == 3 else {
            throw DemoError.stepFailed("spunta on-board", "atteso l'esito 3 (bambino ancora a bordo), avuto \(onBoard.status): \(onBoard.errors)")
        }
        say("Scuolabus L1: \(boarded) bambini saliti alle loro fermate, \(Self.count(alighted, "ok")) scesi a scuola; "
            + "la lista a bordo segnala ancora \(try name(lost)).")

        // Back online: everyone syncs, except door 2 (left in a drawer until the end of the month).
        clock = Story.clock(Story.afternoon)
        server = try BackgroundServer(runner: runner, database: db, port: port, environment: clock)
        say("")
        say("Pomeriggio: la rete torna. Sincronizzano tutti tranne la porta 2, dimenticata in un cassetto.")
        for device in [teacher1, teacher2, door1, rodari, bus] {
            try runner.must("spunta", ["sync", "--home", device], environment: clock)
        }
        let ops: Int = try query("SELECT COUNT(*) FROM op") ?? 0
        let conflicts = try rows("SELECT kind, COUNT(*) FROM conflict WHERE status = 'open' GROUP BY kind ORDER BY kind")
        say("Il server ha ricevuto \(ops) registrazioni, ciascuna una volta sola, e le ha fuse.")
        for row in conflicts {
            let kind: String = try row[0]
            let label = ["attendance_disagreement": "appelli discordanti tra le due maestre", "absent_but_ate": "assenti all'appello che hanno mangiato",
                         "boarded_not_alighted": "bambini saliti sullo scuolabus e mai scesi", "register_scan_mismatch": "registro e letture in mensa discordanti"][kind] ?? kind
            say("  Conflitti da rivedere — \(label): \(try row[1] as Int)")
        }

        // The first working day of November: October is billed and its notices go out.
        let run = try runner.must("spunta-server", ["billing", "run", "--db", db, "--period", Self.october.description, "--json"],
                                  environment: Office.billing)
        let runReport = (try? JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]) ?? [:]
        // No --due-date: the notices fall due thirty days after the day they are issued.
        try runner.must("spunta-server", ["billing", "issue", "--db", db, "--period", Self.october.description], environment: Office.billing)
        let notices: Int = try query("SELECT COUNT(*) FROM statement WHERE period = ? AND notice_number IS NOT NULL", [Self.october.description]) ?? 0
        let total: Int64 = try query("SELECT COALESCE(SUM(total_cents), 0) FROM statement WHERE period = ? AND notice_number IS NOT NULL",
                                     [Self.october.description]) ?? 0
        let due: String = try query("SELECT MIN(due_date) FROM statement WHERE period = ? AND notice_number IS NOT NULL",
                                    [Self.october.description]) ?? ""
        let dayMeals: Int = try query("SELECT COUNT(*) FROM meal WHERE business_date = ? AND service_id = 'MENSA'", [Self.day.description]) ?? 0
        let below: Int = try query("SELECT COUNT(*) FROM prepaid_position WHERE below_threshold = 1") ?? 0
        let alerts: Int = try query("SELECT COUNT(*) FROM outbox_message WHERE kind = 'low_balance'") ?? 0
        say("")
        say("Lunedì 02/11/2026, ufficio scuola: fatturazione di ottobre (\(runReport["charges"] as? Int ?? 0) addebiti dal registro, "
            + "dalle letture e dalle iscrizioni).")
        say("  Mensa Montessori del \(Self.day.italian): \(dayMeals) pasti addebitati — il doppio di \(try name(twice)) non c'è ancora: la porta 2 non ha parlato.")
        say("  Emessi il 02/11/2026 \(notices) avvisi pagoPA per \(Money(cents: total).italian), da pagare entro il \(LocalDate(due)?.italian ?? due) "
            + "(rette di nido, scuolabus, pre-scuola e mense a consumo).")
        say("  Credito prepagato Rodari: \(below) posizioni sotto la soglia, \(alerts) avvisi di credito basso in coda (e-mail e SMS).")
        // Separated parents: the run's report says how each child's month was split among the payers.
        let splits = runReport["splits"] as? [[String: Any]] ?? []
        if let first = splits.first, let child = first["beneficiary_id"] as? String, let parts = first["payers"] as? [[String: Any]] {
            let children = Set(splits.compactMap { $0["beneficiary_id"] as? String }).count
            let described = parts.map { part in
                "\(part["payer_id"] as? String ?? "") \(part["percent"] as? Int ?? 0)% \(Money(cents: Int64(part["amount_cents"] as? Int ?? 0)).italian)"
            }
            say("  Genitori separati: per \(children) bambini la spesa è divisa tra due paganti secondo le quote, ciascuno con il suo ISEE "
                + "e il suo rendiconto e avviso (o il suo credito prepagato) (es. \(try name(child)), \(first["service_id"] as? String ?? ""): "
                + "\(described.joined(separator: ", "))).")
        }
        // The same morning the office runs the reminders: each credit below zero gets one reminder.
        try runner.must("spunta-server", ["reminders", "--db", db], environment: Office.billing)
        let deficits = try rows("""
            SELECT d.payer_id, d.beneficiary_id, d.service_id, p.balance_cents FROM prepaid_deficit d
            JOIN prepaid_position p ON p.payer_id = d.payer_id AND p.beneficiary_id = d.beneficiary_id AND p.service_id = d.service_id
            WHERE d.closed_on IS NULL ORDER BY d.beneficiary_id
            """).map { (payer: try $0[0] as String, child: try $0[1] as String, service: try $0[2] as String, cents: try $0[3] as Int64) }
        let deficitReminders: Int = try query("SELECT COUNT(*) FROM outbox_message WHERE kind = 'deficit_reminder'") ?? 0
        if !deficits.isEmpty {
            say("  Credito prepagato sotto zero: \(deficits.count) famiglie i cui figli hanno mangiato senza ricarica "
                + "(in tutto \(Money(cents: -deficits.reduce(0) { $0 + $1.cents }).italian)): un sollecito a ciascuna (\(deficitReminders) messaggi in coda); "
                + "se fra 15 giorni il credito è ancora negativo, un avviso pagoPA del debito.")
        }

        // The late device, found on Tuesday: the server lives on that day too.
        server.stop()
        clock = Story.clock(Story.lateDevice)
        server = try BackgroundServer(runner: runner, database: db, port: port, environment: clock)
        try runner.must("spunta", ["sync", "--home", door2], environment: clock)
        let november = try runner.must("spunta-server", ["billing", "run", "--db", db, "--period", Self.november.description, "--json"],
                                       environment: Office.lateDevice)
        let novemberReport = (try? JSONSerialization.jsonObject(with: Data(november.output.utf8)) as? [String: Any]) ?? [:]
        let conguaglio: String? = try query("""
            SELECT l.description FROM statement_line l JOIN statement s ON s.id = l.statement_id
            WHERE s.period = ? AND l.kind = 'conguaglio' AND l.beneficiary_id = ? LIMIT 1
            """, [Self.november.description, lateDevice])
        let duplicates: Int = try query("SELECT COUNT(*) FROM op WHERE merge_status = 'duplicate' AND type = 'meal_scanned'") ?? 0
        say("")
        say("Martedì 03/11/2026: la porta 2, ritrovata nel cassetto, si sincronizza dopo l'emissione di ottobre:")
        say("  il pasto di \(try name(twice)) letto due volte resta un solo addebito (\(duplicates) lettura segnata come doppione);")
        if let conguaglio {
            say("  il pasto di \(try name(lateDevice)) va nel rendiconto di novembre: «\(conguaglio)».")
        }
        say("  I rendiconti di ottobre, già emessi, non sono cambiati. Novembre è in corso: la bozza (\(novemberReport["statements"] as? Int ?? 0) "
            + "rendiconti) addebita solo i giorni già trascorsi e gli avvisi di novembre partiranno a fine mese.")

        // Payments, exports, documents.
        let navs = try rows("SELECT notice_number, total_cents FROM statement WHERE period = ? AND notice_number IS NOT NULL ORDER BY payer_id LIMIT 4",
                            [Self.october.description]).map { (try $0[0] as String, try $0[1] as Int64) }
        var paid = CSVWriter(header: Self.paymentColumns)
        for (index, (nav, cents)) in navs.enumerated() {
            // Two paid in full, one half, one paid a euro too much (the euro is refunded).
            let amount = index == 2 ? cents / 2 : (index == 3 ? cents + 100 : cents)
            paid.addRow([.text(Office.paymentDay), .amount(Money(cents: amount)), .text(nav), "notice", "", "", "", "pagopa", .text("PSP-\(index)")])
        }
        // One family reminded of its credit below zero tops up: its deficit will close.
        let toppedUp = deficits.first
        if let toppedUp {
            paid.addRow([.text(Office.paymentDay), .amount(Money(cents: 2000)), "", "topup", .text(toppedUp.payer), .text(toppedUp.child),
                         .text(toppedUp.service), "pagopa", "RIC-SOLLECITO"])
        }
        try PrivateFile.write(Data(paid.text.utf8), to: file("pagamenti.csv"))
        let payments = try runner.must("spunta-server", ["payments", "import", "--db", db, file("pagamenti.csv")], environment: Office.payments)
        try runner.must("spunta-server", ["billing", "export", "--db", db, "--period", Self.october.description, "--format", "csv", "--output", file("avvisi-2026-10.csv")])
        try runner.must("spunta-server", ["billing", "export", "--db", db, "--period", Self.october.description, "--format", "gpd", "--output", file("avvisi-2026-10-gpd.json")])
        try runner.must("spunta-server", ["billing", "notices", "--db", db, "--period", Self.october.description, "--output", file("avvisi-2026-10.html")])
        try runner.must("spunta-server", ["tax-statement", "--db", db, "--year", "2026", "--format", "html", "--output", file("attestazioni-2026.html")])
        server.stop()
        say("")
        say("Martedì 10/11/2026: arrivano i primi pagamenti pagoPA.")
        say(payments.output.split(separator: "\n").joined(separator: "\n"))

        // Fifteen days after the reminders: a notice for each credit still below zero, the covered one closed.
        try runner.must("spunta-server", ["reminders", "--db", db], environment: Office.deficitNotices)
        let deficitNotices: Int = try query("SELECT COUNT(*) FROM prepaid_deficit WHERE notice_number IS NOT NULL") ?? 0
        let noticed: Int64 = try query("SELECT COALESCE(SUM(notice_cents), 0) FROM prepaid_deficit WHERE notice_number IS NOT NULL") ?? 0
        if !deficits.isEmpty {
            say("")
            say("Martedì 17/11/2026: i crediti prepagati ancora sotto zero dopo il sollecito ricevono un avviso pagoPA del debito: "
                + "\(deficitNotices) avvisi per \(Money(cents: noticed).italian)"
                + (try toppedUp.map { "; la famiglia di \(try name($0.child)) ha ricaricato, il suo credito è tornato positivo." } ?? "."))
        }
        say("")
        say("File prodotti in \(workspace.path):")
        for name in ["comune.sqlite", "avvisi-2026-10.csv", "avvisi-2026-10-gpd.json", "avvisi-2026-10.html", "attestazioni-2026.html"] {
            say("  \(name)")
        }
        // The built program by its path: after `swift run` it is not on PATH, and a path works from any folder.
        // One command a line, so that each is copied whole.
        let program = ShellWord.quoted(runner.path("spunta-server")), database = ShellWord.quoted(db)
        let client = ShellWord.quoted(runner.path("spunta")), busHome = ShellWord.quoted(home("scuolabus-L1"))
        say("Per continuare: i conflitti da decidere, i rendiconti, la corsa di ritorno dello scuolabus del 30/10 (40 colonne):")
        say("  \(program) conflicts --db \(database)")
        say("  \(program) billing statements --db \(database)")
        say("  \(client) ride --home \(busHome) --date 2026-10-30 --direction return")
        say("Durata: \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
    }
}
