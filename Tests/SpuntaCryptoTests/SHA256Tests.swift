import Foundation
import Testing
import SpuntaCrypto

@Suite("SHA-256 (FIPS 180-4)")
struct SHA256Tests {
    @Test("the NIST example messages hash to the published digests", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(Hex.encode(SHA256.hash(message)) == expected)
        #expect(Hex.encode(SHA256.hash(Array(message.utf8))) == expected)
        #expect(Hex.encode(SHA256.hash(Data(message.utf8))) == expected)
    }

    @Test("one million letters a, fed in uneven pieces, give the published digest")
    func oneMillionA() {
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 9_973)
        var hasher = SHA256()
        var remaining = 1_000_000
        while remaining > 0 {
            let piece = min(remaining, chunk.count)
            hasher.update(Array(chunk[0..<piece]))
            remaining -= piece
        }
        #expect(Hex.encode(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Messages whose byte i is i % 251, at lengths around the padding boundaries; expected digests were
    /// computed once with `sha256sum` (GNU coreutils).
    @Test("lengths around the block and padding boundaries match sha256sum", arguments: [
        (1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        (55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"),
        (56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"),
        (57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"),
        (63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"),
        (64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"),
        (65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"),
        (119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"),
        (120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"),
        (127, "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976"),
        (128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"),
        (129, "5099c6a56203f9687f7d33f4bfdf576d31dc91f6b695ecea38b2770c87631135"),
        (1000, "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d"),
    ])
    func boundaryLengths(length: Int, expected: String) {
        let message = (0..<length).map { UInt8($0 % 251) }
        #expect(Hex.encode(SHA256.hash(message)) == expected)
    }

    @Test("feeding a message byte by byte or split anywhere gives the one-shot digest")
    func incrementalSplits() {
        let message = (0..<300).map { UInt8(($0 * 7 + 3) % 256) }
        let expected = SHA256.hash(message)
        var byteByByte = SHA256()
        for byte in message { byteByByte.update([byte]) }
        #expect(byteByByte.finalize() == expected)
        for split in [0, 1, 63, 64, 65, 128, 200, 299, 300] {
            var hasher = SHA256()
            hasher.update(Array(message[..<split]))
            hasher.update(Array(message[split...]))
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
    }

    @Test("finalize leaves the hasher usable, so a running digest can be taken midway")
    func finalizeIsNonDestructive() {
        var hasher = SHA256()
        hasher.update("ab")
        #expect(hasher.finalize() == SHA256.hash("ab"))
        hasher.update("c")
        #expect(hasher.finalize() == SHA256.hash("abc"))
    }

    @Test("strings are hashed as their UTF-8 bytes, accents included")
    func utf8Strings() {
        #expect(Hex.encode(SHA256.hash("Niccolò è già qui"))
            == "9040284e3a6811d9412ee8615f64c6a8b838ebfd2945602a7955ad41d05b9b43")
        #expect(SHA256.hash("Niccolò") == SHA256.hash(Array("Niccolò".utf8)))
    }

    @Test("a digest is always 32 bytes")
    func digestLength() {
        #expect(SHA256.hash([UInt8]()).count == SHA256.digestByteCount)
        #expect(SHA256.hash("x").count == 32)
    }
}
