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
                             "avvisi pagoPA", "avvisi saldati"] {
                #expect(story.contains(expected), "missing from the story: \(expected)")
            }
            for file in ["avvisi-2026-10.csv", "avvisi-2026-10-gpd.json", "avvisi-2026-10.html", "attestazioni-2026.html"] {
                #expect(FileManager.default.fileExists(atPath: "\(workspace)/\(file)"))
            }
        }
    }
}
