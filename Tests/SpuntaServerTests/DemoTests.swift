import Foundation
import SpuntaTestSupport
import Testing

/// The README's first command: the whole day on the sample Comune.
@Suite("spunta-server demo")
struct DemoTests {
    @Test("the demo tells the whole day and exits 0, twice in a row")
    func demo() async throws {
        for _ in 0..<2 {
            let folder = try TemporaryFolder("spunta-demo-test")
            let workspace = folder.path("lavoro")
            let demo = try ChildProcess("spunta-server", ["demo", "--workspace", workspace])
            #expect(demo.wait(seconds: 120) == 0, "\(demo.errors)")
            let story = demo.output.joined(separator: "\n")
            for expected in ["appelli discordanti tra le due maestre: 1", "assenti all'appello che hanno mangiato: 1",
                             "bambini saliti sullo scuolabus e mai scesi: 1", "lettura segnata come doppione", "Conguaglio ottobre 2026",
                             "avvisi pagoPA", "avvisi saldati", "Emessi il 02/11/2026", "da pagare entro il 02/12/2026",
                             "eccedenza di € 1,00 da rimborsare", "Per l'elenco delle eccedenze da rimborsare:\n    ", "payments refunds --db ", "Novembre è in corso", "Genitori separati: per ",
                             "hanno mangiato senza ricarica", "un sollecito a ciascuna", "ricevono un avviso pagoPA del debito",
                             "ha ricaricato, il suo credito è tornato positivo"] {
                #expect(story.contains(expected), "missing from the story: \(expected)")
            }
            // The closing hint runs as printed from any folder: the built program by its path, not a name on PATH.
            let server = ChildProcess.productsDirectory.appendingPathComponent("spunta-server").path
            let hint = try #require(demo.output.firstIndex { $0.hasPrefix("Per continuare: ") }, "\(story.suffix(400))")
            // One command a line, copied whole.
            let commands = demo.output[(hint + 1)...].prefix { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
            let conflicts = try #require(commands.first)
            #expect(conflicts.hasPrefix(server + " conflicts --db "), "\(commands)")
            #expect(commands.count == 3 && commands[2].contains("/spunta ride --home ") && commands[2].hasSuffix("/dispositivi/scuolabus-L1 --date 2026-10-30 --direction return"),
                    "\(commands)")
            let ran = try SystemTool.run("sh", ["-c", "cd / && " + conflicts])
            #expect(ran.status == 0, "\(conflicts)\n\(ran.errors)")
            // Every time the conflicts show belongs to the story: opened when the devices synced on the afternoon of
            // 30 October, the marks, the meal and the boarding at their hours of that morning — never the day the
            // demo runs.
            let listed = ran.output.split(separator: "\n").map(String.init)
            let opened = listed.filter { $0.contains("(aperto il ") }
            #expect(opened.count == 3 && opened.allSatisfy { $0.hasSuffix("(aperto il 30/10/2026 15:00)") }, "\(ran.output)")
            for said in ["maestra-1A alle 08:20: assente; maestra-1A-bis alle 08:25: presente", "mensa-porta-1 alle 12:30: pasto servito",
                         "scuolabus-L1 alle 07:20: sale a "] {
                #expect(ran.output.contains(said), "\(said)\n\(ran.output)")
            }
            let today = ItalianDate.today()
            #expect(!ran.output.contains(today), "the real clock's day \(today) in the story's conflicts:\n\(ran.output)")
            let trail = try ChildProcess("spunta-server", ["audit", "--db", "\(workspace)/comune.sqlite"])
            #expect(trail.wait(seconds: 60) == 0, "\(trail.errors)")
            #expect(!trail.output.isEmpty && !trail.output.contains { $0.contains(today) }, "\(trail.output.prefix(20))")
            for file in ["avvisi-2026-10.csv", "avvisi-2026-10-gpd.json", "avvisi-2026-10.html", "attestazioni-2026.html"] {
                #expect(FileManager.default.fileExists(atPath: "\(workspace)/\(file)"))
            }
            // The documents agree with the story: issued on 2 November, due on 2 December, every transfer at least a cent.
            let notices = try String(contentsOfFile: "\(workspace)/avvisi-2026-10.html", encoding: .utf8)
            #expect(notices.contains("emesso il 02/11/2026") && !notices.contains("emesso il 01/12"))
            #expect(!notices.contains("entro il <strong>30/11/2026"))
            let gpd = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(workspace)/avvisi-2026-10-gpd.json"))) as? [[String: Any]])
            let options = gpd.flatMap { ($0["paymentOption"] as? [[String: Any]]) ?? [] }
            #expect(!options.isEmpty)
            for option in options {
                let transfers = (option["transfer"] as? [[String: Any]]) ?? []
                let amounts = transfers.compactMap { $0["amount"] as? Int }
                #expect(amounts.allSatisfy { $0 >= 1 } && amounts.reduce(0, +) == option["amount"] as? Int)
                #expect(option["dueDate"] as? String == "2026-12-02T23:59:59")
            }
        }
    }
}

/// The day the tests run, as the programs print a date ("01/12/2026"), in Rome.
enum ItalianDate {
    static func today() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Rome") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%02d/%02d/%04d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
    }
}
