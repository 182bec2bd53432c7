import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaTestSupport
import Testing

/// A command in a message is copied whole and nothing else with it: on a line of its own, no full stop after it,
/// and on a narrow screen broken only where the shell joins it back.
@Suite("Hints laid out to be copied")
struct HintLayoutTests {
    static let devices = CommandHint.server("devices")
    static let location = ["--db", "/srv/spunta/comune.sqlite"]

    static func plain(_ text: HintedText, location: [String] = location) -> String {
        HintLayout.plain(HintLayout.lines(text) { $0.words(location: location) })
    }

    @Test("a command that ends a sentence is on a line of its own, without the sentence's full stop or parentheses", arguments: [
        ("Dispositivo 7 inesistente: l'elenco con \(devices)." as HintedText,
         "Dispositivo 7 inesistente: l'elenco con:\n  spunta-server devices --db /srv/spunta/comune.sqlite"),
        ("non inviato: nessun destinatario (\(devices))" as HintedText,
         "non inviato: nessun destinatario:\n  spunta-server devices --db /srv/spunta/comune.sqlite"),
        ("prima \(devices), poi \(CommandHint.server("conflicts"))." as HintedText,
         "prima:\n  spunta-server devices --db /srv/spunta/comune.sqlite\npoi:\n  spunta-server conflicts --db /srv/spunta/comune.sqlite"),
        ("    non iscritto: conflitto per l'ufficio (\(devices))" as HintedText,
         "    non iscritto: conflitto per l'ufficio:\n      spunta-server devices --db /srv/spunta/comune.sqlite"),
        ("Vedere \(devices). Poi ripetere." as HintedText,
         "Vedere:\n  spunta-server devices --db /srv/spunta/comune.sqlite\nPoi ripetere."),
    ])
    func ownLine(text: HintedText, expected: String) {
        #expect(Self.plain(text) == expected)
    }

    @Test("at 40 columns a long command keeps every line within the width, and the copied lines are the same words to the shell", arguments: [
        "/tmp/dispositivi/scuolabus-L1",
        "/var/lib/spunta/dispositivi/una cartella con un nome molto lungo/porta-2",
        "/tmp/archivio d'esempio/con 'apici' e \\ barre",
        "/tmp/" + String(repeating: "x", count: 90),
    ])
    func narrowScreen(home: String) throws {
        let hint = CommandHint.client("void", arguments: ["N", "--reason", "motivo della lettura"])
        let text: HintedText = "L'ultima lettura è già annullata. Per una precedente: \(hint)."
        let lines = HintLayout.wrapped(HintLayout.lines(text) { $0.words(location: ["--home", home]) }, width: 40, lead: "--   ", indent: 5)
        #expect(lines.allSatisfy { TextWidth.of($0) <= 40 }, "\(lines.joined(separator: "\n"))")
        let command = try #require(CopiedCommand.all("spunta", in: lines.joined(separator: "\n")).first, "\(lines)")
        // The shell reads the copied lines as the program's words, one per line.
        let folder = try TemporaryFolder("spunta-hint-layout")
        let echoed = try CopiedCommand.run("spunta() { printf '%s\\n' \"$@\"; }\n" + command, in: folder.url)
        #expect(echoed.output == ["void", "--home", home, "N", "--reason", "motivo della lettura"].map { $0 + "\n" }.joined(),
                "\(lines.joined(separator: "\n"))")
    }
}
