import Foundation
import SpuntaTestSupport
import Testing

/// A lost card replaced at the town hall while a canteen door is in service: the real server on a loopback port, the
/// office's `spunta-server cards reissue` on its database, the door's `spunta sync` and `spunta scan`.
@Suite("A card replaced at the office, on a real door")
struct CardReissueTests {
    static let canteen = ["scan", "--service", "canteen", "--date", schoolDay, "--json"]

    @Test("after its next sync the door refuses the old card as revoked, saying to use the new one, and accepts the new card")
    func reissuedCardOnTheDoor() throws {
        let d = try Deployment()
        try d.startServer()
        defer { d.stopServer() }
        let door = try d.device("Mensa Rodari", role: .canteen, scope: "site:S01")
        let card = try #require(try d.canteenCards(site: "S01").first)

        let reissued = try d.admin(["cards", "reissue", card.beneficiary, "--db", d.db, "--reason", "smarrita", "--actor", "Ufficio scuola", "--json"])
        #expect(reissued.status == 0, "\(reissued.errors)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(reissued.output.utf8)) as? [String: Any])
        let newPayload = try #require(answer["payload"] as? String)
        #expect(answer["revoked"] as? [String] == [String(card.payload.dropFirst("SPUNTA1:".count))])

        // Before the pull the door still knows only the old card: it cannot know better, offline.
        let before = try d.spunta(door, Self.canteen, input: newPayload + "\n").output.map(JSON.object)
        #expect(before.first?["result"] as? String == "unknown_card")

        #expect(try d.spunta(door, ["sync"]).status == 0)
        let after = try d.spunta(door, Self.canteen, input: card.payload + "\n" + newPayload + "\n").output.map(JSON.object)
        #expect(after.map { $0["result"] as? String } == ["revoked_card", "ok", "summary"])
        let refusal = after.first ?? [:]
        #expect(refusal["recorded"] as? Bool == false)
        #expect(refusal["beneficiary_id"] as? String == card.beneficiary)
        let message = refusal["message"] as? String ?? ""
        #expect(message.hasPrefix("Tessera revocata il ") && message.contains("usare quella nuova"), "\(message)")
        #expect(after.dropFirst().first?["beneficiary_id"] as? String == card.beneficiary, "the new card is the same child's")
    }
}
