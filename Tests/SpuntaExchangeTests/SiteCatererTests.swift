import Foundation
import Testing
import SpuntaDomain
@testable import SpuntaExchange

/// A site's caterer and the hour of its daily count: optional in the exchange files, today's behaviour by default.
@Suite("Sites: caterer and count cut-off in the exchange files")
struct SiteCatererTests {
    static func read(_ sites: String, file: String = "sites.csv") -> ExchangeDocument {
        ExchangeReader.read(files: [(name: file, data: Data(sites.utf8))])
    }

    @Test("a site without caterer columns has none and the 09:30 cut-off; with them, the caterer and the hour given")
    func defaultsAndValues() throws {
        let plain = Self.read("id;name;address\nS1;Scuola;Via Roma 1\n")
        #expect(plain.problems.isEmpty, "\(plain.problems)")
        #expect(plain.records.sites.first?.caterer == nil && plain.records.sites.first?.mealCountCutoff == LocalTime(hour: 9, minute: 30))
        let full = Self.read("id;name;caterer;caterer-email;meal-count-cutoff\nS1;Scuola;Cucine Riunite;cucina@example.it;09:15\n")
        #expect(full.problems.isEmpty, "\(full.problems)")
        #expect(full.records.sites.first?.caterer == Site.Caterer(name: "Cucine Riunite", email: "cucina@example.it"))
        #expect(full.records.sites.first?.mealCountCutoff == LocalTime(hour: 9, minute: 15))
        // Written and read again, the same site.
        var data = MasterDataSet()
        data.sites = full.records.sites
        let again = ExchangeReader.read(files: [(name: "comune.xml", data: Data(ExchangeXMLWriter.write(data).utf8))])
        #expect(again.records.sites == full.records.sites, "\(again.problems)")
    }

    @Test("a caterer without an address, an address without a caterer, a bad address or a bad hour is refused with the line and what to do", arguments: [
        ("S1;Scuola;Cucine Riunite;;", "senza l'indirizzo"),
        ("S1;Scuola;;cucina@example.it;", "senza il nome della ditta"),
        ("S1;Scuola;Cucine Riunite;cucina@;", "«cucina@»"),
        ("S1;Scuola;Cucine Riunite;cucina@example.it;9.30", "orario «9.30»"),
    ])
    func refused(row: String, expected: String) throws {
        let document = Self.read("id;name;caterer;caterer-email;meal-count-cutoff\n\(row)\n")
        #expect(document.records.sites.isEmpty)
        #expect(document.problems.contains { $0.location.line == 2 && $0.message.contains(expected) }, "\(document.problems)")
    }
}
