/// The check letter shared by the codice fiscale (DM 23/12/1976, allegato: tabelle dei caratteri dispari e pari)
/// and by the CIN of Italian bank coordinates (standard BBAN ABI, in force since 1 January 2003), which reuses
/// the same two tables: characters in odd positions (1st, 3rd, …) are converted with the odd table, those in
/// even positions with their ordinal (0–9 for digits, A = 0 … Z = 25), and the sum modulo 26 is a letter.
enum OddEvenCheckCharacter {
    /// Odd-position values of `A`…`Z`; a digit counts as the letter with its ordinal (`0` as `A`, `9` as `J`).
    private static let oddValues = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
    ]

    /// The check letter of `characters`.
    /// - Precondition: every character is `0`–`9` or `A`–`Z`; callers validate their input before asking.
    static func compute(_ characters: some Sequence<Character>) -> Character {
        var sum = 0
        for (offset, character) in characters.enumerated() {
            let ordinal: Int
            if let digit = ASCII.digitValue(character) {
                ordinal = digit
            } else if let letter = ASCII.uppercaseLetterIndex(character) {
                ordinal = letter
            } else {
                preconditionFailure("check character asked for unvalidated input")
            }
            sum += offset % 2 == 0 ? oddValues[ordinal] : ordinal
        }
        return Character(Unicode.Scalar(UInt8(0x41 + sum % 26)))
    }
}
