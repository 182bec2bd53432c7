import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange
@testable import SpuntaServerStore
@testable import SpuntaStore

/// Diet categories and severe allergies in `diets.csv`: optional, checked together, kept when the columns are
/// left out.
@Suite("Diet categories and severe allergies in the import")
struct DietCategoryImportTests {
    /// (category, severe-allergy, emergency-plan cells) → the problem's words, nil when imported.
    static let cases: [(String, String, String, String?)] = [
        ("medical", "true", "Adrenalina in segreteria, chiamare il 112.", nil),
        ("religious", "false", "", nil),
        ("ethical", "", "", nil),
        ("", "", "", nil),
        ("medical", "true", "", "senza piano di emergenza"),
        ("religious", "true", "Adrenalina.", "un'allergia grave è una dieta sanitaria"),
        ("vegan", "false", "", "valori ammessi medical, religious, ethical"),
    ]

    @Test("a diet's category and severe allergy are imported, or refused with a clear reason", arguments: cases)
    func diets(_ c: (String, String, String, String?)) throws {
        let (category, severe, plan, problem) = c
        let (dir, queue) = try ImportKeepsStoredValuesTests.importedSample()
        let others = ImportKeepsStoredValuesTests.sample.diets.filter { $0.id != "D-FRUTTA" }.map { "\($0.id);\($0.name);;;;" }
        let csv = (["id;name;category;severe-allergy;emergency-plan;allergens"]
            + others + ["D-FRUTTA;Senza frutta a guscio;\(category);\(severe);\(plan);nuts"]).joined(separator: "\n") + "\n"
        let path = try dir.write("diets.csv", csv)
        do {
            _ = try MasterDataImporter.run(queue, paths: [path])
            #expect(problem == nil)
            let diet = try #require(try queue.read { try MasterDataStore.load($0) }.diets.first { $0.id == "D-FRUTTA" })
            #expect(diet.category?.rawValue == (category.isEmpty ? nil : category))
            #expect(diet.severeAllergy == (severe == "true"))
            #expect(diet.emergencyPlan == plan)
            #expect(try MasterDataImporter.run(queue, paths: [path]).changed == 0)
        } catch let error as ImportError {
            let expected = try #require(problem, "refused: \(error.userMessage)")
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.description.hasPrefix("\(path):\(others.count + 2): dieta D-FRUTTA: ") == true)
            #expect(error.problems.first?.message.contains(expected) == true, "\(error.problems)")
        }
    }

    @Test("a child's emergency plan comes from the severe-allergy diets of its meal enrollments")
    func planOfChild() throws {
        var data = ImportKeepsStoredValuesTests.sample
        let severe = Set(data.diets.filter(\.severeAllergy).map(\.id))
        let withPlan = Set(data.enrollments.filter { $0.dietId.map(severe.contains) ?? false }.map(\.beneficiaryId))
        try #require(!withPlan.isEmpty)
        for child in data.beneficiaries.map(\.id) {
            #expect((data.emergencyPlan(of: child) != nil) == withPlan.contains(child))
        }
        // No longer severe: no plan for anyone.
        for index in data.diets.indices { data.diets[index].severeAllergy = false }
        #expect(data.beneficiaries.allSatisfy { data.emergencyPlan(of: $0.id) == nil })
    }
}
