import Foundation
import Testing
@testable import SpuntaDomain

@Suite("Codice fiscale")
struct CodiceFiscaleTests {
    /// Published codes: Wikipedia's "Italian fiscal code" (Moretti, Miller), madvero.it's worked example
    /// (Franco Rossi), sodalesjuris.net's decoding example, and the ubiquitous Mario Rossi of Roma.
    @Test("accepts published codes with their check letters", arguments: [
        "MRTMTT25D09F205Z", "MLLSNT82P65Z404U", "RSSFNC80T31F205U", "FRNSST75D50A717N", "RSSMRA80A01H501U",
        "RSSMRA85T10A562S",
    ])
    func acceptsPublishedCodes(text: String) throws {
        let code = try CodiceFiscale(validating: text)
        #expect(code.value == text)
        #expect(code.description == text)
        #expect(!code.isOmocode)
        #expect(code.canonical == text)
    }

    @Test("normalizes surrounding whitespace and lowercase, as pasted from a spreadsheet")
    func normalizes() throws {
        let code = try CodiceFiscale(validating: "  rssmra80a01h501u\r\n")
        #expect(code.value == "RSSMRA80A01H501U")
        #expect(code == (try CodiceFiscale(validating: "RSSMRA80A01H501U")))
    }

    @Test("reads sex, birth date and birthplace")
    func decodes() throws {
        let today = try #require(LocalDate("2026-10-25"))
        let miller = try CodiceFiscale(validating: "MLLSNT82P65Z404U")
        #expect(miller.sex == .female)
        #expect(miller.birthDate(pivot: today) == LocalDate(year: 1982, month: 9, day: 25))
        #expect(miller.birthplaceCode == "Z404")

        let moretti = try CodiceFiscale(validating: "MRTMTT25D09F205Z")
        #expect(moretti.sex == .male)
        #expect(moretti.birthplaceCode == "F205")
        // Two digits of year: the pivot decides the century.
        #expect(moretti.birthDate(pivot: today) == LocalDate(year: 2025, month: 4, day: 9))
        #expect(moretti.birthDate(pivot: try #require(LocalDate("2000-01-01"))) == LocalDate("1925-04-09"))
        // Born on the pivot day itself still belongs to the pivot's century.
        #expect(moretti.birthDate(pivot: try #require(LocalDate("2025-04-09"))) == LocalDate("2025-04-09"))
        #expect(moretti.birthDate(pivot: try #require(LocalDate("2025-04-08"))) == LocalDate("1925-04-09"))
    }

    @Test("29 February takes the century in which it existed")
    func leapDay() throws {
        let child = CodiceFiscale.make(
            surname: "Fo", givenName: "Eva", birthDate: try #require(LocalDate("2000-02-29")), sex: .female,
            birthplaceCode: "A944"
        )
        #expect(child.birthDate(pivot: try #require(LocalDate("2026-01-01"))) == LocalDate("2000-02-29"))
        // 2100 is not a leap year, so the century before is the one where the date existed.
        #expect(child.birthDate(pivot: try #require(LocalDate("2150-01-01"))) == LocalDate("2000-02-29"))
    }

    /// Expected codes computed independently from the rules (and equal to the published ones where published).
    @Test("builds codes by the rules of DM 23/12/1976", arguments: [
        ("Rossi", "Mario", "1980-01-01", Sex.male, "H501", "RSSMRA80A01H501U"),
        ("Moretti", "Matteo", "1925-04-09", .male, "F205", "MRTMTT25D09F205Z"),
        ("Miller", "Samantha", "1982-09-25", .female, "Z404", "MLLSNT82P65Z404U"),
        ("Rossi", "Franco", "1980-12-31", .male, "F205", "RSSFNC80T31F205U"),
        ("D'Angelo", "Nicolò", "2019-03-15", .male, "F839", "DNGNCL19C15F839K"),
        ("De Luca", "Anna", "2018-11-02", .female, "H501", "DLCNNA18S42H501B"),
        ("Fo", "Eva", "2020-02-29", .female, "A944", "FOXVEA20B69A944S"),
        ("Re", "Al", "2017-07-07", .male, "L219", "REXLAX17L07L219I"),
        ("Giordano", "Gianfranco", "1999-06-30", .male, "F205", "GRDGFR99H30F205T"),
        ("Dell'Anno", "Ludovico", "2016-10-04", .male, "G273", "DLLLVC16R04G273P"),
        ("Russo", "Alessandro", "2015-08-15", .male, "F158", "RSSLSN15M15F158K"),
    ])
    func builds(surname: String, givenName: String, born: String, sex: Sex, place: String, expected: String) throws {
        let date = try #require(LocalDate(born))
        let code = CodiceFiscale.make(
            surname: surname, givenName: givenName, birthDate: date, sex: sex, birthplaceCode: place
        )
        #expect(code.value == expected)
        let parsed = try CodiceFiscale(validating: code.value)
        #expect(parsed.sex == sex)
        // A pivot before 2025, so that Moretti's "25" is read as 1925.
        #expect(parsed.birthDate(pivot: try #require(LocalDate("2024-12-31"))) == date)
        #expect(parsed.birthplaceCode == place)
    }

    /// Examples from sciencecue.it, calcolocf.com and cfiscale.it.
    @Test("takes the letters of surnames and given names", arguments: [
        ("ROSSI", "RSS"), ("RIVA", "RVI"), ("RE", "REX"), ("GIORDANO", "GRD"), ("FO", "FOX"), ("ROSI", "RSO"),
        ("IORI", "RIO"), ("LI", "LIX"), ("Masi", "MSA"), ("De Rossi D'Aquino", "DRS"), ("Dell'Anno", "DLL"),
    ])
    func surnameLetters(surname: String, expected: String) {
        #expect(String(CodiceFiscale.surnameLetters(surname)) == expected)
    }

    @Test("takes the 1st, 3rd and 4th consonant of a given name with four or more", arguments: [
        ("VINCENZO", "VCN"), ("MARTA", "MRT"), ("SARA", "SRA"), ("AL", "LAX"), ("ALESSANDRO", "LSN"),
        ("LUDOVICO", "LVC"), ("MARCO", "MRC"), ("ANNA", "NNA"), ("EVA", "VEA"), ("Gianfranco", "GFR"),
        ("Maria", "MRA"), ("Luca", "LCU"), ("Nicolò", "NCL"), ("Samantha", "SNT"),
    ])
    func givenNameLetters(givenName: String, expected: String) {
        #expect(String(CodiceFiscale.givenNameLetters(givenName)) == expected)
    }

    @Test("builds omocodes right to left, matching published ones", arguments: [
        ("Moretti", "Matteo", "1925-04-09", 1, "MRTMTT25D09F20RU"),
        ("Rossi", "Mario", "1980-01-01", 2, "RSSMRA80A01H5LMX"),
        ("Rossi", "Mario", "1980-01-01", 7, "RSSMRAULALMHRLMD"),
    ])
    func omocodes(surname: String, givenName: String, born: String, level: Int, expected: String) throws {
        let code = CodiceFiscale.make(
            surname: surname, givenName: givenName, birthDate: try #require(LocalDate(born)), sex: .male,
            birthplaceCode: surname == "Moretti" ? "F205" : "H501", omocodiaLevel: level
        )
        #expect(code.value == expected)
        #expect(code.isOmocode)
        let plain = CodiceFiscale.make(
            surname: surname, givenName: givenName, birthDate: try #require(LocalDate(born)), sex: .male,
            birthplaceCode: surname == "Moretti" ? "F205" : "H501"
        )
        #expect(code.canonical == plain.value)
    }

    @Test("every one of the 127 omocodia substitutions validates and shares the canonical form")
    func allSubstitutions() throws {
        let original = "RSSMRA85T10A562S"
        let digits = Array(original)
        var seen: Set<String> = []
        for mask in 1..<128 {
            var characters = digits
            for (bit, offset) in CodiceFiscale.omocodiaOffsets.enumerated() where mask & (1 << bit) != 0 {
                let digit = try #require(characters[offset].wholeNumberValue)
                characters[offset] = CodiceFiscale.omocodiaLetters[digit]
            }
            characters[15] = OddEvenCheckCharacter.compute(characters[0..<15])
            let code = try CodiceFiscale(validating: String(characters))
            #expect(code.isOmocode)
            #expect(code.canonical == original)
            #expect(code.sex == .male)
            #expect(code.birthplaceCode == "A562")
            #expect(code.birthDate(pivot: try #require(LocalDate("2026-01-01"))) == LocalDate("1985-12-10"))
            seen.insert(code.value)
        }
        #expect(seen.count == 127)
    }

    @Test("refuses malformed codes precisely", arguments: [
        ("", CodiceFiscaleError.empty),
        ("   ", .empty),
        ("RSSMRA85T10A562", .wrongLength("RSSMRA85T10A562", length: 15)),
        ("RSSMRA85T10A562SS", .wrongLength("RSSMRA85T10A562SS", length: 17)),
        ("RSS MRA85T10A562", .invalidCharacter("RSS MRA85T10A562", position: 4, character: " ")),
        ("R5SMRA85T10A562S", .invalidCharacter("R5SMRA85T10A562S", position: 2, character: "5")),
        ("RSSMRA8-T10A562S", .invalidCharacter("RSSMRA8-T10A562S", position: 8, character: "-")),
        ("RSSMRA85T10A5É2S", .invalidCharacter("RSSMRA85T10A5É2S", position: 14, character: "É")),
        ("RSSMRA8AT10A562S", .invalidOmocodiaCharacter("RSSMRA8AT10A562S", position: 8, character: "A")),
        ("RSSMRA85T10A56WS", .invalidOmocodiaCharacter("RSSMRA85T10A56WS", position: 15, character: "W")),
        ("RSSMRA85F10A562S", .invalidMonth("RSSMRA85F10A562S", letter: "F")),
        ("RSSMRA85T32A562S", .invalidDay("RSSMRA85T32A562S", day: 32, month: 12)),
        ("RSSMRA85T00A562S", .invalidDay("RSSMRA85T00A562S", day: 0, month: 12)),
        ("RSSMRA85T40A562S", .invalidDay("RSSMRA85T40A562S", day: 40, month: 12)),
        ("RSSMRA85T72A562S", .invalidDay("RSSMRA85T72A562S", day: 72, month: 12)),
        ("RSSMRA85B30A562S", .invalidDay("RSSMRA85B30A562S", day: 30, month: 2)),
        ("RSSMRA85S71A562S", .invalidDay("RSSMRA85S71A562S", day: 71, month: 11)),
        ("RSSMRA85T10A562X", .wrongCheckCharacter("RSSMRA85T10A562X", expected: "S")),
        ("rssmra85t10a562x", .wrongCheckCharacter("RSSMRA85T10A562X", expected: "S")),
        ("MRTMTT25D09F205X", .wrongCheckCharacter("MRTMTT25D09F205X", expected: "Z")),
        ("RSSMRA85M01H501Z", .wrongCheckCharacter("RSSMRA85M01H501Z", expected: "Q")),
    ])
    func refuses(text: String, expected: CodiceFiscaleError) {
        #expect(throws: expected) { try CodiceFiscale(validating: text) }
    }

    @Test("messages name the code, the problem and the expected check letter")
    func messages() {
        let error = CodiceFiscaleError.wrongCheckCharacter("RSSMRA85T10A562X", expected: "S")
        #expect(error.reason == "codice fiscale RSSMRA85T10A562X non valido (carattere di controllo atteso S)")
        #expect(error.userMessage
            .hasPrefix("Codice fiscale RSSMRA85T10A562X non valido (carattere di controllo atteso S)."))
        #expect(error.code == "bad_check")
        #expect(CodiceFiscaleError.invalidCharacter("R5SMRA85T10A562S", position: 2, character: "5").reason
            .contains("alla posizione 2 è attesa una lettera, non «5»"))
        #expect(CodiceFiscaleError.invalidCharacter("RSSMRA8-T10A562S", position: 8, character: "-").reason
            .contains("alla posizione 8 è attesa una cifra, non «-»"))
        #expect(CodiceFiscaleError.invalidCharacter("RSS MRA85T10A562", position: 4, character: " ").reason
            .contains("non «spazio»"))
        #expect(CodiceFiscaleError.invalidDay("RSSMRA85B30A562S", day: 30, month: 2).reason
            .contains("il giorno 30 non esiste in febbraio"))
        #expect(CodiceFiscaleError.invalidMonth("RSSMRA85F10A562S", letter: "F").reason.contains("«F»"))
    }

    @Test("every single-character change of a valid code is refused")
    func singleSubstitutions() throws {
        let valid = Array("MLLSNT82P65Z404U")
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        for offset in 0..<16 {
            for replacement in alphabet where replacement != valid[offset] {
                var characters = valid
                characters[offset] = replacement
                // Both tables are one-to-one within letters and within digits, and a digit position only
                // admits the omocodia letters, whose values never equal a digit's: the sum always changes.
                #expect(throws: CodiceFiscaleError.self) { try CodiceFiscale(validating: String(characters)) }
            }
        }
    }

    @Test("round-trips through JSON as a string and refuses invalid codes")
    func codable() throws {
        let code = try CodiceFiscale(validating: "MRTMTT25D09F205Z")
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == #"["MRTMTT25D09F205Z"]"#)
        #expect(try JSONDecoder().decode([CodiceFiscale].self, from: data) == [code])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CodiceFiscale].self, from: Data(#"["MRTMTT25D09F205X"]"#.utf8))
        }
    }
}
