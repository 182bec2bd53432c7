import SpuntaDomain

/// `GET /v1/pull?cursor=C&limit=N&wait=S`: the changes in the device's scope after cursor C, one page.
///
/// The cursor is opaque to the device: it stores the returned `cursor` with the page's changes in one
/// transaction and sends it back next time. `reset` tells the device to drop its replica first (a snapshot
/// starts: first sync, scope changed, cursor older than the compacted log, or a new server epoch).
public struct PullResponse: Codable, Sendable {
    public var epoch: String
    public var cursor: String
    public var hasMore: Bool
    public var reset: Bool
    public var changes: [ReplicaChange]
    /// Ops of other devices in the same scope (recent days), so that a child served at one canteen door is
    /// refused at the other.
    public var ops: [Op]
    public var serverTimeMs: Int64
    /// The device's clock as measured at this request (absent when the device did not send its time).
    public var deviceClock: DeviceClock?

    public init(
        epoch: String, cursor: String, hasMore: Bool, reset: Bool, changes: [ReplicaChange], ops: [Op], serverTimeMs: Int64,
        deviceClock: DeviceClock? = nil
    ) {
        self.epoch = epoch
        self.cursor = cursor
        self.hasMore = hasMore
        self.reset = reset
        self.changes = changes
        self.ops = ops
        self.serverTimeMs = serverTimeMs
        self.deviceClock = deviceClock
    }

    enum CodingKeys: String, CodingKey {
        case epoch, cursor, hasMore = "has_more", reset, changes, ops, serverTimeMs = "server_time_ms", deviceClock = "device_clock"
    }
}

/// A record of the replica, created/updated or removed (tombstone).
public struct ReplicaChange: Codable, Sendable, Hashable {
    public enum Action: String, Codable, Sendable {
        case upsert, delete
    }

    public var entity: ReplicaEntity
    public var id: String
    public var action: Action
    public var record: ReplicaRecord?

    public init(entity: ReplicaEntity, id: String, action: Action, record: ReplicaRecord?) {
        self.entity = entity
        self.id = id
        self.action = action
        self.record = record
    }

    public static func upsert(_ record: ReplicaRecord) -> ReplicaChange {
        ReplicaChange(entity: record.entity, id: record.id, action: .upsert, record: record)
    }

    public static func delete(_ entity: ReplicaEntity, _ id: String) -> ReplicaChange {
        ReplicaChange(entity: entity, id: id, action: .delete, record: nil)
    }

    enum CodingKeys: String, CodingKey {
        case entity, id, action, data
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entity = try c.decode(ReplicaEntity.self, forKey: .entity)
        id = try c.decode(String.self, forKey: .id)
        action = try c.decode(Action.self, forKey: .action)
        guard action == .upsert else {
            record = nil
            return
        }
        switch entity {
        case .municipality: record = .municipality(try c.decode(ReplicaMunicipality.self, forKey: .data))
        case .schoolYears: record = .schoolYear(try c.decode(SchoolYear.self, forKey: .data))
        case .sites: record = .site(try c.decode(Site.self, forKey: .data))
        case .classes: record = .schoolClass(try c.decode(SchoolClass.self, forKey: .data))
        case .services: record = .service(try c.decode(Service.self, forKey: .data))
        case .diets: record = .diet(try c.decode(Diet.self, forKey: .data))
        case .routes: record = .route(try c.decode(Route.self, forKey: .data))
        case .beneficiaries: record = .beneficiary(try c.decode(ReplicaBeneficiary.self, forKey: .data))
        case .enrollments: record = .enrollment(try c.decode(ReplicaEnrollment.self, forKey: .data))
        case .cards: record = .card(try c.decode(Card.self, forKey: .data))
        case .balances: record = .balance(try c.decode(ReplicaBalance.self, forKey: .data))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entity, forKey: .entity)
        try c.encode(id, forKey: .id)
        try c.encode(action, forKey: .action)
        switch record {
        case nil: break
        case .municipality(let v): try c.encode(v, forKey: .data)
        case .schoolYear(let v): try c.encode(v, forKey: .data)
        case .site(let v): try c.encode(v, forKey: .data)
        case .schoolClass(let v): try c.encode(v, forKey: .data)
        case .service(let v): try c.encode(v, forKey: .data)
        case .diet(let v): try c.encode(v, forKey: .data)
        case .route(let v): try c.encode(v, forKey: .data)
        case .beneficiary(let v): try c.encode(v, forKey: .data)
        case .enrollment(let v): try c.encode(v, forKey: .data)
        case .card(let v): try c.encode(v, forKey: .data)
        case .balance(let v): try c.encode(v, forKey: .data)
        }
    }
}

/// The kinds of record a device may hold. Payers, tariffs and codici fiscali never leave the server.
public enum ReplicaEntity: String, Codable, Sendable, CaseIterable, Hashable {
    case municipality
    case schoolYears = "school_years"
    case sites, classes, services, diets, routes, beneficiaries, enrollments, cards
    /// Prepaid credit of a child for a meal service: canteen devices of the sites where the child eats.
    case balances
}

/// A replica record, by kind: what a device of that scope is allowed to know.
public enum ReplicaRecord: Sendable, Hashable {
    case municipality(ReplicaMunicipality)
    case schoolYear(SchoolYear)
    case site(Site)
    case schoolClass(SchoolClass)
    case service(Service)
    case diet(Diet)
    case route(Route)
    case beneficiary(ReplicaBeneficiary)
    case enrollment(ReplicaEnrollment)
    case card(Card)
    case balance(ReplicaBalance)

    public var entity: ReplicaEntity {
        switch self {
        case .municipality: return .municipality
        case .schoolYear: return .schoolYears
        case .site: return .sites
        case .schoolClass: return .classes
        case .service: return .services
        case .diet: return .diets
        case .route: return .routes
        case .beneficiary: return .beneficiaries
        case .enrollment: return .enrollments
        case .card: return .cards
        case .balance: return .balances
        }
    }

    public var id: String {
        switch self {
        case .municipality: return "1"
        case .schoolYear(let v): return v.id
        case .site(let v): return v.id
        case .schoolClass(let v): return v.id
        case .service(let v): return v.id
        case .diet(let v): return v.id
        case .route(let v): return v.id
        case .beneficiary(let v): return v.id
        case .enrollment(let v): return v.id
        case .card(let v): return v.id
        case .balance(let v): return v.id
        }
    }
}

/// The Comune as a device knows it: its name.
public struct ReplicaMunicipality: Codable, Sendable, Hashable {
    public var name: String

    public init(name: String) {
        self.name = name
    }
}

/// A child as a device knows it: name and class (with the dates the child is in it), no codice fiscale, no payers.
public struct ReplicaBeneficiary: Codable, Sendable, Hashable {
    public var id: String
    public var surname: String
    public var givenName: String
    public var classId: String?
    /// First and last day in the class (absent: the whole school year).
    public var classFrom: LocalDate?
    public var classTo: LocalDate?
    /// Allergia grave: the emergency plan, on the devices of those who look after the child at school and at the
    /// canteen (teacher, canteen), shown before anything else about the child; absent when there is none.
    public var emergencyPlan: String?
    /// The plesso of the child's class: the school the bus takes the child to when the enrollment names none.
    public var classSiteId: String?

    public init(
        id: String, surname: String, givenName: String, classId: String?, classFrom: LocalDate? = nil, classTo: LocalDate? = nil,
        emergencyPlan: String? = nil, classSiteId: String? = nil
    ) {
        self.classSiteId = classSiteId
        self.id = id
        self.surname = surname
        self.givenName = givenName
        self.classId = classId
        self.classFrom = classFrom
        self.classTo = classTo
        self.emergencyPlan = emergencyPlan
    }

    public var fullName: String { "\(surname) \(givenName)" }

    /// The class with its dates, read by the roll call and the counts (`ClassMembership`).
    public var membership: ClassMembership? {
        classId.map { ClassMembership(classId: $0, from: classFrom, to: classTo) }
    }

    enum CodingKeys: String, CodingKey {
        case id, surname, givenName = "given_name", classId = "class_id", classFrom = "class_from", classTo = "class_to"
        case emergencyPlan = "emergency_plan", classSiteId = "class_site_id"
    }
}

/// An enrollment as a device knows it: no tariff, no exemption; the diet only on canteen devices; the option
/// (opzione tariffaria) with its dated changes, so that the device expects a three-day pupil on the option's days only.
public struct ReplicaEnrollment: Codable, Sendable, Hashable {
    public var id: String
    public var beneficiaryId: String
    public var serviceId: String
    public var siteId: String?
    public var dietId: String?
    public var routeId: String?
    public var outboundStopId: String?
    public var returnStopId: String?
    public var startDate: LocalDate
    public var endDate: LocalDate?
    /// Transport: the child's school among the line's (absent: the school of the child's class).
    public var schoolId: String?
    /// The service's option from the start (absent: none).
    public var optionId: String?
    /// Changes of option, each from its day on, in date order (absent: none).
    public var optionChanges: [Enrollment.OptionChange]

    public init(
        id: String, beneficiaryId: String, serviceId: String, siteId: String?, dietId: String?, routeId: String?,
        outboundStopId: String?, returnStopId: String?, startDate: LocalDate, endDate: LocalDate?, schoolId: String? = nil,
        optionId: String? = nil, optionChanges: [Enrollment.OptionChange] = []
    ) {
        self.schoolId = schoolId
        self.id = id
        self.beneficiaryId = beneficiaryId
        self.serviceId = serviceId
        self.siteId = siteId
        self.dietId = dietId
        self.routeId = routeId
        self.outboundStopId = outboundStopId
        self.returnStopId = returnStopId
        self.startDate = startDate
        self.endDate = endDate
        self.optionId = optionId
        self.optionChanges = optionChanges
    }

    public func isActive(on date: LocalDate) -> Bool {
        startDate <= date && (endDate.map { date <= $0 } ?? true)
    }

    /// The option in force on `date`, by the server's rule (`Enrollment.OptionChange.option`).
    public func option(on date: LocalDate) -> String? {
        Enrollment.OptionChange.option(on: date, start: optionId, changes: optionChanges)
    }

    enum CodingKeys: String, CodingKey {
        case id, beneficiaryId = "beneficiary_id", serviceId = "service_id", siteId = "site_id", dietId = "diet_id"
        case routeId = "route_id", outboundStopId = "outbound_stop_id", returnStopId = "return_stop_id"
        case startDate = "start_date", endDate = "end_date", schoolId = "school_id"
        case optionId = "option_id", optionChanges = "option_changes"
    }

    /// An enrollment from a server that sends no options has none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        beneficiaryId = try c.decode(String.self, forKey: .beneficiaryId)
        serviceId = try c.decode(String.self, forKey: .serviceId)
        siteId = try c.decodeIfPresent(String.self, forKey: .siteId)
        dietId = try c.decodeIfPresent(String.self, forKey: .dietId)
        routeId = try c.decodeIfPresent(String.self, forKey: .routeId)
        outboundStopId = try c.decodeIfPresent(String.self, forKey: .outboundStopId)
        returnStopId = try c.decodeIfPresent(String.self, forKey: .returnStopId)
        startDate = try c.decode(LocalDate.self, forKey: .startDate)
        endDate = try c.decodeIfPresent(LocalDate.self, forKey: .endDate)
        schoolId = try c.decodeIfPresent(String.self, forKey: .schoolId)
        optionId = try c.decodeIfPresent(String.self, forKey: .optionId)
        optionChanges = try c.decodeIfPresent([Enrollment.OptionChange].self, forKey: .optionChanges) ?? []
    }

    /// An enrollment without changes of option goes on the wire without the key.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(beneficiaryId, forKey: .beneficiaryId)
        try c.encode(serviceId, forKey: .serviceId)
        try c.encodeIfPresent(siteId, forKey: .siteId)
        try c.encodeIfPresent(dietId, forKey: .dietId)
        try c.encodeIfPresent(routeId, forKey: .routeId)
        try c.encodeIfPresent(outboundStopId, forKey: .outboundStopId)
        try c.encodeIfPresent(returnStopId, forKey: .returnStopId)
        try c.encode(startDate, forKey: .startDate)
        try c.encodeIfPresent(endDate, forKey: .endDate)
        try c.encodeIfPresent(schoolId, forKey: .schoolId)
        try c.encodeIfPresent(optionId, forKey: .optionId)
        if !optionChanges.isEmpty { try c.encode(optionChanges, forKey: .optionChanges) }
    }
}

/// Credito prepagato: a child's credit for a prepaid meal service as the server's ledger has it (the balance of
/// the child's positions for the service, after the top-ups and the meals billed so far), with the payer's
/// low-balance threshold. The canteen door shows it at each scan and warns when it is low or negative; payers
/// and movements stay on the server.
public struct ReplicaBalance: Codable, Sendable, Hashable {
    public var beneficiaryId: String
    public var serviceId: String
    public var balanceCents: Int64
    /// The primary payer's threshold (soglia di avviso), nil when the payer set none.
    public var thresholdCents: Int64?

    public init(beneficiaryId: String, serviceId: String, balanceCents: Int64, thresholdCents: Int64?) {
        self.beneficiaryId = beneficiaryId
        self.serviceId = serviceId
        self.balanceCents = balanceCents
        self.thresholdCents = thresholdCents
    }

    /// `B0002:MENSA-RODARI`: one record per child and service (ids never contain a colon).
    public var id: String { Self.id(beneficiary: beneficiaryId, service: serviceId) }

    public static func id(beneficiary: String, service: String) -> String { "\(beneficiary):\(service)" }

    /// Under the payer's threshold, or negative: the door still serves, and says so.
    public var isLow: Bool { balanceCents < 0 || thresholdCents.map { balanceCents < $0 } ?? false }

    enum CodingKeys: String, CodingKey {
        case beneficiaryId = "beneficiary_id", serviceId = "service_id", balanceCents = "balance_cents", thresholdCents = "threshold_cents"
    }
}
