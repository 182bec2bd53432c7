import SpuntaExchange

/// What an import did: records created, updated and removed per kind, and the totals afterwards.
/// Encoded as the `--json` output of `spunta-server import` (snake_case keys, see protocol/exchange.md).
public struct ImportSummary: Codable, Sendable, Equatable {
    public var files: [String]
    /// Records created + updated + removed, all kinds together.
    public var changed: Int
    public var created: [String: Int]
    public var updated: [String: Int]
    public var removed: [String: Int]
    /// Live records per kind in the database after the import.
    public var totals: [String: Int]
    /// True when nothing was written (`--dry-run`).
    public var dryRun: Bool
    /// Per kind, the fields the files left out whose stored values were kept, with how many records kept a
    /// value (only values that differ from a new record's default count: those the file would have wiped).
    public var kept: [String: [String: Int]] = [:]
    /// Files that were not UTF-8 and were read as another encoding, with an example to check.
    public var recoded: [RecodedFile] = []
    /// Findings that did not refuse the import (avvisi: a landline given as a mobile), each `FILE:LINE: reason`.
    public var warnings: [ImportWarning] = []
    /// Cards the office issued or revoked (`spunta-server cards`) that the files would have changed or removed: kept
    /// as the office left them (`OfficeCards`).
    public var officeCards: [OfficeCards.Kept] = []

    public init(
        files: [String], changed: Int, created: [String: Int], updated: [String: Int], removed: [String: Int],
        totals: [String: Int], dryRun: Bool, kept: [String: [String: Int]] = [:], recoded: [RecodedFile] = []
    ) {
        self.files = files
        self.changed = changed
        self.created = created
        self.updated = updated
        self.removed = removed
        self.totals = totals
        self.dryRun = dryRun
        self.kept = kept
        self.recoded = recoded
    }

    enum CodingKeys: String, CodingKey {
        case files, changed, created, updated, removed, totals, kept, recoded, warnings
        case officeCards = "office_cards"
        case dryRun = "dry_run"
    }

    /// The summary in Italian, one line per kind that changed, then the totals.
    public var italian: String {
        var lines: [String] = []
        let verb = dryRun ? "Prova (nessuna modifica salvata)" : "Importazione completata"
        lines.append("\(verb): \(changed == 0 ? "nessuna modifica" : "\(changed) record modificati").")
        for kind in EntityKind.allCases {
            let c = created[kind.rawValue] ?? 0, u = updated[kind.rawValue] ?? 0, r = removed[kind.rawValue] ?? 0
            guard c + u + r > 0 else { continue }
            var parts: [String] = []
            if c > 0 { parts.append("\(c) nuovi") }
            if u > 0 { parts.append("\(u) aggiornati") }
            if r > 0 { parts.append("\(r) rimossi") }
            lines.append("  \(kind.italian): \(parts.joined(separator: ", "))")
        }
        for kind in EntityKind.allCases {
            guard let fields = kept[kind.rawValue], !fields.isEmpty else { continue }
            let list = fields.sorted { $0.key < $1.key }.map { "«\($0.key)» (\($0.value))" }.joined(separator: ", ")
            lines.append("  \(kind.italian): campi assenti dal file, valori in archivio mantenuti: \(list)")
        }
        if !officeCards.isEmpty {
            lines.append("Tessere emesse o revocate dall'ufficio (spunta-server cards), mantenute come sono in archivio "
                + "(\(officeCards.count)):")
            lines += officeCards.map { "  \($0.italian)" }
        }
        for file in recoded {
            let example = file.example.map { " (es. riga \(file.line ?? 0): «\($0)»)" } ?? ""
            lines.append("\(file.file): non è in UTF-8, letto come \(file.encoding.italian)\(example): controllare che le lettere accentate siano giuste.")
        }
        if !warnings.isEmpty {
            lines.append("Avvisi (\(warnings.count)): i record sono stati importati, ma sono da correggere nel file.")
            lines += warnings.map { "  \($0)" }
        }
        let totalsLine = EntityKind.allCases.filter { $0 != .municipality }
            .map { "\($0.italian) \(totals[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        lines.append("In archivio: \(totalsLine).")
        return lines.joined(separator: "\n")
    }
}

/// A finding of an import that did not refuse it (avviso), where it is.
public struct ImportWarning: Codable, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(_ problem: ImportProblem) {
        file = problem.location.file
        line = problem.location.line
        message = problem.message
    }

    /// `FILE:LINE: reason`, as the refused records are listed.
    public var description: String { ImportProblem(SourceLocation(file: file, line: line), message).description }
}
