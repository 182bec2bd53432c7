import Foundation
import Testing
@testable import SpuntaBilling

/// The queue between `billing run`'s computing thread and its writer: everything in order, the producer's error after
/// what it put, and a producer that stops when the writer gives up.
@Suite("Handing computed groups to the writer")
struct HandOffTests {
    struct Failed: Error, Equatable {}

    @Test("the elements arrive in order, then the end")
    func inOrder() throws {
        let handOff = HandOff<Int>(capacity: 2)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            for n in 0..<100 {
                guard handOff.put(n) else { break }
            }
            handOff.close(nil)
            finished.signal()
        }.start()
        var received: [Int] = []
        while let n = try handOff.take() { received.append(n) }
        finished.wait()
        #expect(received == Array(0..<100))
    }

    @Test("the producer's error reaches the writer after what was put before it")
    func errorAfterElements() throws {
        let handOff = HandOff<Int>(capacity: 3)
        #expect(handOff.put(1))
        #expect(handOff.put(2))
        handOff.close(Failed())
        #expect(try handOff.take() == 1)
        #expect(try handOff.take() == 2)
        #expect(throws: Failed.self) { try handOff.take() }
    }

    @Test("a producer waiting for room is told to stop when the writer gives up")
    func cancelWakesTheProducer() throws {
        let handOff = HandOff<Int>(capacity: 1)
        let stopped = DispatchSemaphore(value: 0)
        #expect(handOff.put(0))
        Thread {
            // The queue is full: this put waits until the writer takes or gives up.
            if !handOff.put(1) { stopped.signal() }
        }.start()
        handOff.cancel()
        stopped.wait()
        #expect(!handOff.put(2))
    }
}
