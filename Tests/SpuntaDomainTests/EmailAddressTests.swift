import Foundation
import Testing
@testable import SpuntaDomain

@Suite("Indirizzo e-mail")
struct EmailAddressTests {
    @Test("accepts ordinary addresses and lowercases the domain", arguments: [
        ("mario.rossi@libero.it", "mario.rossi@libero.it"),
        ("  Mario.Rossi@Libero.IT\r\n", "Mario.Rossi@libero.it"),
        ("anna+mensa@gmail.com", "anna+mensa@gmail.com"),
        ("o'brien@posta.comune.padova.it", "o'brien@posta.comune.padova.it"),
        ("ufficio.scuola@pec.comune-di-prova.it", "ufficio.scuola@pec.comune-di-prova.it"),
        ("x@xn--mnchen-3ya.de", "x@xn--mnchen-3ya.de"),
    ])
    func accepts(text: String, value: String) throws {
        let address = try EmailAddress(validating: text)
        #expect(address.value == value)
        #expect(address.description == value)
    }

    @Test("splits local part and domain")
    func parts() throws {
        let address = try EmailAddress(validating: "Mario.Rossi@Libero.IT")
        #expect(address.localPart == "Mario.Rossi")
        #expect(address.domain == "libero.it")
    }

    static let longLocal = String(repeating: "a", count: 65) + "@libero.it"
    static let longAddress = String(repeating: "a", count: 60) + "@" + String(repeating: "b", count: 200) + ".it"

    static let refusals: [(String, EmailAddressError)] = [
        ("", EmailAddressError.empty),
        ("   ", .empty),
        ("mario.rossi@libero.it; anna@gmail.com", .multipleAddresses("mario.rossi@libero.it; anna@gmail.com")),
        ("mario.rossi@libero.it,anna@gmail.com", .multipleAddresses("mario.rossi@libero.it,anna@gmail.com")),
        ("mario rossi@libero.it", .containsSpace("mario rossi@libero.it")),
        ("mario.rossi.libero.it", .missingAt("mario.rossi.libero.it")),
        ("mario@rossi@libero.it", .multipleAt("mario@rossi@libero.it")),
        ("@libero.it", .emptyLocalPart("@libero.it")),
        ("mario.rossi@", .invalidDomain("mario.rossi@")),
        ("mario.rossi@libero", .domainWithoutDot("mario.rossi@libero")),
        ("mario.rossi@libero.", .invalidDomain("mario.rossi@libero.")),
        ("mario.rossi@libero..it", .invalidDomain("mario.rossi@libero..it")),
        ("mario.rossi@.libero.it", .invalidDomain("mario.rossi@.libero.it")),
        ("mario.rossi@libero.i", .invalidDomain("mario.rossi@libero.i")),
        ("mario.rossi@-libero.it", .invalidDomain("mario.rossi@-libero.it")),
        ("mario.rossi@10.0.0.1", .invalidDomain("mario.rossi@10.0.0.1")),
        ("nicolò@libero.it", .invalidCharacter("nicolò@libero.it", character: "ò")),
        ("mario@libero_mail.it", .invalidCharacter("mario@libero_mail.it", character: "_")),
        ("<mario@libero.it>", .invalidCharacter("<mario@libero.it>", character: "<")),
        (".mario@libero.it", .misplacedDot(".mario@libero.it")),
        ("mario.@libero.it", .misplacedDot("mario.@libero.it")),
        ("mario..rossi@libero.it", .misplacedDot("mario..rossi@libero.it")),
        (longLocal, .localPartTooLong(longLocal)),
        (longAddress, .tooLong(length: 264)),
    ]

    @Test("refuses what people mistype or paste", arguments: refusals)
    func refuses(text: String, expected: EmailAddressError) {
        #expect(throws: expected) { try EmailAddress(validating: text) }
    }

    @Test("messages are Italian and quote the address")
    func messages() {
        let error = EmailAddressError.missingAt("mario.rossi.libero.it")
        #expect(error.code == "missing_at")
        #expect(error.userMessage == "L'indirizzo e-mail «mario.rossi.libero.it» non contiene la chiocciola @. "
            + "Controllare l'indirizzo con la famiglia e correggerlo.")
    }
}
