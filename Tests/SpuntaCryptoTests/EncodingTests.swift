import Testing
import SpuntaCrypto

@Suite("Hex and base64url text")
struct EncodingTests {
    @Test("hex encodes lowercase and decodes either case")
    func hex() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.decode("000FA5ff") == [0x00, 0x0f, 0xa5, 0xff])
        #expect(Hex.decode("") == [])
    }

    @Test("hex refuses odd lengths and non-hex characters", arguments: ["abc", "zz", "0g", "é0", " 0"])
    func badHex(text: String) {
        #expect(Hex.decode(text) == nil)
    }

    /// RFC 4648 section 10 vectors, in the URL alphabet and without padding.
    @Test("base64url matches the RFC 4648 vectors without padding", arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func base64Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test("base64url uses - and _ instead of + and /")
    func urlAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
    }

    @Test("base64url round-trips every length up to 100")
    func roundTrip() {
        for length in 0...100 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + length) % 256) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test("base64url refuses padding, foreign characters, impossible lengths and stray bits",
          arguments: ["Zg==", "Zm9v+", "Zm9v/", "Z", "Zm9vY", "Zh", "Zm9 v", "Zmè"])
    func badBase64(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
