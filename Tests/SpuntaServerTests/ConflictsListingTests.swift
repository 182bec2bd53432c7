import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaTestSupport
import Testing

/// `spunta-server conflicts` as the office reads it: numbers missing from the list are explained.
@Suite("The conflicts listing")
struct ConflictsListingTests {
    @Test("conflicts a later op settled before review are not listed, and the listing says how many, so that its gaps are not a loss")
    func settledAreCounted() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let day = LocalDate(year: 2026, month: 10, day: 5)
        try f.admin { db in
            for child in ["B0001", "B0002", "B0003"] {
                try ConflictStore.raise(db, kind: .absentButAte, subject: "\(child)|MENSA|2026-10-05", beneficiary: child, date: day,
                                        details: ["service_id": "MENSA"], at: Date())
            }
            // The teacher corrects her mark of B0002: the disagreement is gone before anyone looked.
            try ConflictStore.settle(db, kind: .absentButAte, subject: "B0002|MENSA|2026-10-05", at: Date())
        }
        let listing = try ChildProcess("spunta-server", ["conflicts", "--db", f.dbPath, "--status", "all"])
        #expect(listing.wait() == 0, "\(listing.errors)")
        let lines = listing.output.joined(separator: "\n").split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("#") }.count == 2, "\(lines)")
        #expect(lines.last == "1 conflitto risolto da registrazioni successive, prima di essere rivisto, non è elencato (il suo numero manca).",
                "\(lines)")
    }
}
