import Testing
import SpuntaCrypto

@Suite("Constant-time comparison")
struct ConstantTimeTests {
    @Test("equal arrays compare equal, any difference or length mismatch does not", arguments: [
        ([UInt8](), [UInt8](), true),
        ([1, 2, 3], [1, 2, 3], true),
        ([1, 2, 3], [1, 2, 4], false),
        ([0, 2, 3], [1, 2, 3], false),
        ([1, 2, 3], [1, 2], false),
        ([1, 2], [1, 2, 0], false),
        ([], [0], false),
    ] as [([UInt8], [UInt8], Bool)])
    func bytes(a: [UInt8], b: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(a, b) == equal)
        #expect(ConstantTime.equals(b, a) == equal)
    }

    @Test("strings compare by their UTF-8 bytes")
    func strings() {
        #expect(ConstantTime.equals("perché", "perché"))
        #expect(!ConstantTime.equals("perché", "perche"))
    }
}
