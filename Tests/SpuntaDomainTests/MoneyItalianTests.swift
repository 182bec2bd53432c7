import SpuntaDomain
import Testing

/// Amounts as Italian readers see them on every statement line: the euro sign, a dot before each group of three
/// digits, a comma and two decimals, the minus sign first.
@Suite("An amount in Italian")
struct MoneyItalianTests {
    @Test("groups the units by three and keeps two decimals", arguments: [
        (0, "€ 0,00"), (5, "€ 0,05"), (450, "€ 4,50"), (99_999, "€ 999,99"), (100_000, "€ 1.000,00"), (123_450, "€ 1.234,50"),
        (12_345_678, "€ 123.456,78"), (123_456_789, "€ 1.234.567,89"), (-1, "-€ 0,01"), (-123_456_789, "-€ 1.234.567,89"),
        (Int64.max, "€ 92.233.720.368.547.758,07"), (Int64.min, "-€ 92.233.720.368.547.758,08"),
    ] as [(Int64, String)])
    func groups(_ cents: Int64, _ text: String) {
        #expect(Money(cents: cents).italian == text)
    }
}
