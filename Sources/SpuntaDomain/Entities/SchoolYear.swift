/// Anno scolastico: the span of the school calendar, with its closing days (giorni di chiusura).
public struct SchoolYear: Hashable, Sendable, Codable {
    public var id: String
    public var startDate: LocalDate
    public var endDate: LocalDate
    public var closures: [Closure]

    enum CodingKeys: String, CodingKey {
        case id, startDate = "start_date", endDate = "end_date", closures
    }

    public init(id: String, startDate: LocalDate, endDate: LocalDate, closures: [Closure]) {
        self.id = id
        self.startDate = startDate
        self.endDate = endDate
        self.closures = closures
    }

    /// One or more consecutive closing days (festività, vacanze, chiusura straordinaria), of the whole Comune or
    /// only of some services and sites: a snow day closes the schools' sites but not the nursery; a neighbouring
    /// Comune's school closes for its own patron saint.
    public struct Closure: Hashable, Sendable, Codable {
        public var from: LocalDate
        public var to: LocalDate
        public var reason: String
        /// Services closed wherever they are delivered.
        public var serviceIds: [String]
        /// Sites (plessi) closed: every service delivered there, and the school's own register.
        public var siteIds: [String]

        enum CodingKeys: String, CodingKey {
            case from, to, reason, serviceIds = "service_ids", siteIds = "site_ids"
        }

        public init(from: LocalDate, to: LocalDate, reason: String, serviceIds: [String] = [], siteIds: [String] = []) {
            self.from = from
            self.to = to
            self.reason = reason
            self.serviceIds = serviceIds
            self.siteIds = siteIds
        }

        /// A replica written before closures had a scope holds neither list: both empty, the whole Comune.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            from = try c.decode(LocalDate.self, forKey: .from)
            to = try c.decode(LocalDate.self, forKey: .to)
            reason = try c.decode(String.self, forKey: .reason)
            serviceIds = try c.decodeIfPresent([String].self, forKey: .serviceIds) ?? []
            siteIds = try c.decodeIfPresent([String].self, forKey: .siteIds) ?? []
        }

        /// A Comune-wide closure goes on the wire as it always did; the lists only when they say something.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(reason, forKey: .reason)
            if !serviceIds.isEmpty { try c.encode(serviceIds, forKey: .serviceIds) }
            if !siteIds.isEmpty { try c.encode(siteIds, forKey: .siteIds) }
        }

        public func contains(_ date: LocalDate) -> Bool { from <= date && date <= to }

        /// No list: the whole Comune closes (the default, and every closure before scopes existed).
        public var isComuneWide: Bool { serviceIds.isEmpty && siteIds.isEmpty }

        /// Whether the closure closes `service` (nil: the school's register, which is no service) where it is
        /// delivered at `sites` — one site for a place (a canteen door, a class), or every site of the service
        /// when the question is the service as a whole, which is closed only when all its sites are. The one rule
        /// behind `Service.runs` and `SchoolDay.closure`.
        public func closes(service: String?, at sites: [String]) -> Bool {
            if isComuneWide { return true }
            if let service, serviceIds.contains(service) { return true }
            return !sites.isEmpty && sites.allSatisfy(siteIds.contains)
        }
    }

    /// The closure that closes `service` at `sites` on `date` (see `Closure.closes`), the first listed.
    public func closure(on date: LocalDate, service: String? = nil, at sites: [String] = []) -> Closure? {
        closures.first { $0.contains(date) && $0.closes(service: service, at: sites) }
    }

    /// Whether `date` is a closing day of `service` at `sites`; with neither, of the whole Comune.
    public func isClosed(on date: LocalDate, service: String? = nil, at sites: [String] = []) -> Bool {
        closure(on: date, service: service, at: sites) != nil
    }
}
