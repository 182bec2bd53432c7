import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaStore

/// What `spunta-server list` shows: master data joined the way an operator checks an import
/// (a child with payers, enrollments and card; a route with its stops). Rows are `Encodable` for `--json`.
public struct MasterDataListing {
    let data: MasterDataSet

    public init(_ db: Database) throws {
        self.data = try MasterDataStore.load(db)
    }

    public init(data: MasterDataSet) {
        self.data = data
    }

    /// Filters shared by the listings; each applies where it makes sense.
    public struct Filter: Sendable {
        public var site: String?
        public var schoolClass: String?
        public var service: String?
        public var route: String?
        /// Case-insensitive part of a name, surname, id or codice fiscale.
        public var search: String?

        public init(site: String? = nil, schoolClass: String? = nil, service: String? = nil, route: String? = nil, search: String? = nil) {
            self.site = site
            self.schoolClass = schoolClass
            self.service = service
            self.route = route
            self.search = search
        }
    }

    // MARK: Rows

    public struct SiteRow: Encodable, Sendable {
        public let id: String, name: String, address: String
        public let classes: Int, beneficiaries: Int
        public let services: [String]
    }

    public struct ClassRow: Encodable, Sendable {
        public let id: String, name: String, siteId: String, siteName: String, yearId: String
        public let teachers: [String]
        public let beneficiaries: Int
    }

    public struct ServiceRow: Encodable, Sendable {
        public let id: String, kind: String, name: String, billingMode: String, chargeBasis: String
        public let yearId: String, startDate: String, endDate: String, weekdays: [Int], sites: [String]
        public let cutoff: String?
        public let enrolled: Int
        public let tariffs: [TariffRow]
    }

    public struct TariffRow: Encodable, Sendable {
        public let id: String, name: String, unit: String, validFrom: String, validTo: String?
        public let bands: [BandRow]
        public let priceWithoutIseeCents: Int64
        public let secondSiblingDiscountPercent: Int, thirdSiblingDiscountPercent: Int
    }

    public struct BandRow: Encodable, Sendable {
        public let upToCents: Int64?, priceCents: Int64
    }

    public struct RouteRow: Encodable, Sendable {
        public let id: String, name: String, serviceId: String
        public let stops: [StopRow]
        public let enrolled: Int
    }

    public struct StopRow: Encodable, Sendable {
        public let position: Int, id: String, name: String, outbound: String, `return`: String
        public let boarding: Int, alighting: Int
    }

    public struct BeneficiaryRow: Encodable, Sendable {
        public let id: String, fiscalCode: String, surname: String, givenName: String, birthDate: String
        public let classId: String?, className: String?, siteId: String?
        /// Anno di corso, and the dates the child is in the class (nil: the whole year).
        public let grade: Int?, classFrom: String?, classTo: String?
        public let payers: [PayerRow]
        public let enrollments: [EnrollmentRow]
        public let cards: [CardRow]
    }

    public struct PayerRow: Encodable, Sendable {
        public let id: String, fiscalCode: String, name: String, primary: Bool
        /// The percent of the child's cost this payer pays (nil: no shares, the primary payer pays all).
        public let share: Int?
        public let email: String?, mobile: String?
    }

    public struct EnrollmentRow: Encodable, Sendable {
        public let id: String, serviceId: String, serviceName: String, siteId: String?
        public let dietId: String?, dietName: String?, allergens: [String]
        public let routeId: String?, outboundStopId: String?, returnStopId: String?
        public let startDate: String, endDate: String?, exemptionPercent: Int
    }

    public struct CardRow: Encodable, Sendable {
        public let code: String, payload: String, issuedOn: String, revokedOn: String?
    }

    // MARK: Listings

    public func sites(_ f: Filter) -> [SiteRow] {
        data.sites.filter { f.site == nil || $0.id == f.site }.filter { matches(f.search, $0.id, $0.name, $0.address) }.map { site in
            let classIDs = Set(data.classes.filter { $0.siteId == site.id }.map(\.id))
            return SiteRow(
                id: site.id, name: site.name, address: site.address, classes: classIDs.count,
                beneficiaries: data.beneficiaries.filter { $0.classId.map(classIDs.contains) ?? false }.count,
                services: data.services.filter { $0.siteIds.contains(site.id) }.map(\.id)
            )
        }
    }

    public func classes(_ f: Filter) -> [ClassRow] {
        let siteNames = Dictionary(data.sites.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let counts = Dictionary(grouping: data.beneficiaries.compactMap(\.classId), by: { $0 }).mapValues(\.count)
        return data.classes
            .filter { (f.site == nil || $0.siteId == f.site) && (f.schoolClass == nil || $0.id == f.schoolClass) }
            .filter { matches(f.search, $0.id, $0.name, $0.teachers.joined(separator: " ")) }
            .map { c in
                ClassRow(
                    id: c.id, name: c.name, siteId: c.siteId, siteName: siteNames[c.siteId] ?? c.siteId, yearId: c.yearId,
                    teachers: c.teachers, beneficiaries: counts[c.id] ?? 0
                )
            }
    }

    public func services(_ f: Filter) -> [ServiceRow] {
        data.services
            .filter { (f.service == nil || $0.id == f.service) && (f.site == nil || $0.siteIds.contains(f.site ?? "")) }
            .filter { matches(f.search, $0.id, $0.name, $0.kind.italian) }
            .map { s in
                ServiceRow(
                    id: s.id, kind: s.kind.rawValue, name: s.name, billingMode: s.billingMode.rawValue,
                    chargeBasis: s.chargeBasis.rawValue, yearId: s.yearId, startDate: s.startDate.description,
                    endDate: s.endDate.description, weekdays: s.weekdays, sites: s.siteIds, cutoff: s.cutoff?.description,
                    enrolled: Set(data.enrollments.filter { $0.serviceId == s.id }.map(\.beneficiaryId)).count,
                    tariffs: data.tariffs.filter { $0.serviceId == s.id }.map { t in
                        TariffRow(
                            id: t.id, name: t.name, unit: t.unit.rawValue, validFrom: t.validFrom.description,
                            validTo: t.validTo?.description,
                            bands: t.bands.map { BandRow(upToCents: $0.upTo?.cents, priceCents: $0.price.cents) },
                            priceWithoutIseeCents: t.priceWithoutIsee.cents,
                            secondSiblingDiscountPercent: t.secondSiblingDiscountPercent,
                            thirdSiblingDiscountPercent: t.thirdSiblingDiscountPercent
                        )
                    }
                )
            }
    }

    public func routes(_ f: Filter) -> [RouteRow] {
        data.routes
            .filter { (f.route == nil || $0.id == f.route) && (f.service == nil || $0.serviceId == f.service) }
            .filter { matches(f.search, $0.id, $0.name, $0.stops.map(\.name).joined(separator: " ")) }
            .map { r in
                let enrollments = data.enrollments.filter { $0.routeId == r.id }
                return RouteRow(
                    id: r.id, name: r.name, serviceId: r.serviceId,
                    stops: r.stops.enumerated().map { i, s in
                        StopRow(
                            position: i + 1, id: s.id, name: s.name, outbound: s.outboundTime.description,
                            return: s.returnTime.description,
                            boarding: enrollments.filter { $0.outboundStopId == s.id }.count,
                            alighting: enrollments.filter { $0.returnStopId == s.id }.count
                        )
                    },
                    enrolled: Set(enrollments.map(\.beneficiaryId)).count
                )
            }
    }

    public func beneficiaries(_ f: Filter) -> [BeneficiaryRow] {
        let classes = Dictionary(data.classes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let payers = Dictionary(data.payers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let services = Dictionary(data.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let diets = Dictionary(data.diets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let enrollments = Dictionary(grouping: data.enrollments, by: \.beneficiaryId)
        let cards = Dictionary(grouping: data.cards, by: \.beneficiaryId)
        return data.beneficiaries.compactMap { b in
            let mine = enrollments[b.id] ?? []
            let schoolClass = b.classId.flatMap { classes[$0] }
            if let c = f.schoolClass, b.classId != c { return nil }
            if let s = f.site, schoolClass?.siteId != s, !mine.contains(where: { $0.siteId == s }) { return nil }
            if let s = f.service, !mine.contains(where: { $0.serviceId == s }) { return nil }
            if let r = f.route, !mine.contains(where: { $0.routeId == r }) { return nil }
            guard matches(f.search, b.id, b.surname, b.givenName, b.fiscalCode, "\(b.surname) \(b.givenName)") else { return nil }
            return BeneficiaryRow(
                id: b.id, fiscalCode: b.fiscalCode, surname: b.surname, givenName: b.givenName,
                birthDate: b.birthDate.description, classId: b.classId, className: schoolClass?.name, siteId: schoolClass?.siteId,
                grade: b.grade, classFrom: b.classFrom?.description, classTo: b.classTo?.description,
                payers: b.payers.map { link in
                    let p = payers[link.payerId]
                    return PayerRow(
                        id: link.payerId, fiscalCode: p?.fiscalCode ?? "", name: p?.fullName ?? "", primary: link.primary,
                        share: link.share, email: p?.email, mobile: p?.mobile
                    )
                },
                enrollments: mine.map { e in
                    let diet = e.dietId.flatMap { diets[$0] }
                    return EnrollmentRow(
                        id: e.id, serviceId: e.serviceId, serviceName: services[e.serviceId]?.name ?? e.serviceId,
                        siteId: e.siteId, dietId: e.dietId, dietName: diet?.name,
                        allergens: diet?.allergens.map(\.rawValue) ?? [], routeId: e.routeId,
                        outboundStopId: e.outboundStopId, returnStopId: e.returnStopId,
                        startDate: e.startDate.description, endDate: e.endDate?.description, exemptionPercent: e.exemptionPercent
                    )
                },
                cards: (cards[b.id] ?? []).map { c in
                    CardRow(code: c.id, payload: CardPayload.prefix + c.id, issuedOn: c.issuedOn.description, revokedOn: c.revokedOn?.description)
                }
            )
        }
    }

    private func matches(_ search: String?, _ fields: String...) -> Bool {
        guard let search, !search.isEmpty else { return true }
        return fields.contains { $0.range(of: search, options: [.caseInsensitive, .diacriticInsensitive]) != nil }
    }
}
