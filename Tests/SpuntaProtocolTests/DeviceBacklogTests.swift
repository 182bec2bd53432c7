import Foundation
import Testing
@testable import SpuntaProtocol

@Suite("The device backlog header")
struct DeviceBacklogTests {
    @Test("the header is ASCII, decodes as plain JSON, and reads back the same report, Italian text included")
    func roundTrip() throws {
        let report = DeviceBacklog(pendingOps: 12, oldestPendingAgeSeconds: 840, lastError: "Server non raggiungibile: riproverò più tardi — «rete» 🚌",
                                   lastErrorCode: "offline", lastErrorAgeSeconds: 60)
        let value = report.headerValue
        #expect(value.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 })
        #expect(value.contains("riprover\\u00f2"))
        #expect(value.contains("\\ud83d\\ude8c"), "beyond the BMP: a surrogate pair")
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any])
        #expect(plain["pending_ops"] as? Int == 12)
        #expect(plain["last_error"] as? String == report.lastError)
        #expect(DeviceBacklog(headerValue: value) == report)
    }

    @Test("an empty queue carries no oldest age; a long error is cut, not refused")
    func normalised() throws {
        let read = try #require(DeviceBacklog(headerValue: "{\"pending_ops\":0,\"oldest_pending_age_s\":30,\"last_error\":\"\(String(repeating: "x", count: 500))\"}"))
        #expect(read.oldestPendingAgeSeconds == nil)
        #expect(read.lastError?.count == DeviceBacklog.maxErrorLength)
    }

    @Test("reports the protocol does not describe are refused", arguments: [
        "", "not json", "[]", "{}", "{\"pending_ops\":-1}", "{\"pending_ops\":\"3\"}", "{\"pending_ops\":3,\"oldest_pending_age_s\":-5}",
        "{\"pending_ops\":3,\"oldest_pending_age_s\":999999999999}", "{\"pending_ops\":3.5}",
    ])
    func refused(value: String) {
        #expect(DeviceBacklog(headerValue: value) == nil)
    }
}
