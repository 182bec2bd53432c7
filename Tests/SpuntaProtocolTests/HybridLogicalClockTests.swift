import Foundation
import Testing
import SpuntaProtocol

@Suite("Hybrid logical clock")
struct HybridLogicalClockTests {
    static let start: Int64 = 1_792_880_000_000
    static let hour: Int64 = 3_600_000

    @Test("stamps follow the physical clock and start a fresh counter on each new millisecond")
    func followsPhysicalTime() {
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(physicalClock: physical.read)
        #expect(clock.now() == HLCTimestamp(milliseconds: Self.start, counter: 0))
        #expect(clock.now() == HLCTimestamp(milliseconds: Self.start, counter: 1))
        physical.advance(by: 5)
        #expect(clock.now() == HLCTimestamp(milliseconds: Self.start + 5, counter: 0))
    }

    @Test("stamps keep increasing while the physical clock goes backwards")
    func monotonicWhenPhysicalGoesBack() {
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(physicalClock: physical.read)
        var previous = clock.now()
        for step in [-1, -1_000, -Self.hour, 0, 3, -50] as [Int64] {
            physical.advance(by: step)
            for _ in 0..<3 {
                let next = clock.now()
                #expect(next > previous, "after a step of \(step) ms")
                previous = next
            }
        }
        // Wall-clock part never went back either, and catches up once physical time passes it.
        #expect(previous.milliseconds == Self.start)
        physical.set(Self.start + 10)
        #expect(clock.now() == HLCTimestamp(milliseconds: Self.start + 10, counter: 0))
    }

    @Test("a stamp taken after receiving a remote one is greater than it (causality)")
    func causality() throws {
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(physicalClock: physical.read)
        let remote = HLCTimestamp(milliseconds: Self.start + 2 * Self.hour, counter: 9)
        let received = try clock.receive(remote)
        #expect(received > remote)
        #expect(received == HLCTimestamp(milliseconds: Self.start + 2 * Self.hour, counter: 10))
        let next = clock.now()
        #expect(next > received)
        #expect(next > remote)
    }

    @Test("receiving an old stamp still moves the local clock forward")
    func receiveFromThePast() throws {
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(physicalClock: physical.read)
        let local = clock.now()
        let received = try clock.receive(HLCTimestamp(milliseconds: Self.start - Self.hour, counter: 40))
        #expect(received == local.successor)
    }

    @Test("receiving a stamp of the same millisecond takes the larger counter plus one")
    func sameMillisecond() throws {
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(physicalClock: physical.read)
        _ = clock.now()
        _ = clock.now()
        let received = try clock.receive(HLCTimestamp(milliseconds: Self.start, counter: 30))
        #expect(received == HLCTimestamp(milliseconds: Self.start, counter: 31))
    }

    @Test("a full counter advances the millisecond instead of wrapping")
    func counterOverflow() throws {
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(physicalClock: physical.read)
        var previous = clock.now()
        for _ in 0..<70_000 {
            let next = clock.now()
            #expect(next > previous)
            previous = next
        }
        // 70,001 stamps in a frozen millisecond: 65,536 at the start, the rest in the next one.
        #expect(previous == HLCTimestamp(milliseconds: Self.start + 1, counter: UInt16(70_001 - 65_536 - 1)))

        let full = HLCTimestamp(milliseconds: Self.start + 1, counter: .max)
        let received = try clock.receive(full)
        #expect(received == HLCTimestamp(milliseconds: Self.start + 2, counter: 0))
    }

    @Test("a remote stamp beyond the drift tolerance is refused and leaves the clock untouched")
    func driftRefused() throws {
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(physicalClock: physical.read)
        let before = clock.now()
        let future = HLCTimestamp(milliseconds: Self.start + 25 * Self.hour, counter: 0)
        let error = try #require(throws: HLCDriftError.self) { try clock.receive(future) }
        #expect(error.driftMilliseconds == 25 * Self.hour)
        #expect(error.remote == future)
        #expect(error.code == "clock_drift")
        #expect(error.userMessage.contains("avanti di 1 giorno e 1 ora"))
        #expect(clock.current == before)
        #expect(clock.now().milliseconds == Self.start)

        let withinTolerance = HLCTimestamp(milliseconds: Self.start + 23 * Self.hour, counter: 0)
        #expect(try clock.receive(withinTolerance) > withinTolerance)
    }

    @Test("the drift tolerance is configurable and measured against physical time, not the last stamp")
    func configurableDrift() throws {
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(maxDriftMilliseconds: 60_000, physicalClock: physical.read)
        #expect(throws: HLCDriftError.self) {
            try clock.receive(HLCTimestamp(milliseconds: Self.start + 60_001, counter: 0))
        }
        #expect(try clock.receive(HLCTimestamp(milliseconds: Self.start + 60_000, counter: 0)) > .zero)
    }

    @Test("a clock resumed from a persisted stamp never issues anything below it")
    func resumesAfterRestart() {
        let persisted = HLCTimestamp(milliseconds: Self.start + Self.hour, counter: 3)
        let physical = ManualClock(Self.start)
        let clock = HybridLogicalClock(last: persisted, physicalClock: physical.read)
        #expect(clock.now() == HLCTimestamp(milliseconds: Self.start + Self.hour, counter: 4))
    }

    @Test("a physical clock before 1970 reads as the epoch instead of crashing, and .zero is never issued")
    func negativePhysicalTime() {
        let clock = HybridLogicalClock(physicalClock: { -5_000 })
        #expect(clock.now() == HLCTimestamp(milliseconds: 0, counter: 1))
        #expect(clock.now() == HLCTimestamp(milliseconds: 0, counter: 2))
    }

    @Test("stamps taken concurrently from many tasks are all distinct")
    func concurrentStamps() async {
        let clock = HybridLogicalClock(physicalClock: { 1_792_880_000_000 })
        let stamps = await withTaskGroup(of: [HLCTimestamp].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<2_000).map { _ in clock.now() } }
            }
            var all: [HLCTimestamp] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(Set(stamps).count == 16_000)
    }

    @Test("the system clock reads close to Foundation's date")
    func systemClock() {
        let difference = HybridLogicalClock.systemMilliseconds() - Int64(Date().timeIntervalSince1970 * 1000)
        #expect(abs(difference) < 1_000)
    }
}
