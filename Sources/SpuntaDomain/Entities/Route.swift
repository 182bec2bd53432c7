/// Linea (tragitto) of the school bus, with its stops in order.
public struct Route: Hashable, Sendable, Codable {
    public var id: String
    public var serviceId: String
    public var name: String
    /// In outbound (andata) order; the return (ritorno) runs them backwards.
    public var stops: [Stop]
    /// The schools the line serves, each with its stop and times (empty: one school, not described).
    public var schools: [RouteSchool]

    enum CodingKeys: String, CodingKey {
        case id, serviceId = "service_id", name, stops, schools
    }

    public init(id: String, serviceId: String, name: String, stops: [Stop], schools: [RouteSchool] = []) {
        self.id = id
        self.serviceId = serviceId
        self.name = name
        self.stops = stops
        self.schools = schools
    }

    /// A replica written before lines had schools holds none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        serviceId = try c.decode(String.self, forKey: .serviceId)
        name = try c.decode(String.self, forKey: .name)
        stops = try c.decode([Stop].self, forKey: .stops)
        schools = try c.decodeIfPresent([RouteSchool].self, forKey: .schools) ?? []
    }

    /// The line as people read it, said once: a name that already says «Linea» stands alone with the code (what
    /// `--route` takes) after it, «Linea 1 – Nord (Borgo) (L1)»; any other name follows the code, «Linea L1 Nord»;
    /// without a name, the code alone. The ride's screen, the conflicts and the office's alerts all name it so.
    public static func title(id: String, name: String?) -> String {
        let name = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name == id { return "Linea \(id)" }
        if name.lowercased().hasPrefix("linea") { return "\(name) (\(id))" }
        return "Linea \(id) \(name)"
    }

    /// A line without schools goes on the wire as it always did.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(serviceId, forKey: .serviceId)
        try c.encode(name, forKey: .name)
        try c.encode(stops, forKey: .stops)
        if !schools.isEmpty { try c.encode(schools, forKey: .schools) }
    }
}

/// A school (plesso) a bus line serves: the stop where its pupils get off in the morning and on in the afternoon,
/// when the bus arrives there and when it leaves again — earlier on the days without afternoon school.
public struct RouteSchool: Hashable, Sendable, Codable {
    public var siteId: String
    public var stopId: String
    /// Arrivo a scuola (andata).
    public var arrival: LocalTime
    /// Partenza da scuola (ritorno) on a full day.
    public var returnTime: LocalTime
    /// Partenza on the days without afternoon school (`shortDays`), if the school has such days.
    public var shortReturn: LocalTime?
    /// ISO weekdays without afternoon school (1 = Monday).
    public var shortDays: [Int]

    enum CodingKeys: String, CodingKey {
        case siteId = "site_id", stopId = "stop_id", arrival, returnTime = "return", shortReturn = "short_return", shortDays = "short_days"
    }

    public init(siteId: String, stopId: String, arrival: LocalTime, returnTime: LocalTime, shortReturn: LocalTime? = nil, shortDays: [Int] = []) {
        self.siteId = siteId
        self.stopId = stopId
        self.arrival = arrival
        self.returnTime = returnTime
        self.shortReturn = shortReturn
        self.shortDays = shortDays
    }

    /// When the bus leaves the school on `date`: the short return on a day without afternoon school.
    public func returnTime(on date: LocalDate) -> LocalTime {
        shortDays.contains(date.weekday) ? shortReturn ?? returnTime : returnTime
    }
}

/// Fermata: a stop of a route with its times each way.
public struct Stop: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    /// Orario di passaggio all'andata (towards school).
    public var outboundTime: LocalTime
    /// Orario di passaggio al ritorno (from school).
    public var returnTime: LocalTime

    enum CodingKeys: String, CodingKey {
        case id, name, outboundTime = "outbound", returnTime = "return"
    }

    public init(id: String, name: String, outboundTime: LocalTime, returnTime: LocalTime) {
        self.id = id
        self.name = name
        self.outboundTime = outboundTime
        self.returnTime = returnTime
    }
}

/// Andata (towards school, morning) or ritorno (back home, afternoon).
public enum Direction: String, Hashable, Sendable, Codable, CaseIterable {
    case outbound, `return`

    public var italian: String { self == .outbound ? "andata" : "ritorno" }
}
