import Foundation
import SpuntaTestSupport
import Testing

/// Master data that reached a device before the import refused control characters — a diet named
/// `ESC[2J…`, a name with a line feed — are shown at the canteen door, never obeyed by its terminal.
@Suite("Hostile text on the canteen's screen", .serialized)
struct HostileTextOnScreenTests {
    static let canteen = ["scan", "--service", "canteen", "--date", schoolDay]

    /// A canteen door whose replica holds a coeliac diet named with a clear-screen sequence and a child without
    /// diet whose surname carries a line feed and a forged answer; returns the door and the two children's cards.
    static func poisonedDoor() throws -> (door: FieldDevice, plain: String, coeliac: String) {
        let door = try FieldDevice(.canteenS01)
        let coeliac = try #require(try door.cards("c.beneficiary_id IN (SELECT beneficiary_id FROM enrollment WHERE diet_id = 'D-CEL')").first)
        let plain = try #require(try door.cards("c.beneficiary_id IN (SELECT beneficiary_id FROM enrollment WHERE diet_id IS NULL)").first)
        try door.queue().write { db in
            try db.run("""
                UPDATE record SET body = json_set(body, '$.name', char(27) || '[2J' || char(27) || '[H' || 'Celiachia')
                WHERE entity = 'diets' AND id = 'D-CEL'
                """)
            try db.run("UPDATE beneficiary SET surname = 'Rossi' || char(10) || 'OK   Finto' WHERE id = ?", [plain.beneficiary])
        }
        return (door, plain.payload, coeliac.payload)
    }

    @Test("on a pipe, the answers carry no control character from the data and a name cannot forge an answer")
    func pipe() throws {
        let (door, plain, coeliac) = try Self.poisonedDoor()
        let result = try door.spunta(Self.canteen, input: "\(plain)\n\(coeliac)\n")
        #expect(result.status == 0)
        let text = result.output.joined(separator: "\n")
        #expect(!text.contains("\u{1B}"), "\(result.output)")
        #expect(result.output.first?.hasPrefix("OK   Rossi\u{FFFD}OK") == true, "\(result.output)")
        #expect(!result.output.contains { $0.hasPrefix("OK   Finto") }, "a forged line: \(result.output)")
        #expect(result.output.contains { $0.contains("DIETA \u{FFFD}[2J\u{FFFD}[HCELIACHIA") }, "\(result.output)")
        #expect(result.output.allSatisfy { $0.count <= 40 })
    }

    @Test("in a real terminal, a diet named ESC[2J does not clear the screen and a name cannot forge a line",
          .enabled(if: TmuxSession.isAvailable, "tmux is not installed: the scan cannot be run in a real terminal"))
    func terminal() throws {
        let (door, plain, coeliac) = try Self.poisonedDoor()
        let session = try TmuxSession(
            columns: 40, rows: 20,
            command: [ChildProcess.productsDirectory.appendingPathComponent("spunta").path] + Self.canteen + ["--home", door.home]
        )
        #expect(try session.waitFor("tessere").matched)
        try session.type(plain)
        try session.press("Enter")
        #expect(try session.waitFor("Finto").matched)
        try session.type(coeliac)
        try session.press("Enter")
        let (screen, shown) = try session.waitFor("CELIACHIA")
        #expect(shown, "\(screen)")
        #expect(screen.first?.hasPrefix("Mensa Scuola primaria «Gianni Rodari»") == true, "the screen was cleared: \(screen)")
        #expect(screen.contains { $0.hasPrefix("OK   Rossi\u{FFFD}OK") }, "\(screen)")
        #expect(!screen.contains { $0.hasPrefix("OK   Finto") }, "a forged line: \(screen)")
        #expect(screen.contains { $0.contains("DIETA \u{FFFD}[2J\u{FFFD}[HCELIACHIA") }, "\(screen)")
    }
}
