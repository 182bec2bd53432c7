import Foundation
import SpuntaTestSupport
import Testing

/// `--help` of every command of both programs, as an admin reads them one after the other: found by walking the
/// «Comandi:» lists from the top, so that a command added later is read too.
@Suite("Every command's help")
struct HelpWalkTests {
    /// The commands a help lists under «Comandi:» (the first word of each entry; descriptions go on below it).
    static func subcommands(_ lines: [String]) -> [String] {
        guard let start = lines.firstIndex(of: "Comandi:") else { return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.compactMap { line in
            line.hasPrefix("   ") ? nil : line.split(separator: " ").first.map(String.init)
        }
    }

    /// Every command path of `program`, each with its help's lines.
    static func walk(_ program: String) throws -> [(path: [String], lines: [String])] {
        var found: [(path: [String], lines: [String])] = []
        var queue: [[String]] = [[]]
        while let path = queue.first {
            queue.removeFirst()
            let help = try ChildProcess(program, path + ["--help"])
            #expect(help.wait(seconds: 60) == 0, "\(program) \(path.joined(separator: " ")) --help: \(help.errors)")
            found.append((path, help.output))
            queue += subcommands(help.output).map { path + [$0] }
        }
        return found
    }

    @Test("every option of every command names its value in Italian, not by its own flag, and says «ripetibile» once",
          arguments: ["spunta-server", "spunta"])
    func valueNamesAndRepeats(program: String) throws {
        let helps = try Self.walk(program)
        #expect(helps.count > (program == "spunta" ? 10 : 40), "the walk found the commands: \(helps.map(\.path))")
        for (path, lines) in helps {
            let command = ([program] + path).joined(separator: " ")
            for line in lines {
                let words = line.split(separator: " ")
                // "--max-connections <max-connections>": the value's name was left to the flag's, in English.
                if let flag = words.first, flag.hasPrefix("--"), words.count > 1 {
                    #expect(words[1] != "<\(flag.dropFirst(2))>", "\(command): \(line)")
                }
            }
            // An option's text, its continuation lines joined: "(ripetibile)" is added once by the help itself.
            let options = lines.joined(separator: "\n").components(separatedBy: "\n  -")
            for option in options {
                #expect(option.components(separatedBy: "ripetibile").count <= 2, "\(command): \(option)")
            }
        }
    }
}
