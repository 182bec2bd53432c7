import Testing
import SpuntaCLI

@Suite("Key decoding")
struct KeyDecoderTests {
    @Test("escape sequences and control bytes decode to named keys", arguments: [
        ([0x1B, 0x5B, 0x41], Key.up), ([0x1B, 0x5B, 0x42], .down), ([0x1B, 0x5B, 0x43], .right),
        ([0x1B, 0x5B, 0x44], .left), ([0x1B, 0x4F, 0x41], .up), ([0x1B, 0x5B, 0x48], .home),
        ([0x1B, 0x5B, 0x46], .end), ([0x1B, 0x5B, 0x31, 0x7E], .home), ([0x1B, 0x5B, 0x34, 0x7E], .end),
        ([0x1B, 0x5B, 0x33, 0x7E], .delete), ([0x1B, 0x5B, 0x35, 0x7E], .pageUp),
        ([0x1B, 0x5B, 0x36, 0x7E], .pageDown), ([0x1B, 0x5B, 0x32, 0x7E], .insert),
        ([0x1B, 0x4F, 0x50], .function(1)), ([0x1B, 0x5B, 0x32, 0x34, 0x7E], .function(12)),
        ([0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x41], .up),
        ([0x0D], .enter), ([0x0A], .enter), ([0x09], .tab), ([0x7F], .backspace), ([0x08], .backspace),
        ([0x03], .control("c")), ([0x1A], .control("z")),
        ([0x61], .character("a")), ([0xC3, 0xA8], .character("è")), ([0xE2, 0x82, 0xAC], .character("€")),
    ] as [([UInt8], Key)])
    func decodes(bytes: [UInt8], key: Key) {
        #expect(KeyDecoder.decode(bytes) == .key(key, byteCount: bytes.count))
    }

    @Test("a lone ESC waits for more bytes, and is Escape once no more come")
    func loneEscape() {
        #expect(KeyDecoder.decode([0x1B]) == .incomplete)
        #expect(KeyDecoder.decode([0x1B], atEnd: true) == .key(.escape, byteCount: 1))
        #expect(KeyDecoder.decode([0x1B, 0x5B]) == .incomplete)
        #expect(KeyDecoder.decode([0x1B, 0x5B, 0x31]) == .incomplete)
        #expect(KeyDecoder.decode([0x1B, 0x5B, 0x31], atEnd: true) == .key(.unknown([0x1B, 0x5B, 0x31]), byteCount: 3))
    }

    @Test("ESC before an ordinary key is Escape, then that key")
    func escapeThenKey() {
        #expect(KeyDecoder.decode([0x1B, 0x71]) == .key(.escape, byteCount: 1))
        #expect(KeyDecoder.decode([0x71]) == .key(.character("q"), byteCount: 1))
    }

    @Test("a cut UTF-8 character waits, and bad bytes are unknown, one at a time")
    func utf8() {
        #expect(KeyDecoder.decode([0xC3]) == .incomplete)
        #expect(KeyDecoder.decode([0xC3], atEnd: true) == .key(.unknown([0xC3]), byteCount: 1))
        #expect(KeyDecoder.decode([0xFF, 0x61]) == .key(.unknown([0xFF]), byteCount: 1))
        #expect(KeyDecoder.decode([0xC3, 0x41]) == .key(.unknown([0xC3]), byteCount: 1))
        #expect(KeyDecoder.decode([UInt8]()) == .incomplete)
    }

    @Test("only the first key of a buffer is consumed")
    func firstKeyOnly() {
        #expect(KeyDecoder.decode([0x1B, 0x5B, 0x41, 0x61]) == .key(.up, byteCount: 3))
    }
}
