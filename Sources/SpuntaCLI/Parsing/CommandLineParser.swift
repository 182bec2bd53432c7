/// Fills a command's declarations from its words on the command line (after the subcommand names).
/// `--name value`, `--name=value`, `-n value`, flags, repeated options, positional words, `--` to end
/// options, environment fallbacks. Every mistake is a `UsageError` naming the option or word.
enum CommandLineParser {
    static func parse(_ words: [String], into set: ArgumentSet, environment: [String: String],
                      subcommandNames: [String]) throws(UsageError) {
        var given: [Int: [String]] = [:]
        var positionalWords: [String] = []
        var index = 0
        var optionsEnded = false

        while index < words.count {
            let word = words[index]
            index += 1
            if optionsEnded || !isOptionLike(word) {
                positionalWords.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }

            let entryIndex: Int
            let shownName: String
            var inlineValue: String?
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name: String
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    inlineValue = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                }
                guard let found = set.index(longName: name) else {
                    throw UsageError(.unknownOption("--" + name, suggestion: suggestion(for: "--" + name, in: set)))
                }
                entryIndex = found
                shownName = "--" + name
            } else {
                let body = word.dropFirst()
                guard body.count == 1, let letter = body.first, let found = set.index(shortName: letter) else {
                    throw UsageError(.unknownOption(word, suggestion: suggestion(for: word, in: set)))
                }
                entryIndex = found
                shownName = word
            }

            let definition = set.entries[entryIndex].definition
            switch definition.kind {
            case .flag:
                guard inlineValue == nil else { throw UsageError(.flagWithValue(shownName)) }
                given[entryIndex, default: []].append("")
            case .option:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < words.count, !takesNoValue(words[index], in: set) else {
                        throw UsageError(.missingValue(option: shownName))
                    }
                    value = words[index]
                    index += 1
                }
                if !definition.isRepeating && given[entryIndex] != nil {
                    throw UsageError(.repeatedOption(definition.displayName))
                }
                given[entryIndex, default: []].append(value)
            case .positional:
                preconditionFailure("lookups by option name never return a positional argument")
            }
        }

        for (entryIndex, entry) in set.entries.enumerated() where entry.definition.kind != .positional {
            let definition = entry.definition
            if let rawValues = given[entryIndex] {
                do {
                    try entry.slot.assign(rawValues)
                } catch let error as ArgumentValueError {
                    throw UsageError(.invalidValue(option: definition.displayName, value: error.value,
                                                   expected: error.expectation))
                } catch {
                    throw UsageError(.invalidValue(option: definition.displayName, value: rawValues.last ?? "",
                                                   expected: "un valore valido"))
                }
            } else if let variable = definition.environmentVariable, let value = environment[variable], !value.isEmpty {
                do {
                    try entry.slot.assign([value])
                } catch let error as ArgumentValueError {
                    throw UsageError(.invalidEnvironmentValue(variable: variable, option: definition.displayName,
                                                              value: value, expected: error.expectation))
                } catch {
                    throw UsageError(.invalidEnvironmentValue(variable: variable, option: definition.displayName,
                                                              value: value, expected: "un valore valido"))
                }
            } else if definition.isRequired {
                throw UsageError(definition.environmentVariable.map { .missingOptionOrVariable(option: definition.displayName, variable: $0) }
                                 ?? .missingOption(definition.displayName))
            }
        }

        var remaining = positionalWords[...]
        for entry in set.positionals {
            let definition = entry.definition
            let taken: [String]
            if definition.isRepeating {
                taken = Array(remaining)
                remaining = []
            } else if let word = remaining.first {
                taken = [word]
                remaining = remaining.dropFirst()
            } else {
                taken = []
            }
            if taken.isEmpty {
                if definition.isRequired { throw UsageError(.missingArgument(definition.displayName)) }
                continue
            }
            do {
                try entry.slot.assign(taken)
            } catch let error as ArgumentValueError {
                throw UsageError(.invalidValue(option: definition.displayName, value: error.value,
                                               expected: error.expectation))
            } catch {
                throw UsageError(.invalidValue(option: definition.displayName, value: taken[0],
                                               expected: "un valore valido"))
            }
        }
        if let extra = remaining.first {
            if !subcommandNames.isEmpty && set.positionals.isEmpty {
                throw UsageError(.unknownSubcommand(extra, suggestion: closest(to: extra, among: subcommandNames)))
            }
            throw UsageError(.unexpectedArgument(extra))
        }
    }

    /// Whether `word` is read as an option: it starts with a dash, and is neither a lone `-` (standard
    /// input, by convention) nor a negative number.
    static func isOptionLike(_ word: String) -> Bool {
        guard word.hasPrefix("-"), word != "-" else { return false }
        let rest = word.dropFirst()
        if let first = rest.first, first.isNumber || first == "." { return false }
        return true
    }

    /// Whether `word`, following an option that needs a value, must be read as the next option instead:
    /// `--name --json` means the value of `--name` is missing, not that it is "--json".
    private static func takesNoValue(_ word: String, in set: ArgumentSet) -> Bool {
        if word.hasPrefix("--") { return true }
        if word.count == 2, word.hasPrefix("-"), let letter = word.last, set.index(shortName: letter) != nil {
            return true
        }
        return false
    }

    private static func suggestion(for written: String, in set: ArgumentSet) -> String? {
        var candidates = set.options.map(\.definition.displayName)
        candidates.append("--help")
        return closest(to: written, among: candidates)
    }

    /// The candidate within two edits of `word`, if one is clearly meant.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2, best.1 < word.count - 2 else { return nil }
        return best.0
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
