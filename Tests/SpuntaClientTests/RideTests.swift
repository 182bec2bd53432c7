import Foundation
import Testing
import SpuntaDomain

/// `spunta ride` through a pipe, as a script sees it: one JSON object per line, the stable result codes.
@Suite("Bus ride through a pipe")
struct RideTests {
    static let ride = ["ride", "--route", "L1", "--date", schoolDay, "--direction", "outbound"]

    @Test("a child of the line's schools who is not on its list, found by name, boards with a warning and is recorded; closing asks first and the end of input leaves the ride open")
    func notEnrolledByName() throws {
        let bus = try FieldDevice(.bus)
        // A Rodari pupil on no line, with a name no other child of the replica shares.
        let names = try bus.strings("""
            SELECT b.surname || ' ' || b.given_name FROM beneficiary b
            WHERE b.id NOT IN (SELECT beneficiary_id FROM enrollment WHERE route_id IS NOT NULL) AND b.class_id LIKE 'S01-%'
                AND (SELECT COUNT(*) FROM beneficiary o WHERE o.surname || ' ' || o.given_name = b.surname || ' ' || b.given_name) = 1
            ORDER BY b.id
            """)
        let name = try #require(names.first, "the bus knows the Rodari children who are on no line")
        let lines = try bus.json(Self.ride, input: "=\(name.lowercased())\nq\n")
        #expect(lines.map { $0["result"] as? String } == ["stop", "not_enrolled", "progress", "confirm_close"])
        #expect(lines[0]["stop"].flatMap { ($0 as? [String: Any])?["number"] as? Int } == 1)
        #expect(lines[1]["recorded"] as? Bool == true)
        #expect(lines[1]["op_type"] as? String == "boarding")
        #expect(lines[1]["name"] as? String == name)
        #expect((lines[1]["message"] as? String)?.contains("non iscritto a questa linea") == true)
        #expect((lines[3]["message"] as? String)?.contains(name) == true)
        #expect(try bus.strings("SELECT type FROM outbox ORDER BY seq") == ["boarding"])
    }

    @Test("a stop by number or by the beginning of its name; an ambiguous name lists the stops; a second read where the child got on is a duplicate, elsewhere an alighting")
    func stopsAndToggle() throws {
        let bus = try FieldDevice(.bus)
        let rider = try #require(try BusTests.riders(bus, route: "L1").first { $0.outbound == "L1-01" })
        let input = ["@via", "1", rider.payload, rider.payload, "@chiesa", rider.payload, "q", "s"].joined(separator: "\n") + "\n"
        let lines = try bus.json(Self.ride, input: input)
        let results = lines.map { $0["result"] as? String ?? "?" }
        // Leaving stop 1 says who of its children did not get on (the others enrolled there).
        #expect(results == ["stop", "stop_choice", "stop", "ok", "progress", "duplicate", "left_stop", "stop", "wrong_stop", "progress", "ride_closed"],
                "\(results)")
        guard results.count == 11 else { return }
        #expect((lines[1]["candidates"] as? [[String: Any]])?.count ?? 0 >= 2)
        #expect(lines[3]["op_type"] as? String == "boarding")
        #expect((lines[6]["missing"] as? [[String: Any]])?.contains { $0["beneficiary_id"] as? String == rider.child } == false)
        #expect((lines[7]["stop"] as? [String: Any])?["name"] as? String == "Chiesa di San Martino")
        #expect(lines[8]["op_type"] as? String == "alighting")
        #expect((lines[8]["message"] as? String)?.hasPrefix("ATTENZIONE: scende a Chiesa di San Martino, ma la sua fermata di discesa è Scuola primaria «") == true)
        // Nobody aboard: closed at once, no question.
        #expect((lines[10]["aboard"] as? [Any])?.isEmpty == true)
        #expect(try bus.strings("SELECT type FROM outbox ORDER BY seq") == ["boarding", "alighting", "ride_closed"])
    }

    @Test("a ride reopened the same day goes on from the stop of the last boarding or alighting; the end of input leaves it open")
    func resumes() throws {
        let bus = try FieldDevice(.bus)
        let rider = try #require(try BusTests.riders(bus, route: "L1").first { $0.outbound == "L1-03" })
        let first = try bus.spunta(Self.ride + ["--json"], input: "3\n\(rider.payload)\n")
        #expect(first.status == 0)
        #expect(try bus.strings("SELECT type FROM outbox ORDER BY seq") == ["boarding"])
        let again = try #require(try bus.json(Self.ride, input: "").first)
        #expect((again["stop"] as? [String: Any])?["id"] as? String == "L1-03")
        #expect((again["aboard"] as? [[String: Any]])?.map { $0["beneficiary_id"] as? String } == [rider.child])
    }

    @Test("a device with two lines must say which; the error names them, in Italian")
    func routeRequired() throws {
        let bus = try FieldDevice(.bus)
        let result = try bus.spunta(["ride", "--date", schoolDay], input: "")
        #expect(result.status == 1)
        #expect(result.errors.contains("Questo dispositivo ha più linee (L1, L2): indicare quale con --route."))
    }

    @Test("the end of a ride is not voided, and the refusal says the office learns of it at the next sync until the server has it")
    func closedRideIsFinal() throws {
        let bus = try FieldDevice(.bus)
        let lines = try bus.json(Self.ride, input: "q\n")
        #expect(lines.last?["result"] as? String == "ride_closed", "\(lines)")
        let closed = try #require(try bus.strings("SELECT id FROM outbox WHERE type = 'ride_closed'").first)
        #expect(try bus.spunta(["recent"]).status == 0)
        let offline = try bus.spunta(["void", "1", "--reason", "errore"])
        #expect(offline.status == 1)
        let words = offline.errors.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("l'ufficio ne sarà avvisato alla prossima sincronizzazione"), "\(words)")
        #expect(!words.contains("già stato avvisato"), "\(words)")
        // Once the server has acknowledged it, the office has been told.
        try bus.queue().write { db in try db.run("UPDATE outbox SET state = 'acked' WHERE id = ?", [closed]) }
        let sent = try bus.spunta(["void", "--op", closed, "--reason", "errore"])
        #expect(sent.status == 1)
        #expect(sent.errors.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("l'ufficio ne è già stato avvisato"), "\(sent.errors)")
        #expect(try bus.strings("SELECT id FROM outbox WHERE type = 'void'").isEmpty)
    }
}

/// The day of `spunta ride`, checked as the roll call checks the register's (`SchoolDay`, asked of the line's
/// service) before anything is shown or recorded.
@Suite("The ride's day")
struct RideDayTests {
    static func ride(_ date: String) -> [String] { ["ride", "--route", "L1", "--date", date, "--direction", "outbound"] }

    /// A day `days` after today on Rome's clock, as the program reads it.
    static func fromToday(_ days: Int) -> String {
        BusinessCalendar.date(of: Date()).adding(days: days).description
    }

    @Test("a day the line cannot have run is refused in Italian, naming the day and what to do; --force opens it only where the roll call's would", arguments: [
        ("2026-08-01", "Linea 1 – Nord (Borgo) (L1) non è in servizio il 01/08/2026 (servizio dal 14/09/2026 al 09/06/2027): nulla registrato. Controllare la data (--date).", false),
        ("2026-10-03", "Sabato 03/10/2026 Linea 1 – Nord (Borgo) (L1) non viaggia (fine settimana): corsa non aperta, nulla registrato. Se lo scuolabus viaggia proprio quel giorno, ripetere con --force.", true),
        ("2026-11-11", "Mercoledì 11/11/2026 Linea 1 – Nord (Borgo) (L1) non viaggia (Festa del patrono (San Martino)): corsa non aperta", true),
        (fromToday(3), "non è ancora arrivato (oggi è ", false),
        (fromToday(120), "una corsa si registra il giorno in cui si fa. Nulla registrato: controllare la data (--date).", false),
    ])
    func refusedDay(_ date: String, _ message: String, _ forceOpens: Bool) throws {
        let bus = try FieldDevice(.bus)
        let rider = try #require(try BusTests.riders(bus, route: "L1").first { $0.outbound == "L1-01" })
        let forced = try bus.expectRefusedDay(Self.ride(date), input: rider.payload + "\n", message: message, forceRecords: forceOpens)
        if forceOpens {
            #expect(forced.output.map { JSON.object($0)["result"] as? String } .prefix(2) == ["stop", "ok"])
        }
    }

    @Test("a school day in the past opens as before")
    func schoolDayOpens() throws {
        let bus = try FieldDevice(.bus)
        let lines = try bus.json(Self.ride(schoolDay), input: "")
        #expect(lines.first?["result"] as? String == "stop")
    }
}
