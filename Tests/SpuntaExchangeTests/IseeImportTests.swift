import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange

/// The ISEE as the office copies it off the family's attestation (`7.830,00`) is the ISEE, not a problem: once an
/// import called it «ISEE incompleto».
@Suite("The ISEE in a payers file")
struct IseeImportTests {
    static func payers(isee: String, filed: String = "2026-09-01", expires: String = "2027-08-31") -> ExchangeDocument {
        let csv = "id;fiscal-code;surname;given-name;isee;isee-filed;isee-expires\n"
            + "P1;RSSMRA85T10A562S;Rossi;Mario;\"\(isee)\";\(filed);\(expires)\n"
        return ExchangeReader.read(files: [(name: "payers.csv", data: Data(csv.utf8))])
    }

    @Test("every Italian form of the ISEE is read to the cent, with no problem and no warning",
          arguments: ["7.830,00", "7830,00", "7830.00", "7830"])
    func italianForms(_ isee: String) throws {
        let document = Self.payers(isee: isee)
        #expect(document.problems.isEmpty, "\(document.problems)")
        #expect(document.warnings.isEmpty, "\(document.warnings)")
        let payer = try #require(document.records.payers.first)
        #expect(payer.isee?.value == Money(cents: 783_000))
    }

    @Test("an ambiguous or bad ISEE is one problem naming the field, the value and what to write; never «ISEE incompleto»",
          arguments: [("7.830", "ambiguo"), ("7,830.00", "non valido"), ("settemila", "non valido")])
    func refused(_ isee: String, _ verdict: String) {
        let document = Self.payers(isee: isee)
        #expect(document.records.payers.isEmpty)
        #expect(document.problems.count == 1, "\(document.problems)")
        let message = document.problems.first?.message ?? ""
        #expect(message.contains("importo «\(isee)» nel campo «isee» \(verdict)"), "\(message)")
        #expect(message.contains("7.830,00"), "\(message)")
        #expect(!message.contains("incompleto"), "\(message)")
    }

    @Test("an ISEE really incomplete (the value without its dates) is still called incomplete")
    func incomplete() {
        let document = Self.payers(isee: "7.830,00", filed: "", expires: "")
        #expect(document.problems.count == 1, "\(document.problems)")
        #expect(document.problems.first?.message.contains("ISEE incompleto") == true, "\(document.problems)")
    }
}
