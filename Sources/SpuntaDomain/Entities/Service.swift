/// Servizio: a service offered to beneficiaries — canteen, school transport, nursery, pre/post school.
public struct Service: Hashable, Sendable, Codable {
    public var id: String
    public var kind: Kind
    public var name: String
    public var billingMode: BillingMode
    public var chargeBasis: ChargeBasis
    /// The school year whose calendar the service follows.
    public var yearId: String
    /// First and last day the service runs (a nursery may run into July).
    public var startDate: LocalDate
    public var endDate: LocalDate
    /// ISO weekdays the service runs, 1 = Monday … 7 = Sunday.
    public var weekdays: [Int]
    /// Sites (plessi) where it is delivered; empty for transport.
    public var siteIds: [String]
    /// For register-based charging: a child present at this hour is charged the meal (orario di cut-off).
    public var cutoff: LocalTime?
    /// Opzioni tariffarie: the ways of using the service an enrollment picks from (nursery full time or part time,
    /// canteen five or three days a week), each priced by tariffs of its own. Sent to devices too: the canteen door
    /// and the device's kitchen count expect a three-day pupil on the option's days only, as billing and the caterer do.
    public var options: [Option] = []

    enum CodingKeys: String, CodingKey {
        case id, kind, name, billingMode = "billing_mode", chargeBasis = "charge_basis", yearId = "year_id", startDate = "start_date", endDate = "end_date", weekdays, siteIds = "site_ids", cutoff
        case options
    }

    /// A service sent by a server (or kept by a device) from before options travelled has none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(Kind.self, forKey: .kind)
        name = try c.decode(String.self, forKey: .name)
        billingMode = try c.decode(BillingMode.self, forKey: .billingMode)
        chargeBasis = try c.decode(ChargeBasis.self, forKey: .chargeBasis)
        yearId = try c.decode(String.self, forKey: .yearId)
        startDate = try c.decode(LocalDate.self, forKey: .startDate)
        endDate = try c.decode(LocalDate.self, forKey: .endDate)
        weekdays = try c.decode([Int].self, forKey: .weekdays)
        siteIds = try c.decode([String].self, forKey: .siteIds)
        cutoff = try c.decodeIfPresent(LocalTime.self, forKey: .cutoff)
        options = try c.decodeIfPresent([Option].self, forKey: .options) ?? []
    }

    /// A service without options goes on the wire as it always did.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(billingMode, forKey: .billingMode)
        try c.encode(chargeBasis, forKey: .chargeBasis)
        try c.encode(yearId, forKey: .yearId)
        try c.encode(startDate, forKey: .startDate)
        try c.encode(endDate, forKey: .endDate)
        try c.encode(weekdays, forKey: .weekdays)
        try c.encode(siteIds, forKey: .siteIds)
        try c.encodeIfPresent(cutoff, forKey: .cutoff)
        if !options.isEmpty { try c.encode(options, forKey: .options) }
    }

    public init(
        id: String, kind: Kind, name: String, billingMode: BillingMode, chargeBasis: ChargeBasis,
        yearId: String, startDate: LocalDate, endDate: LocalDate, weekdays: [Int], siteIds: [String], cutoff: LocalTime?,
        options: [Option] = []
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.billingMode = billingMode
        self.chargeBasis = chargeBasis
        self.yearId = yearId
        self.startDate = startDate
        self.endDate = endDate
        self.weekdays = weekdays
        self.siteIds = siteIds
        self.cutoff = cutoff
        self.options = options
    }

    /// Opzione tariffaria: one way of using the service, e.g. `part-time` or `3-giorni` on Monday, Wednesday and
    /// Friday. Its `weekdays` (a subset of the service's; empty: all of them) are the days its meals are booked.
    public struct Option: Hashable, Sendable, Codable {
        public var id: String
        public var name: String
        public var weekdays: [Int]

        public init(id: String, name: String, weekdays: [Int] = []) {
            self.id = id
            self.name = name
            self.weekdays = weekdays
        }

        /// "lun, mer, ven": the option's days as the canteen door names them; empty when it has no days of its own.
        public var italianDays: String {
            weekdays.sorted().compactMap { (1...7).contains($0) ? LocalDate.weekdayShortNames[$0 - 1] : nil }.joined(separator: ", ")
        }
    }

    /// The option `id` of this service, if it declares one.
    public func option(_ id: String?) -> Option? {
        id.flatMap { id in options.first { $0.id == id } }
    }

    /// Whether an enrollment on `option` (nil: none) uses the service on `day`'s weekday: an option with weekdays
    /// of its own (a three-day canteen) only on those.
    public func isOptionDay(_ day: LocalDate, option: String?) -> Bool {
        guard let days = self.option(option)?.weekdays, !days.isEmpty else { return true }
        return days.contains(day.weekday)
    }

    /// Tipo di servizio.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case canteen, transport, nursery
        case preSchool = "pre_school"
        case postSchool = "post_school"
        case other

        /// Whether the service serves meals (and so has diets, canteen doors and a kitchen count).
        public var servesMeals: Bool { self == .canteen || self == .nursery }

        /// Italian name (mensa, trasporto, …).
        public var italian: String {
            switch self {
            case .canteen: return "mensa scolastica"
            case .transport: return "trasporto scolastico"
            case .nursery: return "asilo nido"
            case .preSchool: return "pre-scuola"
            case .postSchool: return "post-scuola"
            case .other: return "altro servizio"
            }
        }
    }

    /// Prepagato (credit debited per consumption) or postpagato (periodic statement with a pagoPA notice).
    public enum BillingMode: String, Hashable, Sendable, Codable, CaseIterable {
        case prepaid, postpaid

        /// Italian name, as the office says it.
        public var italian: String {
            switch self {
            case .prepaid: return "prepagato"
            case .postpaid: return "postpagato"
            }
        }
    }

    /// What a charge is based on.
    public enum ChargeBasis: String, Hashable, Sendable, Codable, CaseIterable {
        /// A scanned card (or a meal recorded by name) is the fact.
        case scan
        /// The register: present at the cut-off hour unless marked absent or early exit before it.
        case register
        /// Both are recorded; a disagreement is a conflict for review.
        case both
        /// A fee for being enrolled (nursery monthly fee, transport subscription).
        case enrollment

        /// Italian name: what a charge is counted from.
        public var italian: String {
            switch self {
            case .scan: return "tessera letta"
            case .register: return "registro"
            case .both: return "tessera e registro"
            case .enrollment: return "iscrizione"
            }
        }
    }

    /// Whether the service runs on `day` at `site` (nil: anywhere it is delivered): one of its weekdays, within
    /// its dates, not a closing day of its school year for it (a Comune-wide closure, one of this service, or one
    /// of the site — of all its sites when no site is named; `SchoolYear.Closure.closes`) and never a national
    /// holiday — schools are closed on those by law, whether or not the Comune listed them. Billing counts these
    /// days; the canteen door and the kitchen count expect meals on them; monitoring expects devices in service.
    public func runs(on day: LocalDate, year: SchoolYear?, at site: String? = nil) -> Bool {
        weekdays.contains(day.weekday) && startDate <= day && day <= endDate
            && !(year?.isClosed(on: day, service: id, at: site.map { [$0] } ?? siteIds) ?? false) && !ItalianHolidays.isHoliday(day)
    }
}
