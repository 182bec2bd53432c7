import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange

@Suite("Sample Comune generator")
struct SampleGeneratorTests {
    static let sample = SampleComuneGenerator.generate()

    @Test("is deterministic: the same seed gives the same bytes")
    func deterministic() {
        let a = ExchangeXMLWriter.write(SampleComuneGenerator.generate())
        let b = ExchangeXMLWriter.write(SampleComuneGenerator.generate())
        #expect(a == b)
        var other = SampleComuneGenerator.Options()
        other.seed = 7
        #expect(ExchangeXMLWriter.write(SampleComuneGenerator.generate(options: other)) != a)
    }

    @Test("has the size and the shape the demo needs")
    func shape() throws {
        let s = Self.sample
        #expect(s.sites.count >= 3)
        #expect(s.classes.count >= 20)
        #expect(s.beneficiaries.count >= 400)
        #expect(s.payers.count >= 300)
        // Siblings share payers.
        let primaries = Dictionary(grouping: s.beneficiaries, by: { $0.payers.first(where: \.primary)?.payerId ?? "" })
        #expect(primaries.values.contains { $0.count >= 2 })
        #expect(primaries.values.contains { $0.count >= 3 })
        // Canteen: one site prepaid, the others postpaid.
        let canteens = s.services.filter { $0.kind == .canteen }
        #expect(canteens.contains { $0.billingMode == .prepaid && $0.siteIds.count == 1 })
        #expect(canteens.contains { $0.billingMode == .postpaid && $0.siteIds.count >= 2 })
        #expect(s.services.contains { $0.kind == .nursery })
        #expect(s.services.contains { $0.kind == .transport })
        // Two routes of at least ten stops with times both ways.
        #expect(s.routes.count == 2)
        #expect(s.routes.allSatisfy { $0.stops.count >= 10 })
        // Diets for 5-10% of the children who eat at school.
        let meals = s.enrollments.filter { e in canteens.contains { $0.id == e.serviceId } }
        let withDiet = Double(meals.filter { $0.dietId != nil }.count) / Double(meals.count)
        #expect(withDiet >= 0.05 && withDiet <= 0.10, "diet share \(withDiet)")
        #expect(s.diets.contains { !$0.allergens.isEmpty })
        // A card for every child.
        let carded = Set(s.cards.filter { $0.revokedOn == nil }.map(\.beneficiaryId))
        #expect(carded == Set(s.beneficiaries.map(\.id)))
        // Tariffs with ISEE bands and sibling reductions.
        #expect(s.tariffs.contains { $0.bands.count >= 4 && $0.secondSiblingDiscountPercent > 0 })
        // Valid codici fiscali, unique.
        for code in s.payers.map(\.fiscalCode) + s.beneficiaries.map(\.fiscalCode) {
            _ = try CodiceFiscale(validating: code)
        }
        #expect(Set(s.beneficiaries.map(\.fiscalCode)).count == s.beneficiaries.count)
    }

    @Test("its prepaid canteen's top-ups leave a few children without credit, so their families' credit goes below zero at the first meal")
    func prepaidTopUps() throws {
        let s = Self.sample
        let prepaid = Set(s.services.filter { $0.billingMode == .prepaid }.map(\.id))
        let enrolled = Set(s.enrollments.filter { prepaid.contains($0.serviceId) }.map(\.beneficiaryId))
        let plan = SampleTopUp.plan(s)
        let without = enrolled.subtracting(plan.map(\.beneficiaryId))
        #expect(enrolled.count >= 30)
        #expect(!without.isEmpty && without.count == enrolled.count / SampleTopUp.withoutTopUpEvery, "a few, not none and not most")
        let children = Dictionary(uniqueKeysWithValues: s.beneficiaries.map { ($0.id, $0) })
        for topUp in plan {
            #expect(topUp.amount.cents > 0 && prepaid.contains(topUp.serviceId))
            #expect(children[topUp.beneficiaryId]?.payers.contains { $0.payerId == topUp.payerId } == true, "paid by a payer of the child")
        }
        #expect(Set(plan.map(\.method)) == ["pagopa", "cash"])
        #expect(SampleTopUp.plan(SampleComuneGenerator.generate()) == plan)
    }

    @Test("uses the real national holidays of 2026/27 in its calendar")
    func calendar() throws {
        let year = try #require(Self.sample.schoolYears.first)
        for (date, reason) in [("2026-12-08", "Immacolata"), ("2026-12-25", "Natale"), ("2027-03-29", "Pasqua"), ("2027-06-02", "Repubblica")] {
            let d = try #require(LocalDate(date))
            #expect(year.isClosed(on: d), "\(date) \(reason) should be closed")
        }
        #expect(!year.isClosed(on: LocalDate("2026-10-05")!))
    }

    @Test("writes a file that reads back to the same records with no problem")
    func roundTrip() {
        let xml = ExchangeXMLWriter.write(Self.sample)
        let document = ExchangeReader.read(files: [("comune.xml", Data(xml.utf8))])
        #expect(document.problems.isEmpty, "\(document.problems.prefix(5))")
        #expect(document.records == Self.sample)
        let final = MasterDataValidator.finalState(current: MasterDataSet(), document: document)
        let problems = MasterDataValidator.validate(final, document: document)
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test("the committed sample file is what the generator makes")
    func committedSampleIsCurrent() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/comune-demo.xml")
        let committed = try String(contentsOf: url, encoding: .utf8)
        let current = committed == SampleComuneGenerator.sampleFile()
        #expect(current, "samples/comune-demo.xml is out of date: regenerate it with spunta-server sample --output samples/comune-demo.xml")
    }
}
