import Foundation
import Testing
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaServer
@testable import SpuntaSync

/// The running server sends each site's count at its cut-off by its own clock (the office alerts' rounds), once.
@Suite("The caterer's count at the cut-off, from the running server")
struct CatererCutoffTests {
    @Test("the server's rounds queue the count of the sample's two schools at their cut-offs, 09:15 and 09:30, and nothing twice")
    func countsAtTheCutoff() async throws {
        let clock = TestClock(AdminDay.day(9, 13))
        let ticks = MonitorTicks()
        let fixture = try ServerFixture(clock: { clock.read() }, alertInterval: .seconds(60), sleep: { try await ticks.sleep($0) })
        defer { fixture.stop() }
        func queued() throws -> [String] {
            try fixture.admin { db in
                try db.fetchAll("SELECT recipient FROM outbox_message WHERE kind = 'caterer_count' ORDER BY recipient").map { try $0[0] as String }
            }
        }
        var seen: [[String]] = []
        for _ in 0..<20 {
            clock.advance(seconds: 60)
            await ticks.tick()
            seen.append(try queued())
        }
        // 09:14 nothing; 09:15 Borgo (S02); 09:30 Rodari (S01); then nothing more.
        #expect(seen[0].isEmpty)
        #expect(seen[1] == ["cucina.borgo@ristorazione-valmarina.example.it"])
        #expect(seen[15] == seen[1])
        #expect(seen[16] == ["cucina.borgo@ristorazione-valmarina.example.it", "cucina.rodari@ristorazione-valmarina.example.it"])
        #expect(seen[19] == seen[16])
        let subject: String? = try fixture.admin { db in
            try db.scalar("SELECT subject FROM outbox_message WHERE recipient = 'cucina.rodari@ristorazione-valmarina.example.it'")
        }
        #expect(subject == "Pasti da preparare del 05/10/2026 — Scuola primaria «Gianni Rodari»")
        // The caterer reads Italian: the hour the count is fixed at is the «ora limite», as `meals` says it.
        let body: String? = try fixture.admin { db in
            try db.scalar("SELECT body FROM outbox_message WHERE recipient = 'cucina.rodari@ristorazione-valmarina.example.it'")
        }
        #expect(body?.contains("Conteggio delle 09:30 (ora limite 09:30).") == true, "\(body ?? "")")
        #expect(body?.contains("cut-off") == false)
    }
}
