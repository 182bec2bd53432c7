/// Dieta speciale: health or belief data (GDPR art. 9). Shown only to those who serve meals.
public struct Diet: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var allergens: [Allergen]
    public var notes: String
    /// Why the diet is kept: medical, religious or ethical (nil: not said). Only a medical one can be an allergy.
    public var category: Category?
    /// Allergia grave: the child has an emergency plan (piano di emergenza, e.g. adrenaline); every device that
    /// sees the child shows it first.
    public var severeAllergy: Bool
    /// What to do in an emergency, as the family's doctor wrote it; required with `severeAllergy`.
    public var emergencyPlan: String

    enum CodingKeys: String, CodingKey {
        case id, name, allergens, notes, category, severeAllergy = "severe_allergy", emergencyPlan = "emergency_plan"
    }

    public init(
        id: String, name: String, allergens: [Allergen], notes: String, category: Category? = nil, severeAllergy: Bool = false,
        emergencyPlan: String = ""
    ) {
        self.id = id
        self.name = name
        self.allergens = allergens
        self.notes = notes
        self.category = category
        self.severeAllergy = severeAllergy
        self.emergencyPlan = emergencyPlan
    }

    /// A replica written before categories and severe allergies holds neither: no category, not severe.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        allergens = try c.decode([Allergen].self, forKey: .allergens)
        notes = try c.decode(String.self, forKey: .notes)
        category = try c.decodeIfPresent(Category.self, forKey: .category)
        severeAllergy = try c.decodeIfPresent(Bool.self, forKey: .severeAllergy) ?? false
        emergencyPlan = try c.decodeIfPresent(String.self, forKey: .emergencyPlan) ?? ""
    }

    /// Categoria della dieta.
    public enum Category: String, Hashable, Sendable, Codable, CaseIterable {
        case medical, religious, ethical

        public var italian: String {
            switch self {
            case .medical: return "sanitaria"
            case .religious: return "religiosa"
            case .ethical: return "etica"
            }
        }
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
