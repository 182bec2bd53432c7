import Foundation
import Testing
@testable import SpuntaDomain

@Suite("Numero di cellulare")
struct MobileNumberTests {
    @Test("accepts the ways people write an Italian mobile number", arguments: [
        ("333 1234567", "3331234567"),
        ("+39 333-123-4567", "3331234567"),
        ("0039 3331234567", "3331234567"),
        ("3331234567", "3331234567"),
        ("(+39) 333.123.4567", "3331234567"),
        ("393331234567", "3331234567"),
        ("+39 333 123456", "333123456"),
        (" 347/7654321\n", "3477654321"),
    ])
    func accepts(text: String, national: String) throws {
        let number = try MobileNumber(validating: text)
        #expect(number.nationalNumber == national)
        #expect(number.e164 == "+39" + national)
    }

    @Test("formats for gateways and for people")
    func formats() throws {
        let number = try MobileNumber(validating: "+39 333-123-4567")
        #expect(number.e164 == "+393331234567")
        #expect(number.grouped == "333 1234567")
        #expect(number.description == "+393331234567")
    }

    @Test("refuses landlines, foreign and malformed numbers", arguments: [
        ("", MobileNumberError.empty),
        ("06 1234567", .landline("06 1234567")),
        ("+39 06 1234567", .landline("+39 06 1234567")),
        ("0039 049 8205111", .landline("0039 049 8205111")),
        ("+41 79 123 45 67", .foreign("+41 79 123 45 67")),
        ("0041 791234567", .foreign("0041 791234567")),
        ("800 123456", .notMobile("800 123456")),
        ("333 12345", .wrongLength("333 12345", digits: 8)),
        ("333 12345678", .wrongLength("333 12345678", digits: 11)),
        ("+39", .wrongLength("+39", digits: 0)),
        ("333 1234567 int. 2", .invalidCharacter("333 1234567 int. 2", character: "i")),
        ("333-1234567A", .invalidCharacter("333-1234567A", character: "A")),
    ])
    func refuses(text: String, expected: MobileNumberError) {
        #expect(throws: expected) { try MobileNumber(validating: text) }
    }

    @Test("a landline is refused with a message that says why")
    func landlineMessage() {
        let error = MobileNumberError.landline("06 1234567")
        #expect(error.code == "landline")
        #expect(error.userMessage.contains("06 1234567 è di rete fissa e non riceve SMS"))
        #expect(error.userMessage.contains("inizia con 3"))
    }

    @Test("round-trips through JSON in E.164")
    func codable() throws {
        let number = try MobileNumber(validating: "333 1234567")
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == #"["+393331234567"]"#)
        #expect(try JSONDecoder().decode([MobileNumber].self, from: data) == [number])
    }
}
