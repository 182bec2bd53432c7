import SpuntaDomain

/// The master data of one Comune (anagrafiche): everything the exchange file carries.
public struct MasterDataSet: Hashable, Sendable {
    public var municipality: Municipality?
    public var schoolYears: [SchoolYear] = []
    public var sites: [Site] = []
    public var classes: [SchoolClass] = []
    public var services: [Service] = []
    public var diets: [Diet] = []
    public var tariffs: [Tariff] = []
    public var routes: [Route] = []
    public var payers: [Payer] = []
    public var beneficiaries: [Beneficiary] = []
    public var enrollments: [Enrollment] = []
    public var cards: [Card] = []

    public init() {}

    /// The same records with every kind in id order (closures by date, stops and payer links as given), so
    /// that two sets with the same content compare equal whatever order they were built in.
    public var normalized: MasterDataSet {
        var s = self
        s.schoolYears = schoolYears.map { year in
            var year = year
            year.closures.sort { ($0.from, $0.to, $0.reason) < ($1.from, $1.to, $1.reason) }
            return year
        }.sorted { $0.id < $1.id }
        s.sites.sort { $0.id < $1.id }
        s.classes.sort { $0.id < $1.id }
        s.services.sort { $0.id < $1.id }
        s.diets.sort { $0.id < $1.id }
        s.tariffs.sort { $0.id < $1.id }
        s.routes.sort { $0.id < $1.id }
        s.payers.sort { $0.id < $1.id }
        s.beneficiaries.sort { $0.id < $1.id }
        s.enrollments.sort { $0.id < $1.id }
        s.cards.sort { $0.id < $1.id }
        return s
    }

    /// What devices show first about a child: the emergency plans of the severe allergies among the diets of the
    /// child's enrollments in services that serve meals, joined; nil when there is none. The server's projection
    /// for devices reads the same (`ReplicaProjector`), and the import re-sends a child whose plan changed.
    public func emergencyPlan(of child: String) -> String? {
        emergencyPlans(children: [child])[child]
    }

    /// `emergencyPlan(of:)` of every child of `children` that has one (all children when nil), in one pass over the
    /// enrollments: the import compares the plans of a whole city before and after, which child by child would read
    /// every enrollment once per child.
    public func emergencyPlans(children: Set<String>? = nil) -> [String: String] {
        let mealServices = Set(services.filter(\.kind.servesMeals).map(\.id))
        let dietsByID = Dictionary(diets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var plans: [String: [String]] = [:]
        for enrollment in enrollments where mealServices.contains(enrollment.serviceId) && children.map({ $0.contains(enrollment.beneficiaryId) }) ?? true {
            guard let diet = enrollment.dietId.flatMap({ dietsByID[$0] }), diet.severeAllergy else { continue }
            if !(plans[enrollment.beneficiaryId]?.contains(diet.emergencyPlan) ?? false) {
                plans[enrollment.beneficiaryId, default: []].append(diet.emergencyPlan)
            }
        }
        return plans.mapValues { $0.sorted().joined(separator: " ") }
    }

    /// Number of records of a kind.
    public func count(of kind: EntityKind) -> Int {
        switch kind {
        case .municipality: return municipality == nil ? 0 : 1
        case .schoolYears: return schoolYears.count
        case .sites: return sites.count
        case .classes: return classes.count
        case .services: return services.count
        case .diets: return diets.count
        case .tariffs: return tariffs.count
        case .routes: return routes.count
        case .stops: return routes.reduce(0) { $0 + $1.stops.count }
        case .payers: return payers.count
        case .beneficiaries: return beneficiaries.count
        case .enrollments: return enrollments.count
        case .cards: return cards.count
        }
    }
}

/// The kinds of record of the exchange file, in the order they are read and written
/// (each kind refers only to kinds before it).
public enum EntityKind: String, CaseIterable, Hashable, Sendable, Comparable, Codable {
    case municipality
    case schoolYears = "school_years"
    case sites, classes, services, diets, tariffs, routes, stops, payers, beneficiaries, enrollments, cards

    /// The Italian name used in messages (plural).
    public var italian: String {
        switch self {
        case .municipality: return "ente"
        case .schoolYears: return "anni scolastici"
        case .sites: return "plessi"
        case .classes: return "classi"
        case .services: return "servizi"
        case .diets: return "diete"
        case .tariffs: return "tariffe"
        case .routes: return "linee"
        case .stops: return "fermate"
        case .payers: return "paganti"
        case .beneficiaries: return "fruitori"
        case .enrollments: return "iscrizioni"
        case .cards: return "tessere"
        }
    }

    /// The Italian name of one record.
    public var italianSingular: String {
        switch self {
        case .municipality: return "ente"
        case .schoolYears: return "anno scolastico"
        case .sites: return "plesso"
        case .classes: return "classe"
        case .services: return "servizio"
        case .diets: return "dieta"
        case .tariffs: return "tariffa"
        case .routes: return "linea"
        case .stops: return "fermata"
        case .payers: return "pagante"
        case .beneficiaries: return "fruitore"
        case .enrollments: return "iscrizione"
        case .cards: return "tessera"
        }
    }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: EntityKind, rhs: EntityKind) -> Bool { lhs.order < rhs.order }
}

/// Identifies one record: its kind and id.
public struct EntityKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: EntityKind
    public let id: String

    public init(_ kind: EntityKind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind.italianSingular) \(id)" }

    public static func < (lhs: EntityKey, rhs: EntityKey) -> Bool {
        (lhs.kind, lhs.id) < (rhs.kind, rhs.id)
    }
}
