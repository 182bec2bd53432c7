import Foundation

/// Codice fiscale di persona fisica: the 16-character tax code of a person, built from surname, given name,
/// date and place of birth and sex, with a check letter (DM 23 dicembre 1976, "Sistemi di codificazione dei
/// soggetti da iscrivere all'anagrafe tributaria", under DPR 605/1973).
///
/// Layout, 1-based positions: 1–3 surname, 4–6 given name, 7–8 year, 9 month letter, 10–11 day (+40 for
/// women), 12–15 Belfiore code of the birthplace (Z + 3 digits for a foreign country), 16 check letter.
///
/// **Omocodia.** When two people would get the same code, the Agenzia delle Entrate replaces digits at positions
/// 7, 8, 10, 11, 13, 14, 15, from the right, with `L M N P Q R S T U V` (for 0–9) and recomputes the check
/// letter. Both forms are valid and denote the same person: compare people on `canonical`, not on `value`.
///
/// Published examples used in the tests: `MRTMTT25D09F205Z` (Matteo Moretti, Milano, 9 April 1925) and
/// `MLLSNT82P65Z404U` (Samantha Miller, USA, 25 September 1982) from the "Italian fiscal code" article of
/// Wikipedia; `RSSFNC80T31F205U` (Franco Rossi, Milano, 31 December 1980), worked by hand on madvero.it.
public struct CodiceFiscale: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The code as given, trimmed and uppercased; omocodia letters are kept.
    public let value: String

    /// Zero-based offsets of the seven digit positions that omocodia may replace, left to right.
    static let omocodiaOffsets = [6, 7, 9, 10, 12, 13, 14]
    /// `L` stands for 0, `M` for 1, … `V` for 9.
    static let omocodiaLetters: [Character] = ["L", "M", "N", "P", "Q", "R", "S", "T", "U", "V"]
    /// January is `A` … December is `T`; letters that look alike (F, G, I, …) are skipped.
    static let monthLetters: [Character] = ["A", "B", "C", "D", "E", "H", "L", "M", "P", "R", "S", "T"]

    /// Validates a codice fiscale as typed or pasted from an office spreadsheet: surrounding whitespace and
    /// lowercase letters are accepted and normalized; anything else is reported precisely.
    public init(validating text: String) throws(CodiceFiscaleError) {
        let normalized = ASCII.uppercased(ASCII.trimmed(text))
        let characters = Array(normalized)
        guard !characters.isEmpty else { throw .empty }
        guard characters.count == 16 else { throw .wrongLength(normalized, length: characters.count) }

        for (offset, character) in characters.enumerated() {
            if Self.omocodiaOffsets.contains(offset) {
                if ASCII.isDigit(character) || Self.omocodiaLetters.contains(character) { continue }
                if ASCII.isUppercaseLetter(character) {
                    throw .invalidOmocodiaCharacter(normalized, position: offset + 1, character: character)
                }
                throw .invalidCharacter(normalized, position: offset + 1, character: character)
            } else if !ASCII.isUppercaseLetter(character) {
                throw .invalidCharacter(normalized, position: offset + 1, character: character)
            }
        }

        guard let monthIndex = Self.monthLetters.firstIndex(of: characters[8]) else {
            throw .invalidMonth(normalized, letter: characters[8])
        }
        let month = monthIndex + 1
        let day = Self.number(characters[9...10])
        let dayOfMonth = day > 40 ? day - 40 : day
        // The century is unknown here, so 29 February is always allowed; 30 February and 31 April never are.
        let longestMonth = month == 2 ? 29 : LocalDate.daysIn(month: month, year: 2000)
        guard (1...31).contains(day) || (41...71).contains(day) else {
            throw .invalidDay(normalized, day: day, month: month)
        }
        guard dayOfMonth <= longestMonth else { throw .invalidDay(normalized, day: day, month: month) }

        let expected = OddEvenCheckCharacter.compute(characters[0..<15])
        guard characters[15] == expected else { throw .wrongCheckCharacter(normalized, expected: expected) }
        self.value = normalized
    }

    /// For codes this module built itself.
    private init(unchecked value: String) {
        self.value = value
    }

    /// The code with every omocodia letter turned back into its digit and the check letter recomputed: the
    /// form the code would have without omocodia. Two codes of one person share it.
    public var canonical: String {
        var characters = Array(value)
        for offset in Self.omocodiaOffsets {
            if let digit = Self.omocodiaLetters.firstIndex(of: characters[offset]) {
                characters[offset] = Character(String(digit))
            }
        }
        characters[15] = OddEvenCheckCharacter.compute(characters[0..<15])
        return String(characters)
    }

    /// Whether any digit position carries an omocodia letter.
    public var isOmocode: Bool {
        let characters = Array(value)
        return Self.omocodiaOffsets.contains { Self.omocodiaLetters.contains(characters[$0]) }
    }

    public var sex: Sex {
        Self.number(Array(value)[9...10]) > 40 ? .female : .male
    }

    /// The date of birth. The code holds only two digits of the year: the century is the latest one that puts
    /// the date on or before `pivot` (pass today for pupils; a code of someone born in 1925 read with pivot
    /// 2026 gives 2025, which is why the pivot is the caller's choice). `nil` for 29 February of a year that
    /// was not a leap year in any of the three centuries tried.
    public func birthDate(pivot: LocalDate) -> LocalDate? {
        let characters = Array(value)
        let yearInCentury = Self.number(characters[6...7])
        guard let monthIndex = Self.monthLetters.firstIndex(of: characters[8]) else { return nil }
        let day = Self.number(characters[9...10]) % 40
        var year = pivot.year - pivot.year % 100 + yearInCentury
        for _ in 0..<3 {
            if let date = LocalDate(year: year, month: monthIndex + 1, day: day), date <= pivot {
                return date
            }
            year -= 100
        }
        return nil
    }

    /// Codice catastale (Belfiore) of the place of birth, e.g. `H501` for Roma, `Z404` for the United States;
    /// omocodia letters are read as their digits.
    public var birthplaceCode: String {
        let characters = Array(value)
        return String(characters[11]) + characters[12...14].map { String(Self.digit($0)) }.joined()
    }

    public var description: String { value }

    /// Builds the code of a person by the rules of DM 23/12/1976.
    ///
    /// Names are read as one run of letters: accents are dropped and apostrophes and spaces ignored
    /// (`D'Angelo` → DANGELO, `Nicolò` → NICOLO, `De Luca` → DELUCA); characters with no Latin base letter are
    /// ignored. Surname: its consonants, then its vowels, then `X`, the first three. Given name: the same,
    /// except that with four or more consonants it takes the 1st, 3rd and 4th. `omocodiaLevel` n replaces the
    /// last n of the seven digit positions, right to left, as the Agenzia does for the n-th homonym.
    ///
    /// - Precondition: `birthplaceCode` is a Belfiore code (a letter and three digits) taken from the table of
    ///   comuni and foreign states, and `omocodiaLevel` is 0...7. Both come from our own data, never from a form.
    public static func make(
        surname: String, givenName: String, birthDate: LocalDate, sex: Sex, birthplaceCode: String,
        omocodiaLevel: Int = 0
    ) -> CodiceFiscale {
        let place = Array(ASCII.uppercased(birthplaceCode))
        precondition(
            place.count == 4 && ASCII.isUppercaseLetter(place[0]) && place.dropFirst().allSatisfy(ASCII.isDigit),
            "a Belfiore code is a letter and three digits"
        )
        precondition((0...7).contains(omocodiaLevel), "omocodia replaces at most the seven digit positions")

        var characters: [Character] = []
        characters += surnameLetters(surname)
        characters += givenNameLetters(givenName)
        characters += twoDigits(birthDate.year % 100)
        characters.append(monthLetters[birthDate.month - 1])
        characters += twoDigits(birthDate.day + (sex == .female ? 40 : 0))
        characters += place

        for offset in omocodiaOffsets.reversed().prefix(omocodiaLevel) {
            characters[offset] = omocodiaLetters[digit(characters[offset])]
        }
        characters.append(OddEvenCheckCharacter.compute(characters))
        return CodiceFiscale(unchecked: String(characters))
    }

    static func surnameLetters(_ surname: String) -> [Character] {
        let letters = plainLetters(surname)
        let consonants = letters.filter { !isVowel($0) }
        let vowels = letters.filter(isVowel)
        return Array((consonants + vowels + ["X", "X", "X"]).prefix(3))
    }

    static func givenNameLetters(_ givenName: String) -> [Character] {
        let letters = plainLetters(givenName)
        let consonants = letters.filter { !isVowel($0) }
        if consonants.count >= 4 {
            return [consonants[0], consonants[2], consonants[3]]
        }
        let vowels = letters.filter(isVowel)
        return Array((consonants + vowels + ["X", "X", "X"]).prefix(3))
    }

    /// Uppercase A–Z only: canonical decomposition splits `ò` into `o` and a combining grave accent, which
    /// is then dropped like apostrophes, spaces and hyphens. Scalars, not characters: `o` and its accent
    /// still form one `Character`, which is not ASCII.
    static func plainLetters(_ name: String) -> [Character] {
        name.decomposedStringWithCanonicalMapping.unicodeScalars.compactMap { scalar in
            switch scalar.value {
            case 0x41...0x5A: return Character(scalar)
            case 0x61...0x7A: return Unicode.Scalar(scalar.value - 0x20).map(Character.init)
            default: return nil
            }
        }
    }

    private static func isVowel(_ character: Character) -> Bool {
        "AEIOU".contains(character)
    }

    private static func twoDigits(_ number: Int) -> [Character] {
        Array(number < 10 ? "0\(number)" : "\(number)")
    }

    /// A digit position's value, reading an omocodia letter as its digit. Only called on validated codes.
    private static func digit(_ character: Character) -> Int {
        ASCII.digitValue(character) ?? omocodiaLetters.firstIndex(of: character) ?? 0
    }

    private static func number(_ characters: ArraySlice<Character>) -> Int {
        characters.reduce(0) { $0 * 10 + digit($1) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try CodiceFiscale(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.userMessage)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
