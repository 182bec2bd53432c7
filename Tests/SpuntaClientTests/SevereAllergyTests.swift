import Foundation
import Testing
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaTestSupport

/// A severe allergy with an emergency plan comes first wherever the child is seen: at the canteen door before the
/// answer to the scan, in the roll call before the register, in the kitchen's count by name — whole at 40 columns.
@Suite("Severe allergies shown first")
struct SevereAllergyTests {
    static let plan = "Rischio anafilassi: adrenalina autoiniettabile in segreteria; chiamare il 112 e la famiglia."

    static func give(_ device: FieldDevice, _ child: String, _ plan: String?) throws {
        try device.queue().write { db in try db.run("UPDATE beneficiary SET emergency_plan = ? WHERE id = ?", [plan, child]) }
    }

    /// (the child has a plan) → the door's first line is the alert, and the JSON answer carries the plan.
    @Test("the canteen door prints the emergency plan before the answer, whole, and only for that child", arguments: [true, false])
    func door(_ severe: Bool) throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        try Self.give(door, card.beneficiary, severe ? Self.plan : nil)
        let human = try door.spunta(["scan", "--service", "canteen", "--date", schoolDay], input: card.payload + "\n")
        #expect(human.status == 0, "\(human.errors)")
        #expect(human.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(human.output)")
        let answerStart = try #require(human.output.firstIndex { $0.hasPrefix("OK") })
        let alert = human.output.firstIndex { $0.hasPrefix("!!!") }
        if severe {
            let first = try #require(alert)
            #expect(first < answerStart)
            let text = RollCallTests.text(Array(human.output[first..<answerStart]))
            #expect(text.contains("ALLERGIA GRAVE"))
            #expect(text.contains("chiamare il 112 e la famiglia."), "the plan is whole: \(text)")
        } else {
            #expect(alert == nil)
        }
        let door2 = try FieldDevice(.canteenS01)
        try Self.give(door2, card.beneficiary, severe ? Self.plan : nil)
        let answer = try #require(try door2.json(["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: card.payload + "\n").first)
        #expect(answer["emergency_plan"] as? String == (severe ? Self.plan : nil))
    }

    @Test("the roll call lists the severe allergies before the register, whole at 40 columns")
    func rollCall() throws {
        let teacher = try FieldDevice(.teacher)
        let children = try RollCallTests.children(teacher)
        let child = try #require(children.last)
        try Self.give(teacher, child, Self.plan)
        let lines = try teacher.spunta(RollCallTests.rollCall() + ["--list"]).output
        #expect(lines.allSatisfy { TextWidth.of($0) <= 40 }, "\(lines)")
        let paragraphs = RollCallTests.paragraphs(lines)
        let alert = try #require(paragraphs.firstIndex { $0.hasPrefix("ALLERGIA GRAVE") })
        let firstChild = try #require(paragraphs.firstIndex { $0.hasPrefix(children[0]) })
        #expect(alert < firstChild)
        #expect(paragraphs[alert].hasSuffix("chiamare il 112 e la famiglia."), "\(paragraphs[alert])")
        let json = JSON.array(try teacher.spunta(RollCallTests.rollCall() + ["--list", "--json"]).output.joined())
        #expect(json.filter { $0["emergency_plan"] as? String == Self.plan }.map { $0["beneficiary_id"] as? String } == [child])
    }

    @Test("the kitchen's count lists the children with a severe allergy by name first")
    func kitchen() throws {
        let door = try FieldDevice(.canteenS01)
        let child = try #require(try door.strings("""
            SELECT e.beneficiary_id FROM enrollment e WHERE e.diet_id IS NOT NULL ORDER BY e.beneficiary_id
            """).first)
        let name = try #require(try door.strings("SELECT surname || ' ' || given_name FROM beneficiary WHERE id = ?", [child]).first)
        try Self.give(door, child, Self.plan)
        let lines = try door.spunta(["meals", "--date", schoolDay]).output
        #expect(lines.allSatisfy { TextWidth.of($0) <= 40 }, "\(lines)")
        let paragraphs = RollCallTests.paragraphs(lines)
        let header = try #require(paragraphs.firstIndex(of: "ALLERGIE GRAVI:"))
        #expect(header < (paragraphs.firstIndex { $0.hasPrefix("Per dieta") } ?? 0))
        #expect(paragraphs[header + 1].hasPrefix("- \(name) ("))
        #expect(paragraphs[header + 1].hasSuffix("chiamare il 112 e la famiglia."))
    }
}
