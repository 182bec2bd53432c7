import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaTestSupport
import Testing

/// The day of `spunta scan`, checked by the ride's rule (`ServiceDay`) before anything is recorded: a Saturday's
/// meals once went in as OK while the count said «Serviti 0 su 0».
@Suite("The scan's day")
struct ScanDayTests {
    static func canteen(_ date: String) -> [String] { ["scan", "--service", "canteen", "--date", date] }
    static func bus(_ date: String) -> [String] {
        ["scan", "--service", "transport", "--route", "L1", "--stop", "L1-01", "--direction", "outbound", "--date", date]
    }

    @Test("a day the canteen serves no meal is refused in Italian, naming the day and what to do; --force records it only where the ride's would", arguments: [
        ("2026-08-01", "non è in servizio il 01/08/2026 (servizio dal ", false),
        ("2026-10-03", "Sabato 03/10/2026 la mensa «", true),
        ("2026-10-03", "non serve pasti (fine settimana): nulla registrato. Se la mensa serve proprio quel giorno, ripetere con --force.", true),
        ("2026-11-11", "Mercoledì 11/11/2026 la mensa «", true),
        (RideDayTests.fromToday(3), "i pasti si registrano il giorno in cui si servono. Nulla registrato: controllare la data (--date).", false),
    ])
    func refusedCanteenDay(_ date: String, _ message: String, _ forceRecords: Bool) throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        try door.expectRefusedDay(Self.canteen(date), input: card.payload + "\n", message: message, forceRecords: forceRecords)
    }

    @Test("a Saturday on the bus is refused with the ride's words, and --force scans it")
    func refusedBusDay() throws {
        let bus = try FieldDevice(.bus)
        let rider = try #require(try BusTests.riders(bus, route: "L1").first { $0.outbound == "L1-01" })
        let refused = try bus.spunta(Self.bus("2026-10-03"), input: rider.payload + "\n")
        #expect(refused.status == 1)
        #expect(refused.errors.replacingOccurrences(of: "\n", with: " ").contains("Sabato 03/10/2026 Linea 1 – Nord (Borgo) (L1) non viaggia (fine settimana)"), "\(refused.errors)")
        #expect(try bus.recordedOps == 0)
        let forced = try bus.json(Self.bus("2026-10-03") + ["--force", "--json"], input: rider.payload + "\n")
        #expect(forced.first?["result"] as? String == "ok")
        #expect(try bus.recordedOps == 1)
    }

    @Test("a school day in the past scans as before")
    func schoolDayScans() throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        let scan = try door.json(Self.canteen(schoolDay) + ["--json"], input: card.payload + "\n")
        #expect(scan.first?["result"] as? String == "ok")
    }

    @Test("--date takes GG/MM/AAAA as well as AAAA-MM-GG; another form is refused naming it, with an example")
    func italianDate() throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        let scan = try door.json(Self.canteen("05/10/2026") + ["--json"], input: card.payload + "\n")
        #expect(scan.first?["result"] as? String == "ok")
        #expect(try door.strings("SELECT business_date FROM outbox") == ["2026-10-05"])
        let refused = try door.spunta(Self.canteen("2026/10/05"), input: card.payload + "\n")
        #expect(refused.status != 0)
        #expect(refused.errors.replacingOccurrences(of: "\n", with: " ").contains("--date «2026/10/05» non valida: usare AAAA-MM-GG o GG/MM/AAAA (es. 2026-10-05 o 05/10/2026)."), "\(refused.errors)")
    }

    /// The device's clock fixed at `time` on `day` in Rome (`SPUNTA_NOW`), whatever the day the tests run.
    static func at(_ day: String, _ time: String = "12:30:00+02:00") -> [String: String] {
        [CommandContext.fixedClockVariable: "\(day)T\(time)"]
    }

    @Test("without --date the day is today by the device's clock: a school day scans it, a Saturday is refused as with --date, and --force scans it")
    func todayByTheClock() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        try #require(cards.count >= 2)
        let monday = try door.json(["scan", "--service", "canteen"], input: cards[0].payload + "\n", environment: Self.at(schoolDay))
        #expect(monday.first?["result"] as? String == "ok")
        #expect(try door.strings("SELECT business_date FROM outbox") == [schoolDay])

        let saturday = Self.at("2026-10-03")
        let refused = try door.spunta(["scan", "--service", "canteen"], input: cards[1].payload + "\n", environment: saturday)
        #expect(refused.status == 1)
        #expect(refused.errors.replacingOccurrences(of: "\n", with: " ").contains("Sabato 03/10/2026 la mensa «"), "\(refused.errors)")
        #expect(refused.errors.contains("--force"), "the refusal names the option that overrides it: \(refused.errors)")
        #expect(try door.recordedOps == 1)
        let forced = try door.json(["scan", "--service", "canteen", "--force"], input: cards[1].payload + "\n", environment: saturday)
        #expect(forced.first?["result"] as? String == "ok")
        #expect(try door.strings("SELECT business_date FROM outbox ORDER BY seq") == [schoolDay, "2026-10-03"])
    }

    @Test("a canteen whose service runs on Saturdays (a summer camp's) scans a Saturday without --force, by the service's own days")
    func saturdayService() throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        try door.queue().write { db in
            try db.run("UPDATE record SET body = json_set(body, '$.weekdays', json('[1,2,3,4,5,6]')) WHERE entity = 'services' AND id = 'MENSA-RODARI'")
        }
        let scan = try door.json(["scan", "--service", "canteen"], input: card.payload + "\n", environment: Self.at("2026-10-03"))
        #expect(scan.first?["result"] as? String == "ok", "\(scan)")
        #expect(try door.strings("SELECT business_date FROM outbox") == ["2026-10-03"])
    }

    @Test("on the handheld's 40 columns the refusal is whole, wrapped between words, and names --force",
          .enabled(if: TmuxSession.isAvailable, "tmux is not installed"))
    func refusalOnTheHandheld() throws {
        let door = try FieldDevice(.canteenS01)
        let spunta = ChildProcess.productsDirectory.appendingPathComponent("spunta").path
        let session = try TmuxSession(columns: 40, rows: 20, command: [spunta, "scan", "--service", "canteen", "--home", door.home],
                                      environment: Self.at("2026-10-03"))
        let (screen, ended) = try session.waitForScreen { $0.contains { $0.hasPrefix("[exit ") } }
        #expect(ended, "\(screen)")
        #expect(try session.exitStatus() == 1)
        #expect(screen.allSatisfy { TextWidth.of($0) <= 40 }, "\(screen)")
        let text = screen.joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(text.contains("Sabato 03/10/2026 la mensa «"), "\(screen)")
        #expect(text.contains("nulla registrato. Se la mensa serve davvero oggi, ripetere con --force."), "\(screen)")
        #expect(try door.recordedOps == 0)
    }

    /// The commands whose day is checked at the start, on the device of each, without --date.
    static func today(_ command: String, _ device: FieldDevice) throws -> [String] {
        switch command {
        case "canteen": return ["scan", "--service", "canteen"]
        case "bus": return ["scan", "--service", "transport", "--route", "L1", "--stop", "L1-01", "--direction", "outbound"]
        case "ride": return ["ride", "--route", "L1", "--direction", "outbound"]
        default: return ["roll-call", "--class", "S01-1A", "--absent", try #require(try RollCallTests.children(device).first)]
        }
    }

    static func device(for command: String) throws -> FieldDevice {
        switch command {
        case "canteen": return try FieldDevice(.canteenS01)
        case "roll-call": return try FieldDevice(.teacher)
        default: return try FieldDevice(.bus)
        }
    }

    @Test("without --date the refusal speaks of today and says what to do, never of a --date nobody gave", arguments: [
        ("canteen", "2026-08-01", "non è in servizio oggi, sabato 01/08/2026 (servizio dal "),
        ("bus", "2026-08-01", "Linea 1 – Nord (Borgo) (L1) non è in servizio oggi, sabato 01/08/2026 (servizio dal "),
        ("ride", "2026-08-01", "Linea 1 – Nord (Borgo) (L1) non è in servizio oggi, sabato 01/08/2026 (servizio dal "),
        ("roll-call", "2026-08-01", "Oggi, sabato 01/08/2026, è fuori dall'anno scolastico della classe"),
        ("canteen", "2026-10-03", "Se la mensa serve davvero oggi, ripetere con --force."),
        ("bus", "2026-10-03", "Se lo scuolabus viaggia davvero oggi, ripetere con --force."),
        ("ride", "2026-10-03", "Se lo scuolabus viaggia davvero oggi, ripetere con --force."),
        ("roll-call", "2026-10-03", "Se si deve segnare davvero oggi, ripetere con --force."),
    ])
    func refusedToday(_ command: String, _ day: String, _ message: String) throws {
        let device = try Self.device(for: command)
        let refused = try device.spunta(try Self.today(command, device), input: "", environment: Self.at(day))
        #expect(refused.status == 1)
        let text = refused.errors.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains(message), "\(refused.errors)")
        #expect(!text.contains("--date") && !text.contains("quel giorno"), "\(refused.errors)")
        if day == "2026-08-01" {
            #expect(text.contains("orologio"), "what to do when today is outside: check the device's clock: \(refused.errors)")
        }
        #expect(try device.recordedOps == 0)
    }

}
