import SpuntaDomain
import Testing

/// The amounts people copy off a document, the ISEE above all: the Italian forms read, the ambiguous ones refused.
@Suite("A typed amount")
struct TypedAmountTests {
    @Test("reads the Italian forms and the files' form to the cent", arguments: [
        ("7.830,00", 783_000), ("7830,00", 783_000), ("7830.00", 783_000), ("7830", 783_000), ("7.830,5", 783_050),
        ("1.234.567,89", 123_456_789), ("1.234.567", 123_456_700), ("0,00", 0), ("12,3", 1_230), (" 7.830,00 ", 783_000),
        ("€ 7.830,00", 783_000), ("7.830,00 €", 783_000), ("12.34", 1_234),
    ] as [(String, Int64)])
    func reads(_ text: String, _ cents: Int64) {
        #expect(TypedAmount(text) == .amount(Money(cents: cents)))
    }

    @Test("a single separator before three digits is ambiguous: thousands or decimals", arguments: ["7.830", "7,830", "12.500", "999,999"])
    func ambiguous(_ text: String) {
        #expect(TypedAmount(text) == .ambiguous)
        #expect(TypedAmount(text).problem(text, subject: "nel campo «isee»")
            == "importo «\(text)» nel campo «isee» ambiguo: non si capisce se il separatore divide le migliaia o i centesimi; "
            + "scrivere l'importo in euro con la virgola prima dei centesimi (es. 7.830,00, 7830,00, 7830.00 o 7830)")
    }

    @Test("refuses what is not an amount in euro, naming the forms to use", arguments: [
        "", "abc", "-7830", "7,830.00", "7.830.00", "7830,000", "78.30,00", "7830.", ".50", "7,,8", "1e3", "7 830", "7830,00,00",
        "1234.567,00", "12.34.56", "7830.001",
    ])
    func invalid(_ text: String) {
        #expect(TypedAmount(text) == .invalid)
        #expect(TypedAmount(text).problem(text, subject: "nel campo «isee»")?.hasPrefix("importo «\(text)» nel campo «isee» non valido: scrivere") == true)
    }
}
