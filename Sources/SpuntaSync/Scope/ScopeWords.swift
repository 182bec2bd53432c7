import SpuntaProtocol
import SpuntaStore

/// Ambito in words: a device's scope items as the office reads them — "classe 1A (S02)", "linea L1", "plesso S01" —
/// instead of the `class:S02-1A` the protocol stores. One formatter for `device revoke`, `device reinstate`,
/// `devices` and the status page, so that a device's scope reads the same wherever the admin meets it.
public struct ScopeWords: Sendable {
    /// Each class's name and site as the master data holds them: the id `S02-1A` is the site's and the class's
    /// codes joined, and only the master data says which part is the class's name.
    private let classes: [String: (name: String, site: String)]

    public init(_ db: Database) throws {
        var classes: [String: (name: String, site: String)] = [:]
        for row in try db.fetchAll("SELECT id, name, site_id FROM school_class") {
            classes[try row[0]] = (try row[1], try row[2])
        }
        self.classes = classes
    }

    /// "classe 1A (S02)" (a class the master data no longer holds: "classe S02-1A"), "linea L1", "plesso S01".
    public func italian(_ item: ScopeItem) -> String {
        switch item.kind {
        case .class: return classes[item.id].map { "classe \($0.name) (\($0.site))" } ?? "classe \(item.id)"
        case .route: return "linea \(item.id)"
        case .site: return "plesso \(item.id)"
        }
    }

    /// A scope item as stored (`class:S02-1A`) in words; text that is not a scope item is shown as it is.
    public func italian(stored: String) -> String {
        ScopeItem(stored).map { italian($0) } ?? stored
    }

    /// A whole scope as stored, in words, one item after the other: "classe 1A (S02), classe 1B (S02)".
    public func italian(stored items: [String]) -> String {
        items.map { italian(stored: $0) }.joined(separator: ", ")
    }
}
