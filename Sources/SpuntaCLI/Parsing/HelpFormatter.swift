/// The help screen of a command (`--help`): usage line, description, arguments, options with their
/// help, defaults and environment variables, subcommands. Wrapped to the terminal width, 40 columns
/// included.
enum HelpFormatter {
    /// The discussion wrapped to `width`. An example (a line `Esempio: spunta-server …`, or a line starting with the
    /// program's name below a line `Esempi:`, up to an empty line) is a command to copy: its words go on lines of their own, broken
    /// only between words with the shell's ` \` (`HintLayout.command`), so that the copied lines run as the one
    /// command, never as two.
    static func discussion(_ text: String, width: Int) -> String {
        let example = "Esempio: "
        var examples = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
            if line == "Esempi:" {
                examples = true
                return ["Esempi:"]
            }
            if examples, line.hasPrefix("spunta"), let words = shellWords(String(line)) {
                return HintLayout.command(words, width: width, lead: "  ", indent: 4)
            }
            if line.isEmpty { examples = false }
            guard line.hasPrefix(example), let words = shellWords(String(line.dropFirst(example.count))) else {
                return TextWidth.wrap(String(line), width: width)
            }
            return ["Esempio:"] + HintLayout.command(words, width: width, lead: "  ", indent: 4)
        }.joined(separator: "\n")
    }

    /// The words of an example written as one types it (`--name "Mensa Rodari 1"`), unquoted; nil when a quote is
    /// left open, and the example is then shown as text.
    static func shellWords(_ line: String) -> [String]? {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil else { return nil }
        if inWord { words.append(word) }
        return words.isEmpty ? nil : words
    }

    static func help(for command: any ParsableCommand.Type, path: [String], isRoot: Bool, width: Int) -> String {
        let configuration = command.configuration
        let set = ArgumentSet(reflecting: command.init())
        var sections: [String] = []

        sections.append(usage(for: command, path: path, width: width))
        if !configuration.abstract.isEmpty {
            sections.append(TextWidth.wrap(configuration.abstract, width: width).joined(separator: "\n"))
        }
        if !configuration.discussion.isEmpty {
            sections.append(discussion(configuration.discussion, width: width))
        }

        let positionals = set.positionals.map { entry in
            (term: "<\(entry.definition.valueName)>" + (entry.definition.isRepeating ? " ..." : ""),
             text: describe(entry.definition))
        }
        if !positionals.isEmpty {
            sections.append("Argomenti:\n" + table(positionals, width: width))
        }

        var options = set.options.map { entry in (term: term(for: entry.definition), text: describe(entry.definition)) }
        options.append((term: "-h, --help", text: "Mostra questo aiuto."))
        if isRoot && configuration.version != nil {
            options.append((term: "--version", text: "Mostra la versione."))
        }
        sections.append("Opzioni:\n" + table(options, width: width))

        if !configuration.subcommands.isEmpty {
            let commands = configuration.subcommands.map { sub in
                (term: sub.commandName, text: sub.configuration.abstract
                    + (configuration.defaultSubcommand.map { ObjectIdentifier($0) == ObjectIdentifier(sub) } == true
                        ? " (predefinito)" : ""))
            }
            sections.append("Comandi:\n" + table(commands, width: width))
            let hint = "Usare \"\(path.joined(separator: " ")) <comando> --help\" per l'aiuto di un comando."
            sections.append(TextWidth.wrap(hint, width: width).joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// `Uso: spunta-server device add --name <nome> [opzioni] <file> ...`, wrapped under itself.
    static func usage(for command: any ParsableCommand.Type, path: [String], width: Int) -> String {
        var parts = path
        let configuration = command.configuration
        if !configuration.subcommands.isEmpty {
            parts.append(configuration.defaultSubcommand == nil ? "<comando>" : "[<comando>]")
        }
        let set = ArgumentSet(reflecting: command.init())
        var hasOptionalOptions = false
        for entry in set.options {
            let definition = entry.definition
            if definition.isRequired && definition.environmentVariable == nil {
                parts.append("--\(definition.name) <\(definition.valueName)>" + (definition.isRepeating ? " ..." : ""))
            } else {
                hasOptionalOptions = true
            }
        }
        if hasOptionalOptions { parts.append("[opzioni]") }
        for entry in set.positionals {
            let definition = entry.definition
            var text = "<\(definition.valueName)>"
            if definition.isRepeating { text += " ..." }
            if !definition.isRequired { text = "[\(text)]" }
            parts.append(text)
        }
        let prefix = "Uso: "
        let lines = TextWidth.wrap(parts.joined(separator: " "), width: max(10, width - prefix.count))
        return lines.enumerated()
            .map { index, line in (index == 0 ? prefix : String(repeating: " ", count: prefix.count)) + line }
            .joined(separator: "\n")
    }

    private static func term(for definition: ArgumentDefinition) -> String {
        var term = definition.shortName.map { "-\($0), " } ?? ""
        term += "--" + definition.name
        if definition.kind == .option { term += " <\(definition.valueName)>" }
        return term
    }

    /// The help text and, in parentheses, what else the user needs: required, repeatable, default,
    /// variable, allowed values.
    private static func describe(_ definition: ArgumentDefinition) -> String {
        var notes: [String] = []
        if definition.kind == .option && definition.isRequired {
            notes.append(definition.isRepeating ? "obbligatoria, ripetibile" : "obbligatoria")
        } else if definition.kind == .option && definition.isRepeating {
            notes.append("ripetibile")
        }
        if !definition.allowedValues.isEmpty {
            notes.append("valori: " + definition.allowedValues.joined(separator: ", "))
        }
        if let value = definition.defaultDescription, !value.isEmpty {
            notes.append("predefinito: \(value)")
        }
        if let variable = definition.environmentVariable {
            notes.append("variabile \(variable)")
        }
        guard !notes.isEmpty else { return definition.help }
        return definition.help + " (" + notes.joined(separator: "; ") + ")"
    }

    /// Two columns: terms on the left, texts wrapped on the right; on a narrow screen, each text goes
    /// under its term.
    private static func table(_ rows: [(term: String, text: String)], width: Int) -> String {
        let indent = 2
        let gap = 2
        let termWidth = min(rows.map { TextWidth.of($0.term) }.max() ?? 0, 26)
        let textColumn = indent + termWidth + gap
        let stacked = width - textColumn < 20
        var lines: [String] = []
        for row in rows {
            let leading = String(repeating: " ", count: indent) + row.term
            if stacked {
                lines.append(leading)
                let hanging = String(repeating: " ", count: indent + 4)
                for line in TextWidth.wrap(row.text, width: max(10, width - indent - 4)) where !line.isEmpty {
                    lines.append(hanging + line)
                }
                continue
            }
            let wrapped = TextWidth.wrap(row.text, width: width - textColumn)
            let hanging = String(repeating: " ", count: textColumn)
            if TextWidth.of(row.term) > termWidth {
                lines.append(leading)
                lines.append(contentsOf: wrapped.filter { !$0.isEmpty }.map { hanging + $0 })
            } else {
                for (index, line) in wrapped.enumerated() {
                    if index == 0 {
                        let first = TextWidth.pad(leading, to: textColumn) + line
                        lines.append(line.isEmpty ? leading : first)
                    } else {
                        lines.append(hanging + line)
                    }
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
