import Foundation
import Testing
@testable import SpuntaDomain

@Suite("Codice fiscale dell'ente")
struct EnteFiscalCodeTests {
    /// Roma Capitale and Comune di Milano, and the creditors of two QR codes in the tests of
    /// pagopa/io-pagopa-commons (`src/__tests__/pagopa.test.ts`).
    @Test("accepts real codici fiscali of enti", arguments: [
        "02438750586", "01199250158", "00087640256", "03334231200",
    ])
    func accepts(text: String) throws {
        #expect(try EnteFiscalCode(validating: " \(text)\n").value == text)
    }

    @Test("computes the check digit like the partita IVA")
    func makes() throws {
        #expect(EnteFiscalCode.make(base: "0243875058").value == "02438750586")
        #expect(EnteFiscalCode.make(base: "1234567890").value == "12345678903")
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<500 {
            let offices = (1...100).map { $0 } + [120, 121, 888, 999]
            let office = offices[Int.random(in: 0..<offices.count, using: &generator)]
            let matricola = Int.random(in: 1...9_999_999, using: &generator)
            let base = String(format: "%07d%03d", matricola, office)
            let code = EnteFiscalCode.make(base: base)
            #expect(try EnteFiscalCode(validating: code.value) == code)
        }
    }

    @Test("refuses malformed codes", arguments: [
        ("", EnteFiscalCodeError.empty),
        ("0243875058", .wrongLength("0243875058", length: 10)),
        ("024387505861", .wrongLength("024387505861", length: 12)),
        ("IT02438750586", .invalidCharacter("IT02438750586", position: 1, character: "I")),
        ("02438 750586", .invalidCharacter("02438 750586", position: 6, character: " ")),
        ("00000000000", .placeholder("00000000000")),
        // The example creditor of the DOMAIN notes' QR string: a sample, not a valid code.
        ("12345678901", .wrongCheckDigit("12345678901", expected: 3)),
        ("02438750585", .wrongCheckDigit("02438750585", expected: 6)),
    ])
    func refuses(text: String, expected: EnteFiscalCodeError) {
        #expect(throws: expected) { try EnteFiscalCode(validating: text) }
    }

    @Test("catches every single-digit error and every adjacent transposition of different digits")
    func detection() throws {
        let valid = Array("02438750586")
        for offset in valid.indices {
            for digit in "0123456789" where digit != valid[offset] {
                var changed = valid
                changed[offset] = digit
                #expect(throws: EnteFiscalCodeError.self) { try EnteFiscalCode(validating: String(changed)) }
            }
        }
        // Luhn misses 0↔9 swaps; every other adjacent transposition is caught.
        for offset in 0..<(valid.count - 1) where valid[offset] != valid[offset + 1] {
            let pair = Set([valid[offset], valid[offset + 1]])
            guard pair != ["0", "9"] else { continue }
            var swapped = valid
            swapped.swapAt(offset, offset + 1)
            #expect(throws: EnteFiscalCodeError.self) { try EnteFiscalCode(validating: String(swapped)) }
        }
    }

    @Test("messages say which digit was expected")
    func messages() {
        let error = EnteFiscalCodeError.wrongCheckDigit("02438750585", expected: 6)
        #expect(error.reason == "codice fiscale dell'ente 02438750585 non valido (cifra di controllo attesa 6)")
        #expect(error.code == "bad_check")
        #expect(error.userMessage.hasPrefix("Codice fiscale dell'ente 02438750585 non valido"))
    }

    /// Digits 8–10 are the code of the tax office that gave the number: 001–100, or 120, 121, 888, 999
    /// (python-stdnum `stdnum/it/iva.py`); the first seven, the matricola, are never all zeros.
    @Test("accepts every office code in use", arguments: ["001", "058", "100", "120", "121", "888", "999"])
    func officeCodesAccepted(office: String) throws {
        let code = EnteFiscalCode.make(base: "8001234" + office)
        #expect(try EnteFiscalCode(validating: code.value) == code)
    }

    @Test("refuses an office code that does not exist, even with the right check digit",
          arguments: ["000", "101", "119", "122", "567", "887", "998"])
    func officeCodesRefused(office: String) {
        let code = EnteFiscalCode.make(base: "8001234" + office).value
        #expect(throws: EnteFiscalCodeError.wrongOfficeCode(code, office: office)) { try EnteFiscalCode(validating: code) }
    }

    @Test("refuses the former sample Comune's code and a matricola of zeros")
    func formerSample() {
        #expect(throws: EnteFiscalCodeError.wrongOfficeCode("80012345676", office: "567")) { try EnteFiscalCode(validating: "80012345676") }
        let zeros = EnteFiscalCode.make(base: "0000000058").value
        #expect(throws: EnteFiscalCodeError.zeroMatricola(zeros)) { try EnteFiscalCode(validating: zeros) }
        let error = EnteFiscalCodeError.wrongOfficeCode("80012345676", office: "567")
        #expect(error.userMessage.contains("567"))
        #expect(error.code == "bad_office_code")
    }
}
