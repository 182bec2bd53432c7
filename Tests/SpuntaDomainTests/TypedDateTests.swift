import SpuntaDomain
import Testing

/// The one reader of the dates a person types (flags and prompts): AAAA-MM-GG and GG/MM/AAAA alike.
@Suite("A typed date")
struct TypedDateTests {
    @Test("reads AAAA-MM-GG and GG/MM/AAAA, and nothing else", arguments: [
        ("2026-10-05", "2026-10-05"), ("05/10/2026", "2026-10-05"), ("5/10/2026", "2026-10-05"), (" 04/12/2026 ", "2026-12-04"),
        ("29/02/2028", "2028-02-29"), ("29/02/2027", nil), ("32/01/2026", nil), ("05/10/26", nil), ("2026/10/05", nil),
        ("+5/10/2026", nil), ("05-10-2026", nil), ("", nil), ("oggi", nil),
    ] as [(String, String?)])
    func typed(_ text: String, _ expected: String?) {
        #expect(LocalDate(typed: text)?.description == expected)
    }

    @Test("an error names the value typed, both forms and an example")
    func error() {
        #expect(LocalDate.invalidTyped("31/09/2026", subject: "--date")
            == "--date «31/09/2026» non valida: usare AAAA-MM-GG o GG/MM/AAAA (es. 2026-10-05 o 05/10/2026).")
    }
}
