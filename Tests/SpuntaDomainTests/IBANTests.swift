import Foundation
import Testing
@testable import SpuntaDomain

@Suite("IBAN")
struct IBANTests {
    /// Wikipedia's examples for Italy, Germany and the United Kingdom.
    @Test("accepts valid IBANs, compact or printed in groups", arguments: [
        ("IT60X0542811101000000123456", "IT60X0542811101000000123456"),
        ("IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123456"),
        (" it60x0542811101000000123456 ", "IT60X0542811101000000123456"),
        ("IT60\u{00A0}X054\u{00A0}2811\u{00A0}1010\u{00A0}0000\u{00A0}0123\u{00A0}456", "IT60X0542811101000000123456"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
    ])
    func accepts(text: String, compact: String) throws {
        #expect(try IBAN(validating: text).value == compact)
    }

    @Test("splits an Italian IBAN into CIN, ABI, CAB and account")
    func parts() throws {
        let iban = try IBAN(validating: "IT60X0542811101000000123456")
        #expect(iban.countryCode == "IT")
        #expect(iban.checkDigits == "60")
        #expect(iban.italianCIN == "X")
        #expect(iban.abi == "05428")
        #expect(iban.cab == "11101")
        #expect(iban.accountNumber == "000000123456")
        #expect(iban.bban == "X0542811101000000123456")
        #expect(iban.grouped == "IT60 X054 2811 1010 0000 0123 456")
        #expect(try IBAN(validating: "DE89370400440532013000").abi == nil)
    }

    @Test("builds Italian IBANs from bank coordinates")
    func makes() throws {
        #expect(IBAN.makeItalian(abi: "05428", cab: "11101", account: "123456").value == "IT60X0542811101000000123456")
        #expect(IBAN.makeItalian(abi: "01234", cab: "50006", account: "100000000000").value
            == "IT69L0123450006100000000000")
        var generator = SeededGenerator(seed: 97)
        let symbols = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for _ in 0..<300 {
            let abi = String((0..<5).map { _ in symbols[Int.random(in: 0...9, using: &generator)] })
            let cab = String((0..<5).map { _ in symbols[Int.random(in: 0...9, using: &generator)] })
            let account = String((0..<12).map { _ in symbols.randomElement(using: &generator) ?? "0" })
            let iban = IBAN.makeItalian(abi: abi, cab: cab, account: account)
            #expect(try IBAN(validating: iban.grouped) == iban)
        }
    }

    @Test("refuses malformed IBANs", arguments: [
        ("", IBANError.empty),
        ("IT60X054281110100000012345", .wrongLength("IT60X054281110100000012345", length: 26, expected: 27)),
        ("IT60X05428111010000001234567", .wrongLength("IT60X05428111010000001234567", length: 28, expected: 27)),
        ("DE8937040044", .wrongLength("DE8937040044", length: 12, expected: nil)),
        ("1T60X0542811101000000123456", .invalidCharacter("1T60X0542811101000000123456", position: 1, character: "1")),
        ("ITX0X0542811101000000123456", .invalidCharacter("ITX0X0542811101000000123456", position: 3, character: "X")),
        ("IT6050542811101000000123456", .invalidCharacter("IT6050542811101000000123456", position: 5, character: "5")),
        ("IT60X05428111O1000000123456", .invalidCharacter("IT60X05428111O1000000123456", position: 14, character: "O")),
        ("IT60X0542811101000000123-56", .invalidCharacter("IT60X0542811101000000123-56", position: 25, character: "-")),
        ("IT60X0542811101000000123457", .wrongCheckDigits("IT60X0542811101000000123457")),
        ("IT06X0542811101000000123456", .wrongCheckDigits("IT06X0542811101000000123456")),
        // A published example with made-up check digits.
        ("IT10X0123450006100000000000", .wrongCheckDigits("IT10X0123450006100000000000")),
    ])
    func refuses(text: String, expected: IBANError) {
        #expect(throws: expected) { try IBAN(validating: text) }
    }

    @Test("checks the CIN of Italian IBANs unless asked not to")
    func cin() throws {
        // Same BBAN with the CIN Y instead of X, and ISO check digits recomputed: only the CIN is wrong.
        let wrongCIN = "IT64Y0542811101000000123456"
        #expect(throws: IBANError.wrongCIN(wrongCIN, expected: "X")) { try IBAN(validating: wrongCIN) }
        #expect(try IBAN(validating: wrongCIN, checkingItalianCIN: false).value == wrongCIN)
    }

    @Test("messages name the IBAN and the problem")
    func messages() {
        #expect(IBANError.wrongCIN("IT…", expected: "X").reason.contains("CIN atteso X"))
        #expect(IBANError.wrongCheckDigits("IT06X0542811101000000123456").userMessage
            .hasPrefix("IBAN IT06X0542811101000000123456 non valido (le cifre di controllo non corrispondono"))
        #expect(IBANError.invalidCharacter("IT60X05428111O1000000123456", position: 14, character: "O").reason
            .contains("alla posizione 14 è attesa una cifra di ABI o CAB, non «O»"))
    }
}
