import Foundation
import Testing
@testable import SpuntaDomain

@Suite("Tessera: id and QR payload")
struct CardPayloadTests {
    static let seed: UInt64 = 20_261_025

    /// Vectors computed independently from the definition (base 32 of the 120 bits, check over GF(32)).
    @Test("encodes known ids", arguments: [
        ([UInt8](repeating: 0, count: 15), "0000000000000000000000000"),
        ([UInt8](repeating: 0xFF, count: 15), "ZZZZZZZZZZZZZZZZZZZZZZZZW"),
        (Array(UInt8(0)...UInt8(14)), "000G40R40M30E209185GR38ED"),
        ([0xDE, 0xAD, 0xBE, 0xEF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "VTPVXVR0041061050R3GG28AA"),
    ])
    func vectors(bytes: [UInt8], text: String) throws {
        let id = try #require(CardID(bytes: bytes))
        #expect(id.text == text)
        #expect(id.bytes == bytes)
        #expect(CardPayload.encode(id) == "SPUNTA1:" + text)
        #expect(try CardPayload.decode("SPUNTA1:" + text) == id)
    }

    @Test("random ids round-trip through the payload and use only QR alphanumeric characters")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: Self.seed)
        let qrAlphanumeric = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
        var seen: Set<CardID> = []
        for _ in 0..<5_000 {
            let id = CardID.random(using: &generator)
            let payload = CardPayload.encode(id)
            #expect(payload.count == 33, "seed \(Self.seed)")
            #expect(payload.allSatisfy(qrAlphanumeric.contains), "seed \(Self.seed)")
            #expect(try CardPayload.decode(payload) == id, "seed \(Self.seed)")
            #expect(try CardPayload.decode(" \(payload)\r\n") == id, "seed \(Self.seed)")
            #expect(try CardID(text: id.text) == id, "seed \(Self.seed)")
            #expect(CardID(bytes: id.bytes) == id, "seed \(Self.seed)")
            seen.insert(id)
        }
        #expect(seen.count == 5_000)
    }

    @Test("the system generator gives distinct ids")
    func systemRandom() {
        let ids = Set((0..<1_000).map { _ in CardID.random() })
        #expect(ids.count == 1_000)
    }

    @Test("every single-character substitution of a valid payload is refused")
    func substitutions() throws {
        var generator = SeededGenerator(seed: Self.seed &+ 1)
        let others = Array("ILOUilou*:- 01azç")
        for _ in 0..<30 {
            let text = Array(CardID.random(using: &generator).text)
            for position in text.indices {
                for symbol in CardAlphabet.symbols where symbol != text[position] {
                    var changed = text
                    changed[position] = symbol
                    #expect(throws: CardPayloadError.badCheck, "seed \(Self.seed &+ 1)") {
                        try CardPayload.decode("SPUNTA1:" + String(changed))
                    }
                }
                for symbol in others where symbol != text[position] && !CardAlphabet.symbols.contains(symbol) {
                    var changed = text
                    changed[position] = symbol
                    #expect(throws: CardPayloadError.self, "seed \(Self.seed &+ 1)") {
                        try CardPayload.decode("SPUNTA1:" + String(changed))
                    }
                }
            }
        }
    }

    @Test("every transposition of two different characters is refused, adjacent or not")
    func transpositions() throws {
        var generator = SeededGenerator(seed: Self.seed &+ 2)
        for _ in 0..<60 {
            let text = Array(CardID.random(using: &generator).text)
            for first in text.indices {
                for second in (first + 1)..<text.count where text[first] != text[second] {
                    var swapped = text
                    swapped.swapAt(first, second)
                    #expect(throws: CardPayloadError.badCheck, "seed \(Self.seed &+ 2)") {
                        try CardPayload.decode("SPUNTA1:" + String(swapped))
                    }
                }
            }
        }
    }

    static let valid = "SPUNTA1:000G40R40M30E209185GR38ED"
    static let id = "000G40R40M30E209185GR38ED"

    static let refusals: [(String, CardPayloadError)] = [
        ("", .empty),
        ("  \r\n", .empty),
        ("\t\r", .empty),
        ("8001234567890", .wrongPrefix(looksLike: .productBarcode)),
        ("80012345", .wrongPrefix(looksLike: .productBarcode)),
        ("https://www.comune.example.it/menu", .wrongPrefix(looksLike: .webAddress)),
        ("MRTMTT25D09F205Z", .wrongPrefix(looksLike: .fiscalCode)),
        ("PAGOPA|002|301000000001234519|02438750586|5000", .wrongPrefix(looksLike: .unknown)),
        ("spunta1:" + id, .lowercase),
        ("spunta1:" + id.lowercased(), .lowercase),
        ("Spunta1:" + id, .lowercase),
        ("SPUNTA1:" + id.lowercased(), .lowercase),
        ("SPUNTA1ç" + id, .keyboardLayout(read: "SPUNTA1ç")),
        ("SPUNTA1Ç" + id, .keyboardLayout(read: "SPUNTA1Ç")),
        ("SPUNTA1." + id, .keyboardLayout(read: "SPUNTA1.")),
        ("SPUNTA1Ö" + id, .keyboardLayout(read: "SPUNTA1Ö")),
        ("SPUNTA!:" + id, .keyboardLayout(read: "SPUNTA!:")),
        ("SPUNTQ&M" + id, .keyboardLayout(read: "SPUNTQ&M")),
        ("spunta1ç" + id.lowercased(), .keyboardLayout(read: "spunta1ç")),
        ("SPUNTA1", .keyboardLayout(read: "SPUNTA1")),
        ("SPUNTA2:" + id, .unsupportedVersion("SPUNTA2")),
        ("]Q1SPUNTA1:" + id, .leadingCharacters),
        ("SPUNTA1:", .wrongLength(length: 0)),
        ("SPUNTA1:" + id.dropLast(), .wrongLength(length: 24)),
        ("SPUNTA1:" + id + "0", .wrongLength(length: 26)),
        (valid + valid, .wrongLength(length: 58)),
        ("SPUNTA1: " + id.dropFirst(), .invalidCharacter(" ", position: 1)),
        ("SPUNTA1:00OG40R40M30E209185GR38ED", .invalidCharacter("O", position: 3)),
        ("SPUNTA1:000G40R40M30E2091\u{0008}5GR38ED", .invalidCharacter("\u{0008}", position: 18)),
        ("SPUNTA1:000G40R40M30E209185GR38EE", .badCheck),
        ("SPUNTA1:000G40R40M30E209185GR3E8D", .badCheck),
    ]

    @Test("refuses each way a scan goes wrong with its own error", arguments: refusals)
    func refuses(line: String, expected: CardPayloadError) {
        #expect(throws: expected) { try CardPayload.decode(line) }
    }

    @Test("errors have stable codes and Italian messages that say what to check")
    func messages() {
        #expect(CardPayloadError.badCheck.code == "bad_check")
        #expect(CardPayloadError.badCheck.userMessage
            == "tessera non valida: carattere di controllo errato, possibile errore di lettura; riprovare")
        let layout = CardPayloadError.keyboardLayout(read: "SPUNTA1ç")
        #expect(layout.code == "keyboard_layout")
        #expect(layout.userMessage.hasPrefix("tastiera con layout diverso: controllare l'impostazione del lettore"))
        #expect(layout.userMessage.contains("«SPUNTA1ç»"))
        #expect(CardPayloadError.lowercase.userMessage.contains("Blocco maiuscole"))
        #expect(CardPayloadError.invalidCharacter("O", position: 3).userMessage
            .contains("«O» non ammesso alla posizione 3"))
        #expect(CardPayloadError.invalidCharacter(" ", position: 1).userMessage.contains("«spazio»"))
        #expect(CardPayloadError.wrongLength(length: 24).userMessage.contains("letti 24 caratteri invece di 25"))
        let codes = Set(Self.refusals.map(\.1.code))
        #expect(codes == [
            "empty", "wrong_prefix", "lowercase", "keyboard_layout", "unsupported_version", "leading_characters",
            "wrong_length", "invalid_character", "bad_check",
        ])
        // A scanned health card is described, not echoed.
        #expect(!CardPayloadError.wrongPrefix(looksLike: .fiscalCode).userMessage.contains("MRTMTT"))
    }

    @Test("ids round-trip through JSON as their text")
    func codable() throws {
        let id = try CardID(text: Self.id)
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(Self.id)\"]")
        #expect(try JSONDecoder().decode([CardID].self, from: data) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CardID].self, from: Data("[\"\(Self.id.dropLast())E\"]".utf8))
        }
    }
}
