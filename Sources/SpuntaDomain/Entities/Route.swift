/// Linea (tragitto) of the school bus, with its stops in order.
public struct Route: Hashable, Sendable, Codable {
    public var id: String
    public var serviceId: String
    public var name: String
    /// In outbound (andata) order; the return (ritorno) runs them backwards.
    public var stops: [Stop]

    enum CodingKeys: String, CodingKey {
        case id, serviceId = "service_id", name, stops
    }

    public init(id: String, serviceId: String, name: String, stops: [Stop]) {
        self.id = id
        self.serviceId = serviceId
        self.name = name
        self.stops = stops
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
