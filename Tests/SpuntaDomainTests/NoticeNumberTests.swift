import Foundation
import Testing
@testable import SpuntaDomain

@Suite("Codice avviso pagoPA")
struct NoticeNumberTests {
    @Test("generates the worked example: aux 3, segregation 01, base 0000000012345")
    func workedExample() throws {
        let notice = NoticeNumber.make(segregationCode: "01", base: "0000000012345")
        // 3010000000012345 mod 93 = 19
        #expect(notice.value == "301000000001234519")
        #expect(notice.iuv == "01000000001234519")
        #expect(notice.auxDigit == 3)
        #expect(notice.segregationCode == "01")
        #expect(notice.applicationCode == nil)
        #expect(notice.checkDigits == "19")
        #expect(notice.grouped == "3010 0000 0001 2345 19")
        #expect(try NoticeNumber(validating: notice.grouped) == notice)
    }

    @Test("writes check digits below 10 with a leading zero")
    func smallCheckDigits() {
        // 3999999999999999 mod 93 = 3
        #expect(NoticeNumber.make(segregationCode: "99", base: "9999999999999").value == "399999999999999903")
    }

    /// Codici avviso of real notices in the QR tests of pagopa/io-pagopa-commons (`src/__tests__/pagopa.test.ts`),
    /// whose check digits are right, and the shapes of its parser tests for aux 1 and 2.
    @Test("accepts the four layouts", arguments: [
        ("302032002700000251", 3, "02032002700000251", "02", nil as String?),
        ("001721265093769322", 0, "721265093769322", nil, "01"),
        ("144012345678901200", 1, "44012345678901200", nil, nil),
        ("201234567890123415", 2, "01234567890123415", nil, nil),
    ])
    func layouts(text: String, aux: Int, iuv: String, segregation: String?, application: String?) throws {
        let notice = try NoticeNumber(validating: text)
        #expect(notice.auxDigit == aux)
        #expect(notice.iuv == iuv)
        #expect(notice.segregationCode == segregation)
        #expect(notice.applicationCode == application)
        #expect(notice.checkDigits == (aux == 1 ? nil : String(text.suffix(2))))
    }

    @Test("generated notices validate and keep their base", arguments: [UInt64(1), 42, 9_999_999_999_999])
    func generated(sequence: UInt64) throws {
        let digits = String(repeating: "0", count: 13 - String(sequence).count) + String(sequence)
        let notice = NoticeNumber.make(segregationCode: "12", base: digits)
        #expect(notice.value.hasPrefix("312" + digits))
        #expect(try NoticeNumber(validating: notice.value) == notice)
    }

    /// io-pagopa-commons parses shapes without checking the check digits: its "344012345678901200" is
    /// well formed there and refused here.
    @Test("refuses invalid notices", arguments: [
        ("", NoticeNumberError.empty),
        ("301000000001234518", .wrongCheckDigits("301000000001234518", expected: "19")),
        ("344012345678901200", .wrongCheckDigits("344012345678901200", expected: "86")),
        ("044012345678901200", .wrongCheckDigits("044012345678901200", expected: "83")),
        ("244012345678901200", .wrongCheckDigits("244012345678901200", expected: "85")),
        ("444012345678901200", .unknownAuxDigit("444012345678901200", digit: "4")),
        ("901000000001234519", .unknownAuxDigit("901000000001234519", digit: "9")),
        ("14401234567890120", .wrongLength("14401234567890120", length: 17)),
        ("3010000000012345190", .wrongLength("3010000000012345190", length: 19)),
        ("24401234567890120X", .invalidCharacter("24401234567890120X", position: 18, character: "X")),
        ("3010-0000-0001-2345-19", .invalidCharacter("3010-0000-0001-2345-19", position: 5, character: "-")),
    ])
    func refuses(text: String, expected: NoticeNumberError) {
        #expect(throws: expected) { try NoticeNumber(validating: text) }
    }

    @Test("the check digits catch a mistyped digit")
    func singleDigitErrors() throws {
        let valid = Array("301000000001234519")
        for offset in 1..<16 {
            for digit in "0123456789" where digit != valid[offset] {
                var changed = valid
                changed[offset] = digit
                #expect(throws: NoticeNumberError.self) { try NoticeNumber(validating: String(changed)) }
            }
        }
    }

    @Test("messages name the notice and the expected check digits")
    func messages() {
        let error = NoticeNumberError.wrongCheckDigits("301000000001234518", expected: "19")
        #expect(error.code == "bad_check")
        #expect(error.userMessage == "Codice avviso 301000000001234518 non valido (cifre di controllo attese 19). "
            + "Ricopiarlo dall'avviso di pagamento.")
    }
}

@Suite("QR code dell'avviso pagoPA")
struct PagoPAQRCodeTests {
    @Test("builds the payload of the worked example")
    func workedExample() throws {
        let notice = NoticeNumber.make(segregationCode: "01", base: "0000000012345")
        // 12345678901 is only a sample creditor (its check digit would be 3), so the string form is used.
        #expect(PagoPAQRCode.payload(notice: notice.value, creditor: "12345678901", cents: 5_000)
            == "PAGOPA|002|301000000001234519|12345678901|5000")
        let roma = try EnteFiscalCode(validating: "02438750586")
        #expect(PagoPAQRCode.payload(notice: notice, creditorFiscalCode: roma, amount: Money(cents: 5_000))
            == "PAGOPA|002|301000000001234519|02438750586|5000")
    }

    /// Real QR strings from the tests of pagopa/io-pagopa-commons.
    @Test("reproduces published QR strings", arguments: [
        ("302032002700000251", "03334231200", Int64(11), "PAGOPA|002|302032002700000251|03334231200|11"),
        ("302032002700000251", "03334231200", 1_000, "PAGOPA|002|302032002700000251|03334231200|1000"),
        ("001721265093769322", "00087640256", 10_100_000_002, "PAGOPA|002|001721265093769322|00087640256|10100000002"),
    ])
    func published(notice: String, creditor: String, cents: Int64, expected: String) throws {
        let payload = PagoPAQRCode.payload(
            notice: try NoticeNumber(validating: notice), creditorFiscalCode: try EnteFiscalCode(validating: creditor),
            amount: Money(cents: cents)
        )
        #expect(payload == expected)
    }

    @Test("writes at least two digits of cents")
    func smallAmounts() throws {
        let notice = try NoticeNumber(validating: "302032002700000251")
        let creditor = try EnteFiscalCode(validating: "03334231200")
        #expect(PagoPAQRCode.payload(notice: notice, creditorFiscalCode: creditor, amount: Money(cents: 5))
            == "PAGOPA|002|302032002700000251|03334231200|05")
        #expect(PagoPAQRCode.payload(notice: notice, creditorFiscalCode: creditor, amount: Money(cents: 99))
            .hasSuffix("|99"))
    }
}
