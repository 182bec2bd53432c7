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

    enum CodingKeys: String, CodingKey {
        case files, changed, created, updated, removed, totals
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
        let totalsLine = EntityKind.allCases.filter { $0 != .municipality }
            .map { "\($0.italian) \(totals[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        lines.append("In archivio: \(totalsLine).")
        return lines.joined(separator: "\n")
    }
}
