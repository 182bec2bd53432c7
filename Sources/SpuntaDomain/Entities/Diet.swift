/// Dieta speciale: health or belief data (GDPR art. 9). Shown only to those who serve meals.
public struct Diet: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var allergens: [Allergen]
    public var notes: String

    public init(id: String, name: String, allergens: [Allergen], notes: String) {
        self.id = id
        self.name = name
        self.allergens = allergens
        self.notes = notes
    }
}

/// The fourteen allergens that must be declared (Reg. UE 1169/2011, allegato II).
public enum Allergen: String, Hashable, Sendable, Codable, CaseIterable {
    case gluten, crustaceans, eggs, fish, peanuts, soy, milk, nuts, celery, mustard, sesame, sulphites, lupin, molluscs

    public var italian: String {
        switch self {
        case .gluten: return "glutine"
        case .crustaceans: return "crostacei"
        case .eggs: return "uova"
        case .fish: return "pesce"
        case .peanuts: return "arachidi"
        case .soy: return "soia"
        case .milk: return "latte"
        case .nuts: return "frutta a guscio"
        case .celery: return "sedano"
        case .mustard: return "senape"
        case .sesame: return "sesamo"
        case .sulphites: return "solfiti"
        case .lupin: return "lupini"
        case .molluscs: return "molluschi"
        }
    }
}
