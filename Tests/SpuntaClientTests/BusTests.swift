import Foundation
import Testing

/// The bus attendant's day with the real `spunta`: boardings and alightings, who is on board, who never got off.
@Suite("Scanning on the school bus")
struct BusTests {
    /// Children enrolled on a route with their stops, and an active card: (payload, child, outbound stop, return stop).
    static func riders(_ bus: FieldDevice, route: String) throws -> [(payload: String, child: String, outbound: String, back: String)] {
        try bus.queue().read { db in
            try db.fetchAll("""
                SELECT c.id, e.beneficiary_id, e.outbound_stop_id, e.return_stop_id FROM enrollment e
                JOIN card c ON c.beneficiary_id = e.beneficiary_id AND c.revoked_on IS NULL
                WHERE e.route_id = ? ORDER BY e.beneficiary_id
                """, [route]).map { ("SPUNTA1:" + (try $0[0] as String), try $0[1], try $0[2], try $0[3]) }
        }
    }

    static func scan(_ route: String, _ stop: String, _ direction: String, alighting: Bool = false) -> [String] {
        ["scan", "--service", "transport", "--route", route, "--stop", stop, "--direction", direction, "--date", schoolDay]
            + (alighting ? ["--alighting"] : [])
    }

    static let onBoardL1 = ["on-board", "--route", "L1", "--date", schoolDay]

    @Test("morning: a child boards at the stop, is on board, gets off at school and is no longer on board")
    func boardThenAlight() throws {
        let bus = try FieldDevice(.bus)
        let rider = try #require(try Self.riders(bus, route: "L1").first)
        let boarded = try #require(try bus.json(Self.scan("L1", rider.outbound, "outbound"), input: rider.payload + "\n").first)
        #expect(boarded["result"] as? String == "ok")
        #expect(boarded["message"] as? String == "Sale a bordo.")
        #expect(boarded["recorded"] as? Bool == true)
        let onBoard = JSON.array(try bus.spunta(Self.onBoardL1 + ["--json"]).output.joined())
        #expect(onBoard.count == 1)
        #expect(onBoard.first?["beneficiary_id"] as? String == rider.child)
        #expect(onBoard.first?["direction"] as? String == "andata")
        // The child's own school, by its whole name (the line serves two).
        #expect((onBoard.first?["expected_stop"] as? String)?.hasPrefix("Scuola primaria «") == true)
        // Boarding twice on the same run is refused.
        let again = try bus.json(Self.scan("L1", rider.outbound, "outbound"), input: rider.payload + "\n").first
        #expect(again?["result"] as? String == "duplicate")
        #expect(again?["recorded"] as? Bool == false)

        let alighted = try #require(try bus.json(Self.scan("L1", "school", "outbound", alighting: true), input: rider.payload + "\n").first)
        #expect(alighted["result"] as? String == "ok")
        #expect(alighted["message"] as? String == "Scende.")
        #expect(JSON.array(try bus.spunta(Self.onBoardL1 + ["--json"]).output.joined()).isEmpty)
        let human = try bus.spunta(Self.onBoardL1)
        #expect(human.output == ["Linea L1: nessun bambino a bordo."])
        #expect(try bus.strings("SELECT type FROM outbox ORDER BY seq") == ["boarding", "alighting"])
    }

    @Test("afternoon: children board at school; at the end of the route the one who never got off is listed with the stop")
    func neverAlighted() throws {
        let bus = try FieldDevice(.bus)
        let riders = Array(try Self.riders(bus, route: "L1").prefix(3))
        try #require(riders.count == 3)
        let boarded = try bus.json(Self.scan("L1", "school", "return"), input: riders.map { $0.payload + "\n" }.joined())
        #expect(boarded.map { $0["result"] as? String } == ["ok", "ok", "ok"])
        let human = try bus.spunta(Self.onBoardL1)
        #expect(human.output.first == "Linea L1: 3 a bordo")
        // Two get off at their stops; the third is forgotten on the bus.
        for rider in riders.prefix(2) {
            let off = try bus.json(Self.scan("L1", rider.back, "return", alighting: true), input: rider.payload + "\n").first
            #expect(off?["result"] as? String == "ok")
        }
        let left = JSON.array(try bus.spunta(Self.onBoardL1 + ["--json"]).output.joined())
        #expect(left.count == 1)
        let forgotten = riders[2]
        #expect(left.first?["beneficiary_id"] as? String == forgotten.child)
        #expect(left.first?["direction"] as? String == "ritorno")
        #expect(left.first?["boarded_at"] as? String == "scuola")
        let stopName: String? = try bus.scalar(
            "SELECT json_extract(s.value, '$.name') FROM record r, json_each(r.body, '$.stops') s WHERE r.entity = 'routes' AND r.id = 'L1' AND json_extract(s.value, '$.id') = ?",
            [forgotten.back])
        #expect(stopName != nil)
        #expect(left.first?["expected_stop"] as? String == stopName)
    }

    @Test("boarding at another stop than the child's: wrong_stop, recorded anyway, naming the right stop")
    func wrongStop() throws {
        let bus = try FieldDevice(.bus)
        let rider = try #require(try Self.riders(bus, route: "L1").first)
        let other = rider.outbound == "L1-01" ? "L1-02" : "L1-01"
        let answer = try #require(try bus.json(Self.scan("L1", other, "outbound"), input: rider.payload + "\n").first)
        #expect(answer["result"] as? String == "wrong_stop")
        #expect(answer["recorded"] as? Bool == true)
        #expect(answer["op_id"] as? String != nil)
        #expect((answer["message"] as? String)?.hasPrefix("ATTENZIONE: sale a ") == true)
        #expect((answer["message"] as? String)?.contains(", ma la sua fermata di salita è ") == true)
        #expect(try bus.recordedOps == 1)
        let human = try FieldDevice(.bus).spunta(Self.scan("L1", other, "outbound"), input: rider.payload + "\n")
        #expect(human.output.first?.hasPrefix("ATT. ") == true)
        // The word «ATT.» says it is a warning; the sentence after the child's name does not say it again.
        let warning = try #require(ScanTests.unwrapped(human.output).first { $0.hasPrefix("ATT. ") }, "\(human.output)")
        #expect(!warning.contains("ATTENZIONE"), "\(human.output)")
        #expect(warning.contains("): sale a ") && warning.hasSuffix("Registrato comunque."), "\(human.output)")
    }

    @Test("a child of another line on this bus: not_enrolled, recorded anyway (the child is on the bus)")
    func notEnrolledOnThisLine() throws {
        let bus = try FieldDevice(.bus)
        let stranger = try #require(try Self.riders(bus, route: "L2").first { rider in
            try Self.riders(bus, route: "L1").allSatisfy { $0.child != rider.child }
        })
        let answer = try #require(try bus.json(Self.scan("L1", "L1-01", "outbound"), input: stranger.payload + "\n").first)
        #expect(answer["result"] as? String == "not_enrolled")
        #expect(answer["recorded"] as? Bool == true)
        #expect((answer["message"] as? String)?.contains("non iscritto a questa linea") == true)
        #expect(try bus.recordedOps == 1)
        let onBoard = JSON.array(try bus.spunta(Self.onBoardL1 + ["--json"]).output.joined())
        #expect(onBoard.map { $0["beneficiary_id"] as? String } == [stranger.child])
    }

    @Test("a stop that is not on the line is refused before any scan, in Italian")
    func unknownStop() throws {
        let bus = try FieldDevice(.bus)
        let result = try bus.spunta(Self.scan("L1", "L2-01", "outbound"), input: "")
        #expect(result.status == 1)
        #expect(result.errors.contains("La fermata L2-01 non è nell'ambito di questo dispositivo"))
    }
}
