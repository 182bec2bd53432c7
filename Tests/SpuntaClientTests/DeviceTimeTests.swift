import Foundation
import Testing
@testable import SpuntaClient

@Suite("Device timestamps")
struct DeviceTimeTests {
    @Test("written by hand exactly as ISO8601DateFormatter writes them, and read back by it",
          arguments: [0.0, 1_792_000_000.25, 1_761_355_800, 951_782_400, 4_102_444_799.999])
    func sameAsFormatter(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        #expect(DeviceTime.stamp(date) == formatter.string(from: date))
        #expect(formatter.date(from: DeviceTime.stamp(date)) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }
}
