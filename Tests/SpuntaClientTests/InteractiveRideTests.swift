import Foundation
import SpuntaCLI
import SpuntaStore
import SpuntaTestSupport
import Testing

/// The bus attendant's ride as it is lived: `spunta ride` in a real terminal (tmux) of the handheld's size, cards
/// typed as the scanner types them, the screen read back; then the end of the ride reaching the real server.
@Suite("Bus ride in a terminal", .serialized, .enabled(if: TmuxSession.isAvailable, "tmux is not installed: the ride cannot be driven through a real terminal"))
struct InteractiveRideTests {
    static var spunta: String { ChildProcess.productsDirectory.appendingPathComponent("spunta").path }

    struct Child {
        let id: String
        let card: String
        let name: String
        let stop: String
        let stopName: String
    }

    /// Children on line L1 whose school is Rodari (S01), with their morning stop, in stop order.
    static func riders(_ d: Deployment) throws -> [Child] {
        try DatabaseQueue(path: d.db).read { db in
            try db.fetchAll("""
                SELECT b.id, c.id, b.surname || ' ' || b.given_name, e.outbound_stop_id, s.name FROM enrollment e
                JOIN beneficiary b ON b.id = e.beneficiary_id JOIN card c ON c.beneficiary_id = b.id AND c.revoked_on IS NULL
                JOIN school_class k ON k.id = b.class_id JOIN stop s ON s.id = e.outbound_stop_id
                WHERE e.route_id = 'L1' AND k.site_id = 'S01' AND e.deleted = 0 ORDER BY s.position, b.id
                """).map { Child(id: try $0[0], card: "SPUNTA1:" + (try $0[1] as String), name: try $0[2], stop: try $0[3], stopName: try $0[4]) }
        }
    }

    static func type(_ session: TmuxSession, _ line: String) throws {
        try session.type(line)
        try session.press("Enter")
    }

    @Test("a ride at three stops on 40×20: one child missing at a stop, one left aboard, the close names them, and the office gets one alert from the real server")
    func rideWithChildLeftAboard() throws {
        let d = try Deployment()
        try d.startServer()
        let bus = try d.device("bus", role: .bus, scope: "route:L1")
        #expect(try d.admin(["alerts", "add-recipient", "--db", d.db, "--email", "ufficio@comune.example.it"]).status == 0)
        // A stop with two Rodari children (one boards, one is missing), and a later stop with another (left aboard).
        let all = try Self.riders(d)
        let byStop = Dictionary(grouping: all, by: \.stop)
        let first = try #require(all.first { byStop[$0.stop]?.count ?? 0 >= 2 }, "the sample has a stop of L1 with two Rodari children")
        let missing = try #require(byStop[first.stop]?.first { $0.id != first.id })
        let later = try #require(all.first { $0.stop > first.stop })
        let stopNumber = { (id: String) in Int(id.split(separator: "-").last ?? "") ?? 0 }

        let session = try TmuxSession(columns: 40, rows: 20, command: [
            Self.spunta, "ride", "--date", schoolDay, "--direction", "outbound", "--home", bus,
        ])
        let dump = { (screen: [String]) in InteractiveCanteenDoorTests.dump(screen) }
        var screen = try InteractiveCanteenDoorTests.expectScreen(session, "the first stop") { $0.contains { $0.hasPrefix(">>   Fermata 1 di 14:") } }
        // The line said once, wrapped within the 40 columns.
        #expect(ScanTests.unwrapped(screen).contains { $0.hasPrefix("Linea 1 – Nord (Borgo) (L1), ") }, dump(screen))
        #expect(!ScanTests.unwrapped(screen).contains { $0.contains("Linea L1 Linea") }, dump(screen))

        // Stop 1 of the three: chosen by number; one of its two children boards.
        try Self.type(session, String(stopNumber(first.stop)))
        // The stop's list is drawn a child a line: wait for its end, the count aboard, after the header.
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the chosen stop") { lines in
            guard let header = lines.lastIndex(where: { $0.hasPrefix(">>   Fermata \(stopNumber(first.stop)) di 14:") }) else { return false }
            return lines[header...].contains { $0.hasPrefix("#    A bordo: ") }
        }
        #expect(ScanTests.unwrapped(screen).contains { $0.hasPrefix("SU   Salgono qui (") && $0.contains(missing.name) && $0.contains(first.name) }, dump(screen))
        try Self.type(session, first.card)
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the boarding and who is still missing") { $0.contains { $0.hasPrefix("#    Qui mancano:") } }
        #expect(ScanTests.unwrapped(screen).contains { $0.hasPrefix("OK   \(first.name) (") && $0.hasSuffix(": sale a bordo.") }, dump(screen))
        #expect(ScanTests.unwrapped(screen).contains { $0.hasPrefix("#    Qui mancano: ") && $0.contains(missing.name) }, dump(screen))

        // Stop 2: chosen by name; leaving stop 1 says who was left behind.
        try Self.type(session, "@" + later.stopName.prefix(12))
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the second stop") {
            $0.contains { $0.hasPrefix(">>   Fermata \(stopNumber(later.stop)) di 14:") }
        }
        #expect(ScanTests.unwrapped(screen).contains { $0.hasPrefix("ATT. Partiti da \(first.stopName) senza ") && $0.contains(missing.name) }, dump(screen))
        try Self.type(session, later.card)
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the second boarding") { $0.contains { $0.hasPrefix("#    A bordo: 2.") || $0.contains("A bordo: 2.") } }

        // Stop 3: the Rodari school; the first child gets off, the other stays aboard.
        try Self.type(session, "@scuola primaria «gianni")
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the school stop") { $0.contains { $0.contains("«Gianni Rodari» (andata, 07:55)") } }
        try Self.type(session, first.card)
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the alighting") { ScanTests.unwrapped($0).contains { $0.hasSuffix(": scende.") } }
        #expect(InteractiveCanteenDoorTests.widest(screen) <= 40, dump(screen))

        // Closing asks, naming the child still aboard; yes closes it.
        try Self.type(session, "q")
        // Waited for whole: the question is written in more than one piece on a busy machine.
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the question") {
            ScanTests.unwrapped($0).contains { $0.hasPrefix("??   Ancora a bordo:") && $0.hasSuffix("s/n") }
        }
        let question = try #require(ScanTests.unwrapped(screen).first { $0.hasPrefix("??   ") }, dump(screen))
        #expect(question.contains(later.name), dump(screen))
        #expect(!question.contains(first.name), dump(screen))
        #expect(question.hasSuffix("s/n"), dump(screen))
        #expect(InteractiveCanteenDoorTests.widest(screen) <= 40, dump(screen))
        try Self.type(session, "s")
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the ride closed, the program ends") { $0.contains { $0.hasPrefix("[exit ") } }
        #expect(ScanTests.unwrapped(screen).contains { $0.hasPrefix("FINE Corsa chiusa (andata) con a bordo: \(later.name)") }, dump(screen))
        #expect(try session.exitStatus() == 0)

        // On the device, durably: the ride_closed op lists the child left aboard, and only that child.
        let device = try DatabaseQueue(path: (bus as NSString).appendingPathComponent("spunta.sqlite"))
        let aboard: String? = try device.read { try $0.scalar("SELECT json_extract(json, '$.aboard') FROM outbox WHERE type = 'ride_closed'") }
        #expect(aboard == "[\"\(later.id)\"]")

        // The server: the op merged, one alert for the office, one message in the outbox; a second sync adds none.
        #expect(try d.spunta(bus, ["sync"]).status == 0)
        #expect(try d.spunta(bus, ["sync"]).status == 0)
        let status: String? = try d.query("SELECT merge_status FROM op WHERE type = 'ride_closed'")
        #expect(status == "applied")
        let alerts: Int? = try d.query("SELECT COUNT(*) FROM office_alert WHERE kind = 'child_left_aboard'")
        let alerted: String? = try d.query("SELECT subject FROM office_alert WHERE kind = 'child_left_aboard'")
        let messages: Int? = try d.query("SELECT COUNT(*) FROM outbox_message WHERE kind = 'office_alert_child_left_aboard'")
        #expect(alerts == 1)
        #expect(alerted == later.id)
        #expect(messages == 1)

        // on-board lists the child, with the school's whole name, and exits 3: the ride is over.
        let onBoard = try d.spunta(bus, ["on-board", "--date", schoolDay])
        #expect(onBoard.status == 3, "\(onBoard.output)")
    }

    @Test("on the return run at the Montessori stop, a Rodari child's card: the warning stays on a 40×30 screen, whole, the missing only counted; the child left aboard reaches the office named by stop and device")
    func wrongSchoolWarningStaysInView() throws {
        let d = try Deployment()
        try d.startServer()
        let bus = try d.device("bus", role: .bus, scope: "route:L1")
        #expect(try d.admin(["alerts", "add-recipient", "--db", d.db, "--email", "ufficio@comune.example.it"]).status == 0)
        let rodari = try #require(try Self.riders(d).first, "the sample has Rodari children on L1")
        let session = try TmuxSession(columns: 40, rows: 30, command: [
            Self.spunta, "ride", "--date", schoolDay, "--direction", "return", "--home", bus,
        ])
        let dump = { (screen: [String]) in InteractiveCanteenDoorTests.dump(screen) }
        // The first stop's list may be longer than the screen: its end, the count aboard, says it is drawn.
        _ = try InteractiveCanteenDoorTests.expectScreen(session, "the first stop") { $0.contains { $0.hasPrefix("#    A bordo: 0.") } }
        try Self.type(session, "@scuola primaria «maria")
        // The stop's list of the whole school is drawn line by line: wait for its last line, the count aboard.
        var screen = try InteractiveCanteenDoorTests.expectScreen(session, "the Montessori stop") { lines in
            let unwrapped = ScanTests.unwrapped(lines)
            // The list is longer than the screen: the stop's header scrolls away.
            guard let list = unwrapped.lastIndex(where: { $0.hasPrefix("SU   Salgono qui (") }) else { return false }
            return unwrapped[list...].contains { $0.hasPrefix("#    A bordo: 0.") }
        }
        try Self.type(session, rodari.card)
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the warning and the count after it") { lines in
            let unwrapped = ScanTests.unwrapped(lines)
            guard let warning = unwrapped.lastIndex(where: { $0.hasPrefix("ATT. \(rodari.name) (") }) else { return false }
            return unwrapped[warning...].contains { $0.hasPrefix("#    ") && $0.hasSuffix("A bordo: 1.") }
        }
        let lines = ScanTests.unwrapped(screen)
        let warning = try #require(lines.lastIndex { $0.hasPrefix("ATT. \(rodari.name) (") }, dump(screen))
        #expect(lines[warning].contains("Montessori") || lines[warning].contains("Rodari"), "the warning names the school: \(dump(screen))")
        // Said once, by «ATT.», and whole: what happened, the child's own school, and that it was recorded.
        #expect(!lines[warning].contains("ATTENZIONE"), "the warning word is not said twice: \(dump(screen))")
        #expect(lines[warning].contains("): sale a Scuola primaria «Maria Montessori», ma la sua scuola (classe "), dump(screen))
        #expect(lines[warning].hasSuffix("Registrato comunque."), dump(screen))
        let after = lines[warning...].dropFirst()
        #expect(!after.contains { $0.hasPrefix("#    Qui mancano:") }, "no list of the whole school under the warning: \(dump(screen))")
        #expect(after.contains { $0.hasPrefix("#    Qui mancano ancora ") }, dump(screen))
        #expect(InteractiveCanteenDoorTests.widest(screen) <= 40, dump(screen))

        // Closed with the child aboard: the office's alert says where the child got on and which device recorded it.
        try Self.type(session, "q")
        _ = try InteractiveCanteenDoorTests.expectScreen(session, "the question") { $0.contains { $0.hasPrefix("??   Ancora a bordo:") } }
        try Self.type(session, "s")
        _ = try InteractiveCanteenDoorTests.expectScreen(session, "the ride closed, the program ends") { $0.contains { $0.hasPrefix("[exit ") } }
        #expect(try d.spunta(bus, ["sync"]).status == 0)
        let list = try d.admin(["alerts", "list", "--db", d.db])
        #expect(list.status == 0, "\(list.errors)")
        #expect(list.output.split(separator: "\n").contains("1 avviso."), "\(list.output)")
        let body = list.output.replacingOccurrences(of: "\n", with: " ")
        #expect(body.contains("alla fermata Scuola primaria «Maria Montessori», registrato dal dispositivo «bus»"), "\(list.output)")
        #expect(body.contains("chiusa dal dispositivo «bus»"), "\(list.output)")
        #expect(!body.contains("a scuola Scuola") && !body.contains("(bus)"), "\(list.output)")
    }

    @Test("on the return run at the Montessori stop, 40 columns: the school is the stop's header, said once, and every child getting on is one line of name and class")
    func schoolStopListsChildrenOnePerLine() throws {
        let d = try Deployment()
        try d.startServer()
        let bus = try d.device("bus", role: .bus, scope: "route:L1")
        let boarding: [String] = try DatabaseQueue(path: d.db).read { db in
            try db.fetchAll("""
                SELECT b.surname || ' ' || b.given_name || ' (' || k.name || ')' FROM enrollment e
                JOIN beneficiary b ON b.id = e.beneficiary_id JOIN school_class k ON k.id = b.class_id JOIN site t ON t.id = k.site_id
                WHERE e.route_id = 'L1' AND e.deleted = 0 AND e.return_stop_id IS NOT NULL AND t.name LIKE '%Montessori%'
                """).map { try $0[0] as String }
        }
        try #require(boarding.count > 5, "the sample has Montessori children going home on L1")
        let session = try TmuxSession(columns: 40, rows: boarding.count + 40, command: [
            Self.spunta, "ride", "--date", schoolDay, "--direction", "return", "--home", bus,
        ])
        let dump = { (screen: [String]) in InteractiveCanteenDoorTests.dump(screen) }
        let screen = try InteractiveCanteenDoorTests.expectScreen(session, "the Montessori stop, whole") { lines in
            guard let header = lines.firstIndex(where: { $0.hasPrefix(">>   Fermata 1 di 14: Scuola primaria") }) else { return false }
            return lines[header...].contains { $0.hasPrefix("#    A bordo: 0.") }
        }
        let header = try #require(screen.firstIndex { $0.hasPrefix(">>   Fermata 1 di 14: Scuola primaria") }, dump(screen))
        #expect(screen[header + 1].hasPrefix("     «Maria Montessori» (ritorno"), dump(screen))
        #expect(screen[header + 2] == "SU   Salgono qui (\(boarding.count)):", dump(screen))
        let list = screen[(header + 3)...].prefix { !$0.hasPrefix("#") }
        #expect(list.sorted() == boarding.map { "     " + $0 }.sorted(), dump(screen))
        #expect(!list.contains { $0.contains("Montessori") }, "the school is said once, by the stop: \(dump(screen))")
        #expect(InteractiveCanteenDoorTests.widest(screen) <= 40, dump(screen))

        // Leaving with nobody aboard: the warning names the school once, as the stop, and every child by name and class.
        try Self.type(session, ">")
        let left = try InteractiveCanteenDoorTests.expectScreen(session, "the warning on leaving") { lines in
            guard let warning = ScanTests.unwrapped(lines).last(where: { $0.hasPrefix("ATT. Partiti da Scuola primaria") }) else { return false }
            return warning.hasSuffix(".")
        }
        let warning = try #require(ScanTests.unwrapped(left).last { $0.hasPrefix("ATT. Partiti da Scuola primaria") }, dump(left))
        #expect(warning.components(separatedBy: "Montessori").count == 2, dump(left))
        #expect(boarding.allSatisfy { warning.contains($0) }, dump(left))
        #expect(InteractiveCanteenDoorTests.widest(left) <= 40, dump(left))
        try session.press("C-d")
        _ = try InteractiveCanteenDoorTests.expectScreen(session, "the program ends") { $0.contains { $0.hasPrefix("[exit ") } }
    }

    /// A child on L1's list with class, school and the school's name.
    struct Listed {
        let id: String
        let card: String
        let name: String
        let className: String
        let site: String
        let school: String
        let stop: String
    }

    @Test("on a line serving two schools with the same class names, a class that is in both is shown with its school, whole on 40 columns; a class of one school alone is not")
    func classesOfTwoSchools() throws {
        let d = try Deployment()
        try d.startServer()
        let bus = try d.device("bus", role: .bus, scope: "route:L1")
        let listed = try DatabaseQueue(path: d.db).read { db in
            try db.fetchAll("""
                SELECT b.id, c.id, b.surname || ' ' || b.given_name, k.name, k.site_id, t.name, e.outbound_stop_id FROM enrollment e
                JOIN beneficiary b ON b.id = e.beneficiary_id JOIN card c ON c.beneficiary_id = b.id AND c.revoked_on IS NULL
                JOIN school_class k ON k.id = b.class_id JOIN site t ON t.id = k.site_id JOIN stop s ON s.id = e.outbound_stop_id
                WHERE e.route_id = 'L1' AND e.deleted = 0 ORDER BY s.position, b.id
                """).map {
                Listed(id: try $0[0], card: "SPUNTA1:" + (try $0[1] as String), name: try $0[2], className: try $0[3], site: try $0[4],
                       school: try $0[5], stop: try $0[6])
            }
        }
        // "2B" of Rodari and of Montessori both ride L1; a class name with one school on the line needs no school.
        let schoolsOfClass = Dictionary(grouping: listed, by: \.className).mapValues { Set($0.map(\.site)) }
        let shared = { (child: Listed) in (schoolsOfClass[child.className]?.count ?? 0) > 1 }
        let byStop = Dictionary(grouping: listed, by: \.stop)
        let stop = try #require(listed.map(\.stop).first { id in
            let here = byStop[id] ?? []
            return here.contains(where: shared) && here.contains { !shared($0) } && Set(here.filter(shared).map(\.site)).count > 1
        }, "the sample has a stop of L1 where children of a class of both schools and of a class of one school get on")
        let here = try #require(byStop[stop])
        let ambiguous = here.filter(shared), plain = here.filter { !shared($0) }
        let number = Int(stop.split(separator: "-").last ?? "") ?? 0

        let session = try TmuxSession(columns: 40, rows: 30, command: [
            Self.spunta, "ride", "--date", schoolDay, "--direction", "outbound", "--home", bus,
        ])
        let dump = { (screen: [String]) in InteractiveCanteenDoorTests.dump(screen) }
        _ = try InteractiveCanteenDoorTests.expectScreen(session, "the first stop") { $0.contains { $0.hasPrefix(">>   Fermata 1 di 14:") } }
        try Self.type(session, String(number))
        // The stop's list is the last on the screen (the first stop's may still show above it); the header is drawn
        // before the list, so the screen is taken once the list below the header names every child of the stop.
        let stopList = { (screen: [String]) -> String? in
            let lines = ScanTests.unwrapped(screen)
            guard let header = lines.lastIndex(where: { $0.hasPrefix(">>   Fermata \(number) di 14:") }),
                  let list = lines[header...].last(where: { $0.hasPrefix("SU   Salgono qui (") }),
                  here.allSatisfy({ list.contains($0.name) }) else { return nil }
            return list
        }
        var screen = try InteractiveCanteenDoorTests.expectScreen(session, "the stop's list") { stopList($0) != nil }
        let expected = try #require(stopList(screen), dump(screen))
        // One child a line, each under its school's name, said once for the group: a stop of children of both
        // schools leaves nobody above the headers, as if of no school — a class of one school ("4B" of Rodari)
        // too — and names no school beside a child.
        let drawn = Array(screen[try #require(screen.lastIndex { $0.hasPrefix(">>   Fermata \(number) di 14:") }, dump(screen))...])
        let listTop = try #require(drawn.firstIndex { $0.hasPrefix("SU   Salgono qui (") }, dump(screen))
        #expect(drawn.dropFirst(listTop + 1).first?.hasSuffix(":") == true, "a school's header first: \(dump(screen))")
        for child in plain + ambiguous {
            let heading = try #require(drawn.firstIndex(of: "     \(child.school):"), dump(screen))
            let next = drawn[(heading + 1)...].firstIndex { !$0.hasPrefix("       ") } ?? drawn.endIndex
            #expect(drawn[(heading + 1)..<next].contains("       \(child.name) (\(child.className))"), dump(screen))
        }
        #expect(!expected.contains("\(ambiguous[0].className), "), "no school beside a child in the list: \(dump(screen))")
        #expect(InteractiveCanteenDoorTests.widest(screen) <= 40, dump(screen))

        // The card's answer and the children still missing name the school the same way.
        let first = try #require(ambiguous.first)
        try Self.type(session, first.card)
        // The list of those missing is drawn line by line: wait for its end (the count aboard), not for its first line.
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the boarding") { lines in
            ScanTests.unwrapped(lines).contains { $0.hasPrefix("#    Qui mancano:") && $0.hasSuffix("A bordo: 1.") }
        }
        #expect(ScanTests.unwrapped(screen).contains("OK   \(first.name) (\(first.className), \(first.school)): sale a bordo."), dump(screen))
        let missing = try #require(ScanTests.unwrapped(screen).last { $0.hasPrefix("#    Qui mancano: ") }, dump(screen))
        for child in ambiguous.dropFirst() {
            #expect(missing.contains("\(child.name) (\(child.className), \(child.school))"), dump(screen))
        }
        #expect(InteractiveCanteenDoorTests.widest(screen) <= 40, dump(screen))

        // Who is aboard, and on-board, the same.
        try Self.type(session, "#")
        // The count comes first and the children after it: wait for the child's line, not only the count's.
        let aboard = "\(first.name) (\(first.className), \(first.school)): scende a "
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "who is aboard") { lines in
            lines.contains { $0.hasPrefix("#    A bordo: 1.") } && ScanTests.unwrapped(lines).contains { $0.contains(aboard) }
        }
        #expect(ScanTests.unwrapped(screen).contains { $0.contains("\(first.name) (\(first.className), \(first.school)): scende a ") }, dump(screen))
        #expect(InteractiveCanteenDoorTests.widest(screen) <= 40, dump(screen))
        try session.press("C-d")
        screen = try InteractiveCanteenDoorTests.expectScreen(session, "the program ends") { $0.contains { $0.hasPrefix("[exit ") } }
        let onBoard = try d.spunta(bus, ["on-board", "--date", schoolDay])
        #expect(onBoard.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(onBoard.output)")
        #expect(ReportsTests.joined(onBoard.output, indent: 4).contains { $0.contains("\(first.name) (\(first.className), \(first.school))") },
                "\(onBoard.output)")
    }
}
