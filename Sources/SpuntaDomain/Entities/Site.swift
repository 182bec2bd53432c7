/// Plesso: a building where services are delivered.
public struct Site: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var address: String

    public init(id: String, name: String, address: String) {
        self.id = id
        self.name = name
        self.address = address
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
