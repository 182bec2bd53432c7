import Foundation
import SpuntaClient
import SpuntaDomain
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
        let refused = try door.spunta(Self.canteen(date), input: card.payload + "\n")
        #expect(refused.status == 1)
        #expect(refused.errors.replacingOccurrences(of: "\n", with: " ").contains(message), "\(refused.errors)")
        #expect(refused.output.isEmpty, "nothing shown: \(refused.output)")
        #expect(try door.recordedOps == 0)
        let forced = try door.spunta(Self.canteen(date) + ["--force", "--json"], input: card.payload + "\n")
        if forceRecords {
            #expect(forced.status == 0, "\(forced.errors)")
            #expect(try door.recordedOps == 1)
        } else {
            #expect(forced.status == 1)
            #expect(try door.recordedOps == 0)
        }
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
}
