/// Plesso: a building where services are delivered.
public struct Site: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var address: String
    /// Ditta di ristorazione: who cooks the site's meals and receives the daily count. Nil: nobody is sent it.
    public var caterer: Caterer?
    /// When the count of the day's meals goes to the caterer (orario di invio del conteggio pasti).
    public var mealCountCutoff: LocalTime

    /// The cut-off when the master data gives none: the hour most Comuni close cancellations.
    public static let defaultMealCountCutoff = LocalTime(hour: 9, minute: 30)!

    enum CodingKeys: String, CodingKey {
        case id, name, address
    }

    public init(id: String, name: String, address: String, caterer: Caterer? = nil, mealCountCutoff: LocalTime = Site.defaultMealCountCutoff) {
        self.id = id
        self.name = name
        self.address = address
        self.caterer = caterer
        self.mealCountCutoff = mealCountCutoff
    }

    /// Devices receive sites without their caterer and cut-off, which only the server uses.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  address: try c.decode(String.self, forKey: .address))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(address, forKey: .address)
    }

    /// Ditta di ristorazione of a site: a name and the address the count is sent to.
    public struct Caterer: Hashable, Sendable {
        public var name: String
        public var email: String

        public init(name: String, email: String) {
            self.name = name
            self.email = email
        }
    }
}

/// Classe: a class of a site in a school year, with its teachers.
public struct SchoolClass: Hashable, Sendable, Codable {
    public var id: String
    public var siteId: String
    public var yearId: String
    public var name: String
    public var teachers: [String]

    enum CodingKeys: String, CodingKey {
        case id, siteId = "site_id", yearId = "year_id", name, teachers
    }

    public init(id: String, siteId: String, yearId: String, name: String, teachers: [String]) {
        self.id = id
        self.siteId = siteId
        self.yearId = yearId
        self.name = name
        self.teachers = teachers
    }
}
