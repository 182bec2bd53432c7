/// Whose cards to print (tessere da stampare): a class, a site, a route or children named one by one.
public enum CardSelection: Sendable, Equatable {
    case schoolClass(String)
    case site(String)
    case route(String)
    case children([String])

    /// What the selection is, in words, for titles and the audit trail ("classe S01-1A").
    public var italian: String {
        switch self {
        case .schoolClass(let id): return "classe \(id)"
        case .site(let id): return "plesso \(id)"
        case .route(let id): return "linea \(id)"
        case .children(let ids): return ids.count == 1 ? "bambino \(ids[0])" : "\(ids.count) bambini"
        }
    }
}
