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
            let base = String((0..<10).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
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
}
