import Foundation
import SpuntaTestSupport
import Testing
import SpuntaDomain
import SpuntaHTTP
import SpuntaProtocol
@testable import SpuntaServer
@testable import SpuntaSync

/// An end of a ride that lists aboard a child the server does not know (a server restored from an older backup):
/// the real children left aboard must still reach the office.
@Suite("The end of a ride with a child the server does not know aboard")
struct RideClosedUnknownChildTests {
    @Test("a push closing a ride with one known and one unknown child aboard is applied, alerts the office once for each, and a replay doubles nothing")
    func knownAndUnknownAboard() throws {
        let fixture = try ServerFixture()
        defer { fixture.stop() }
        try fixture.admin { db in
            _ = try AlertRecipients.add(db, channel: .email, address: "ufficio.scuola@comune.example.it", actor: "test", now: Date())
        }
        let bus = try DeviceSession(fixture, try fixture.enrolledDevice(.bus, ["route:L1"], name: "Scuolabus L1"))
        let ms: Int64 = 1_791_189_600_000
        let closed = Op(
            id: "\(bus.id)-close", deviceId: bus.id, instance: bus.instance, seq: 1, hlc: HLCTimestamp(milliseconds: ms, counter: 0),
            wallTimeMs: ms, businessDate: try #require(LocalDate(year: 2026, month: 10, day: 5)),
            body: .rideClosed(RideClosed(routeId: "L1", direction: .outbound, aboard: ["B0001", "B9999"]))
        )

        let first = try WireCoding.decode(PushResponse.self, from: try bus.push([closed]).body)
        #expect(first.results.map(\.status) == [.applied], "accepted, not refused: \(first.results)")
        #expect(first.results.first?.code == nil)

        let replay = try WireCoding.decode(PushResponse.self, from: try bus.push([closed]).body)
        #expect(replay.results.map(\.status) == [.duplicate])

        let stored = try fixture.admin { db in
            try db.fetchOne("SELECT merge_status, scope_flag, body FROM op WHERE id = ?", [closed.id])
                .map { (status: try $0[0] as String, flag: try $0[1] as String?, body: try $0[2] as String) }
        }
        let op = try #require(stored)
        #expect(op.status == "applied")
        #expect(op.flag == OpFlag.unknownAboard.rawValue, "flagged for the office")
        #expect(op.body.contains("\"B9999\""), "the unknown id is kept with the op, as the device sent it")

        let alerts = try fixture.admin { db in try OfficeAlerts.list(db) }.filter { $0.kind == "child_left_aboard" }
        #expect(alerts.count == 2, "one alert per child aboard, once: \(alerts.map(\.title))")
        let known = try #require(alerts.first { $0.subject == "B0001" })
        #expect(known.title == "URGENTE: Fontana Elena risulta ancora a bordo (linea L1)")
        let unknown = try #require(alerts.first { $0.subject == "B9999" })
        #expect(unknown.title == "URGENTE: bambino non riconosciuto dal server: B9999 risulta ancora a bordo (linea L1)")
        #expect(unknown.body.contains("cercare comunque il bambino sullo scuolabus"), "\(unknown.body)")
        #expect(alerts.allSatisfy { $0.body.contains("la corsa è stata chiusa dal dispositivo «Scuolabus L1»") }, "\(alerts.map(\.body))")

        let queued = try fixture.admin { db in
            try db.fetchAll("SELECT subject FROM outbox_message WHERE kind = 'office_alert_child_left_aboard' ORDER BY subject")
                .map { try $0[0] as String }
        }
        #expect(queued == [
            "URGENTE: Fontana Elena risulta ancora a bordo (linea L1)",
            "URGENTE: bambino non riconosciuto dal server: B9999 risulta ancora a bordo (linea L1)",
        ], "queued once each, the replay added nothing")
    }
}
