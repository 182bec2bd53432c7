import Testing
import SpuntaCrypto

@Suite("Secure random bytes and tokens")
struct SecureRandomTests {
    @Test("bytes come in the requested count, including more than one getentropy chunk", arguments: [0, 1, 32, 256, 257, 1000])
    func counts(count: Int) throws {
        #expect(try SecureRandom.bytes(count).count == count)
    }

    @Test("two draws differ and a large draw uses every byte value")
    func notConstant() throws {
        #expect(try SecureRandom.bytes(32) != SecureRandom.bytes(32))
        let many = try SecureRandom.bytes(65_536)
        #expect(Set(many).count == 256)
    }

    @Test("uniform draws stay below the bound and cover it")
    func uniform() throws {
        var seen = Set<UInt64>()
        for _ in 0..<600 {
            let value = try SecureRandom.uniform(below: 6)
            #expect(value < 6)
            seen.insert(value)
        }
        #expect(seen.count == 6)
        #expect(try SecureRandom.uniform(below: 1) == 0)
    }

    @Test("a token is 43 base64url characters for 32 bytes and never repeats")
    func tokens() throws {
        var tokens = Set<String>()
        for _ in 0..<100 {
            let token = try SecureToken.generate()
            #expect(token.count == 43)
            #expect(Base64URL.decode(token)?.count == 32)
            tokens.insert(token)
        }
        #expect(tokens.count == 100)
    }

    @Test("a token matches its stored hash and nothing else")
    func storedHash() throws {
        let token = try SecureToken.generate()
        let stored = SecureToken.storedHash(of: token)
        #expect(stored.count == 64)
        #expect(SecureToken.matches(token, storedHash: stored))
        #expect(!SecureToken.matches(token + "x", storedHash: stored))
        #expect(!SecureToken.matches(try SecureToken.generate(), storedHash: stored))
    }
}
