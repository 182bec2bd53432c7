import Foundation
import SpuntaCrypto
import SpuntaDomain
import SpuntaHTTP
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
import SpuntaTestSupport
import Testing
@testable import SpuntaServer
@testable import SpuntaSync

/// `DeviceRegistry.reinstate` over HTTP: the revoked credential stays dead, the new code enrolls the same device, and
/// what it pushes then is checked as any device's push.
@Suite("A revoked device reinstated")
struct DeviceReinstateTests {
    /// One handheld's database: its ops keep their instance and numbering across the revocation and the new enrollment.
    static let instance = "palmare-ritrovato"

    static func meal(_ device: String, seq: Int64, child: String) -> Op {
        let ms: Int64 = 1_791_187_800_000 + seq
        return Op(
            id: "\(device)-\(seq)-\(instance)", deviceId: device, instance: instance, seq: seq,
            hlc: HLCTimestamp(milliseconds: ms, counter: 0), wallTimeMs: ms,
            businessDate: LocalDate(year: 2026, month: 10, day: 5)!,
            body: .mealScanned(Meal(beneficiaryId: child, serviceId: "MENSA-RODARI", siteId: "S01", cardId: nil, reason: nil))
        )
    }

    static func push(_ client: HTTPClient, token: String, _ ops: [Op]) throws -> HTTPClientResponse {
        try client.send(method: "POST", path: "/v1/push", headers: ["Spunta-Protocol": "1", "Authorization": "Bearer \(token)"],
                        body: try WireCoding.encode(PushRequest(ops: ops)))
    }

    @Test("the old token stays refused, the new code enrolls the same device, its pushes are answered by id and checked against its scope on the op's day")
    func reinstatedPushesChecked() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let device = try f.enrolledDevice(.canteen, ["site:S01"], name: "Mensa Rodari 1")
        let (eat, elsewhere) = try f.admin { db -> ([String], String?) in
            (try db.fetchAll("SELECT DISTINCT beneficiary_id FROM enrollment WHERE service_id = 'MENSA-RODARI' ORDER BY beneficiary_id LIMIT 2")
                .map { try $0[0] as String },
             try db.scalar("""
                SELECT id FROM beneficiary WHERE id NOT IN (SELECT beneficiary_id FROM enrollment WHERE site_id = 'S01') ORDER BY id LIMIT 1
                """))
        }
        try #require(eat.count == 2)
        let stranger = try #require(elsewhere)
        let client = try HTTPClient(baseURL: f.baseURL)
        let first = Self.meal(device.id, seq: 1, child: eat[0])
        #expect(try Self.push(client, token: device.token, [first]).status == 200)

        try f.admin { db in try DeviceRegistry.revoke(db, id: device.id, reason: "smarrito", actor: "test", now: Date()) }
        let second = Self.meal(device.id, seq: 2, child: eat[1])
        #expect(try Self.push(client, token: device.token, [second]).status == 403)
        // Only a revoked device can be reinstated.
        let healthy = try f.addDevice(.bus, ["route:L1"], name: "Scuolabus")
        #expect(throws: DeviceRegistry.RegistryError.notRevoked(healthy.deviceId)) {
            try f.admin { db in _ = try DeviceRegistry.reinstate(db, id: healthy.deviceId, reason: "prova", actor: "test", now: Date()) }
        }
        let added = try f.admin { db in try DeviceRegistry.reinstate(db, id: device.id, reason: "ritrovato", actor: "test", now: Date()) }
        #expect(added.deviceId == device.id)
        // Before and after the new enrollment the revoked credential opens nothing.
        #expect(try Self.push(client, token: device.token, [second]).status == 401)

        let token = try SecureToken.generate()
        let enroll = try client.send(method: "POST", path: "/v1/enroll", headers: ["Spunta-Protocol": "1"],
                                     body: try WireCoding.encode(EnrollRequest(code: added.code, deviceLabel: "palmare", appVersion: "test", token: token)))
        #expect(enroll.status == 200)
        #expect(try WireCoding.decode(EnrollResponse.self, from: enroll.body).deviceId == device.id)
        #expect(try Self.push(client, token: device.token, [second]).status == 401)

        let third = Self.meal(device.id, seq: 3, child: stranger)
        let response = try Self.push(client, token: token, [first, second, third])
        #expect(response.status == 200)
        let results = try WireCoding.decode(PushResponse.self, from: response.body).results
        #expect(results.map(\.status) == [.duplicate, .applied, .rejected])
        #expect(results.last?.code == "not_enrolled", "\(results)")
        let meals: Int? = try f.admin { db in try db.scalar("SELECT COUNT(*) FROM meal") }
        #expect(meals == 2)
    }

    @Test("device revoke and reinstate name a teacher's classes as the office does, «classe 1A (S01)», not class:S01-1A")
    func scopeInWords() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let device = try f.enrolledDevice(.teacher, ["class:S01-1A", "class:S01-1B"], name: "Maestra 1A")
        let revoke = try ChildProcess("spunta-server", ["device", "revoke", "--db", f.dbPath, device.id])
        #expect(revoke.wait() == 0, "\(revoke.errors)")
        let text = revoke.output.joined(separator: "\n")
        #expect(text.contains("«Maestra 1A» (insegnante, classe 1A (S01), classe 1B (S01))"), "\(text)")
        #expect(!text.contains("class:"), "\(text)")
        let reinstate = try ChildProcess("spunta-server", ["device", "reinstate", "--db", f.dbPath, device.id])
        #expect(reinstate.wait() == 0, "\(reinstate.errors)")
        #expect(reinstate.output.joined().contains("«Maestra 1A» (insegnante, classe 1A (S01), classe 1B (S01)) riammesso"), "\(reinstate.output)")
    }

    @Test("device revoke says which device it revoked and prints the command that undoes it, which runs as printed")
    func revokeSaysWhich() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let device = try f.enrolledDevice(.canteen, ["site:S01"], name: "Mensa Rodari 1")
        let folder = try TemporaryFolder("spunta-revoke")
        let process = try ChildProcess("spunta-server", ["device", "revoke", "--db", f.dbPath, device.id])
        #expect(process.wait() == 0, "\(process.errors)")
        let text = process.output.joined(separator: "\n")
        #expect(text.contains("Dispositivo \(device.id) revocato: «Mensa Rodari 1» (mensa, plesso S01), ultima sincronizzazione "), "\(text)")
        let commands = CopiedCommand.all("spunta-server", in: text)
        let command = try #require(commands.first, "\(text)")
        #expect(commands.count == 1)
        #expect(command == "spunta-server device reinstate --db \(f.dbPath) \(device.id)", "\(text)")
        let undone = try CopiedCommand.run(command, in: folder.url)
        #expect(undone.status == 0, "\(undone.error)")
        #expect(undone.output.contains("spunta enroll --code "), "\(undone.output)")
        #expect(undone.output.contains("«Mensa Rodari 1» (mensa, plesso S01) riammesso"), "\(undone.output)")
        let revoked: String? = try f.admin { db in try db.scalar("SELECT revoked_at FROM device WHERE id = ?", [device.id]) }
        #expect(revoked == nil)
    }
}
