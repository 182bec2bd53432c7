import Foundation
import Testing
import SpuntaProtocol

@Suite("HLC timestamps")
struct HLCTimestampTests {
    @Test("milliseconds and counter pack into one integer and back", arguments: [
        (Int64(0), UInt16(0)), (1, 0), (0, 1), (1_792_880_000_123, 5), (1_792_880_000_123, .max),
        (HLCTimestamp.maxMilliseconds, .max),
    ])
    func packing(milliseconds: Int64, counter: UInt16) throws {
        let stamp = HLCTimestamp(milliseconds: milliseconds, counter: counter)
        #expect(stamp.rawValue == milliseconds << 16 | Int64(counter))
        #expect(stamp.milliseconds == milliseconds)
        #expect(stamp.counter == counter)
        let again = try #require(HLCTimestamp(rawValue: stamp.rawValue))
        #expect(again == stamp)
    }

    @Test("a negative raw value is no stamp")
    func negativeRaw() {
        #expect(HLCTimestamp(rawValue: -1) == nil)
        #expect(HLCTimestamp(rawValue: .min) == nil)
    }

    @Test("stamps order exactly as their integers do")
    func orderingIsIntegerOrdering() {
        var generator = SplitMix64(seed: 20_261_025)
        var stamps: [HLCTimestamp] = []
        for _ in 0..<500 {
            // Few distinct milliseconds, so that many pairs differ only by counter.
            let milliseconds = 1_792_880_000_000 + Int64(generator.next() % 4)
            stamps.append(HLCTimestamp(milliseconds: milliseconds, counter: UInt16(truncatingIfNeeded: generator.next() % 6)))
        }
        for (a, b) in zip(stamps, stamps.dropFirst()) {
            #expect((a < b) == (a.rawValue < b.rawValue))
            #expect((a == b) == (a.rawValue == b.rawValue))
        }
        #expect(stamps.sorted().map(\.rawValue) == stamps.map(\.rawValue).sorted())
        #expect(HLCTimestamp(milliseconds: 10, counter: .max) < HLCTimestamp(milliseconds: 11, counter: 0))
    }

    @Test("JSON carries a stamp as a bare integer, exactly, and refuses a negative one")
    func codable() throws {
        let stamp = HLCTimestamp(milliseconds: 1_792_880_000_123, counter: 65_535)
        let json = String(decoding: try JSONEncoder().encode([stamp]), as: UTF8.self)
        #expect(json == "[\(stamp.rawValue)]")
        let decoded = try JSONDecoder().decode([HLCTimestamp].self, from: Data(json.utf8))
        #expect(decoded == [stamp])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([HLCTimestamp].self, from: Data("[-5]".utf8))
        }
    }

    @Test("the description shows UTC time to the millisecond and the counter")
    func description() {
        // 2026-10-25T00:30:00.123Z, the night summer time ends in Rome.
        let stamp = HLCTimestamp(milliseconds: 1_792_888_200_123, counter: 7)
        #expect(stamp.description == "2026-10-25T00:30:00.123Z/7")
        #expect(HLCTimestamp.zero.description == "1970-01-01T00:00:00.000Z/0")
        #expect(stamp.date == Date(timeIntervalSince1970: 1_792_888_200.123))
    }

    @Test("the successor bumps the counter, then the millisecond, and saturates at the end")
    func successor() {
        #expect(HLCTimestamp(milliseconds: 5, counter: 1).successor == HLCTimestamp(milliseconds: 5, counter: 2))
        #expect(HLCTimestamp(milliseconds: 5, counter: .max).successor == HLCTimestamp(milliseconds: 6, counter: 0))
        #expect(HLCTimestamp.max.successor == HLCTimestamp.max)
    }
}

/// A small seeded generator so that randomised cases replay exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
