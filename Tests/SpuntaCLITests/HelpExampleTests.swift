import Foundation
import Testing
@testable import SpuntaCLI

/// An example in a help screen is a command to copy: wrapped as text it would split into two commands.
@Suite("Examples in the help screens")
struct HelpExampleTests {
    static let example = "Esempio: spunta-server device add --db comune.sqlite --name \"Mensa Rodari 1\" --role canteen --scope site:S01"

    @Test("an example stands under «Esempio:», each line within the width, and its lines joined by the shell are the command",
          arguments: [40, 60, 80, 200])
    func example(width: Int) {
        let text = HelpFormatter.discussion("Registra un dispositivo.\n" + Self.example, width: width)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.prefix(2) == ["Registra un dispositivo.", "Esempio:"], "\(text)")
        #expect(lines.allSatisfy { $0.count <= width }, "\(text)")
        let command = lines.dropFirst(2).map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(command.dropLast().allSatisfy { $0.hasSuffix(" \\") }, "every line but the last continues: \(text)")
        let joined = command.map { $0.hasSuffix(" \\") ? String($0.dropLast(2)) : $0 }.joined(separator: " ")
        #expect(joined == "spunta-server device add --db comune.sqlite --name 'Mensa Rodari 1' --role canteen --scope site:S01", "\(text)")
    }

    @Test("under «Esempi:» each command is laid out on its own, the notes between them stay text")
    func examples() {
        let text = HelpFormatter.discussion("""
            Esempi:
            spunta-server conflicts resolve 12 --db comune.sqlite --note "telefonato alla maestra" --set-status present
            (--bill per una corsa non addebitata.)
            spunta-server conflicts resolve 15 --db comune.sqlite --bill
            """, width: 60)
        #expect(text == """
            Esempi:
              spunta-server conflicts resolve 12 --db comune.sqlite \\
                --note 'telefonato alla maestra' --set-status present
            (--bill per una corsa non addebitata.)
              spunta-server conflicts resolve 15 --db comune.sqlite \\
                --bill
            """, "\(text)")
    }

    @Test("text that is not an example, or an example with a quote left open, is wrapped as text")
    func notExample() {
        #expect(HelpFormatter.discussion("Esempio: spunta-server import \"aperto", width: 200) == "Esempio: spunta-server import \"aperto")
        #expect(HelpFormatter.discussion("Vedere l'esempio: più sotto.", width: 200) == "Vedere l'esempio: più sotto.")
    }
}
