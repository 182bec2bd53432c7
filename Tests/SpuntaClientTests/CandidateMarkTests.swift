import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaTestSupport
import Testing

/// `?cognome` lists the children to record by name; a child already served today (the canteen) or already on this
/// ride (the bus) is marked in the list, not hidden, so that the worker does not record a duplicate blindly.
@Suite("Candidates already served or aboard")
struct CandidateMarkTests {
    static func fullName(_ device: FieldDevice, _ id: String) throws -> String {
        try #require(try device.queue().read { try ReplicaStore($0).beneficiary(id)?.fullName })
    }

    static func candidate(_ answer: [String: Any], _ id: String) -> [String: Any]? {
        (answer["candidates"] as? [[String: Any]])?.first { $0["beneficiary_id"] as? String == id }
    }

    @Test("at the canteen door «?nome» marks the child already served today with the time of the meal, and leaves the others unmarked")
    func canteenJSON() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        let served = try #require(cards.first)
        let other = try #require(cards.first { $0.beneficiary != served.beneficiary })
        let run = try door.scan(["scan", "--service", "canteen", "--date", schoolDay], input: """
            \(served.payload)
            ?\(try Self.fullName(door, served.beneficiary))
            ?\(try Self.fullName(door, other.beneficiary))

            """)
        #expect(run.answers.map { $0["result"] as? String } == ["ok", "candidates", "candidates"])
        let marked = try #require(Self.candidate(run.answers[1], served.beneficiary), "\(run.answers[1])")
        #expect(marked["already"] as? String == "served")
        #expect((marked["already_at"] as? String)?.count == 5, "\(marked)")
        let unmarked = try #require(Self.candidate(run.answers[2], other.beneficiary), "\(run.answers[2])")
        #expect(unmarked["already"] == nil)
        #expect(try door.recordedOps == 1)
    }

    @Test("on the handheld's 40 columns the served child's line says so, whole")
    func canteenScreen() throws {
        let door = try FieldDevice(.canteenS01)
        let served = try #require(try door.canteenCards().first)
        let name = try Self.fullName(door, served.beneficiary)
        let run = try door.spunta(["scan", "--service", "canteen", "--date", schoolDay], input: "\(served.payload)\n?\(name)\n")
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(run.output)")
        let listed = run.output.drop { !$0.hasPrefix("?") }.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(listed.contains("\(served.beneficiary) \(name)"), "\(run.output)")
        #expect(listed.contains("PASTO GIÀ SERVITO alle "), "\(run.output)")
    }

    @Test("on the bus «?nome» marks the child already aboard this ride, and one already off it")
    func bus() throws {
        let bus = try FieldDevice(.bus)
        let riders = try BusTests.riders(bus, route: "L1")
        let aboard = try #require(riders.first)
        let off = try #require(riders.first { $0.child != aboard.child })
        let name = try Self.fullName(bus, aboard.child), offName = try Self.fullName(bus, off.child)
        // The second child gets on and off before the first boards.
        _ = try bus.json(BusTests.scan("L1", off.outbound, "outbound"), input: off.payload + "\n")
        _ = try bus.json(BusTests.scan("L1", "school", "outbound", alighting: true), input: off.payload + "\n")
        let run = try bus.json(BusTests.scan("L1", aboard.outbound, "outbound"), input: "\(aboard.payload)\n?\(name)\n?\(offName)\n")
        #expect(run.map { $0["result"] as? String } == ["ok", "candidates", "candidates"])
        #expect(Self.candidate(run[1], aboard.child)?["already"] as? String == "aboard", "\(run[1])")
        #expect(Self.candidate(run[2], off.child)?["already"] as? String == "alighted", "\(run[2])")
        let screen = try bus.spunta(BusTests.scan("L1", aboard.outbound, "outbound"), input: "?\(name)\n")
        let text = screen.output.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(text.contains("GIÀ A BORDO dalle "), "\(screen.output)")
        #expect(screen.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(screen.output)")
    }
}
