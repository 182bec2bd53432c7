import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaStore

/// Reads and writes the master data tables. Every function runs in the caller's transaction.
public enum MasterDataStore {
    // MARK: Loading

    /// The live school years with their closing days, in id order.
    public static func schoolYears(_ db: Database) throws -> [SchoolYear] {
        let closures = try grouped(db, "SELECT year_id, from_date, to_date, reason FROM closure ORDER BY year_id, position") { row in
            SchoolYear.Closure(from: try date(row[1]), to: try date(row[2]), reason: try row[3])
        }
        return try db.fetchAll("SELECT id, start_date, end_date FROM school_year WHERE deleted = 0 ORDER BY id").map { row in
            let id: String = try row[0]
            return SchoolYear(id: id, startDate: try date(row[1]), endDate: try date(row[2]), closures: closures[id] ?? [])
        }
    }

    /// The live services with their sites, in id order.
    public static func services(_ db: Database) throws -> [Service] {
        let serviceSites = try grouped(db, "SELECT service_id, site_id FROM service_site ORDER BY service_id, position") { row in
            try row[1] as String
        }
        return try db.fetchAll("""
            SELECT id, kind, name, billing_mode, charge_basis, year_id, start_date, end_date, weekdays, cutoff
            FROM service WHERE deleted = 0 ORDER BY id
            """).map { row in
            let id: String = try row[0]
            return Service(
                id: id, kind: try choice(row[1]), name: try row[2], billingMode: try choice(row[3]),
                chargeBasis: try choice(row[4]), yearId: try row[5], startDate: try date(row[6]), endDate: try date(row[7]),
                weekdays: (try row[8] as String).split(separator: ",").compactMap { Int($0) },
                siteIds: serviceSites[id] ?? [], cutoff: try (row[9] as String?).map(time)
            )
        }
    }

    /// The live master data (records not removed), in id order.
    public static func load(_ db: Database) throws -> MasterDataSet {
        var s = MasterDataSet()
        if let row = try db.fetchOne("SELECT name, fiscal_code, segregation_code, iban, province FROM municipality WHERE id = 1") {
            s.municipality = Municipality(
                name: try row[0], fiscalCode: try row[1], segregationCode: try row[2], iban: try row[3], province: try row[4]
            )
        }
        s.schoolYears = try schoolYears(db)
        s.sites = try db.fetchAll("SELECT id, name, address FROM site WHERE deleted = 0 ORDER BY id").map { row in
            Site(id: try row[0], name: try row[1], address: try row[2])
        }
        s.classes = try db.fetchAll("SELECT id, site_id, year_id, name, teachers FROM school_class WHERE deleted = 0 ORDER BY id").map { row in
            SchoolClass(id: try row[0], siteId: try row[1], yearId: try row[2], name: try row[3], teachers: try stringList(row[4]))
        }
        s.services = try services(db)
        s.diets = try db.fetchAll("SELECT id, name, allergens, notes FROM diet WHERE deleted = 0 ORDER BY id").map { row in
            Diet(
                id: try row[0], name: try row[1],
                allergens: try (row[2] as String).split(separator: ",").map { try choice(String($0)) }, notes: try row[3]
            )
        }
        let bands = try grouped(db, "SELECT tariff_id, up_to, price FROM tariff_band ORDER BY tariff_id, position") { row in
            Tariff.Band(upTo: (try row[1] as Int64?).map(Money.init(cents:)), price: Money(cents: try row[2]))
        }
        s.tariffs = try db.fetchAll("""
            SELECT id, service_id, name, unit, valid_from, valid_to, price_without_isee, non_resident_price,
                   second_sibling_discount, third_sibling_discount, monthly_minimum, monthly_maximum, pro_rata
            FROM tariff WHERE deleted = 0 ORDER BY id
            """).map { row in
            let id: String = try row[0]
            return Tariff(
                id: id, serviceId: try row[1], name: try row[2], unit: try choice(row[3]), validFrom: try date(row[4]),
                validTo: try (row[5] as String?).map(date), bands: bands[id] ?? [],
                priceWithoutIsee: Money(cents: try row[6]), nonResidentPrice: (try row[7] as Int64?).map(Money.init(cents:)),
                secondSiblingDiscountPercent: try row[8], thirdSiblingDiscountPercent: try row[9],
                monthlyMinimum: (try row[10] as Int64?).map(Money.init(cents:)),
                monthlyMaximum: (try row[11] as Int64?).map(Money.init(cents:)), proRata: try row[12]
            )
        }
        let stops = try grouped(db, """
            SELECT route_id, id, name, outbound_time, return_time FROM stop WHERE deleted = 0 ORDER BY route_id, position
            """) { row in
            Stop(id: try row[1], name: try row[2], outboundTime: try time(row[3]), returnTime: try time(row[4]))
        }
        s.routes = try db.fetchAll("SELECT id, service_id, name FROM route WHERE deleted = 0 ORDER BY id").map { row in
            let id: String = try row[0]
            return Route(id: id, serviceId: try row[1], name: try row[2], stops: stops[id] ?? [])
        }
        s.payers = try db.fetchAll("""
            SELECT id, fiscal_code, surname, given_name, email, mobile, pec, address, resident, isee, isee_filed,
                   isee_expires, notify_email, notify_sms, low_balance_threshold
            FROM payer WHERE deleted = 0 ORDER BY id
            """).map { row in
            var isee: Isee?
            if let value: Int64 = try row[9], let filed: String = try row[10], let expires: String = try row[11] {
                isee = Isee(value: Money(cents: value), filedOn: try date(filed), expiresOn: try date(expires))
            }
            return Payer(
                id: try row[0], fiscalCode: try row[1], surname: try row[2], givenName: try row[3], email: try row[4],
                mobile: try row[5], pec: try row[6], address: try row[7], resident: try row[8], isee: isee,
                notifyByEmail: try row[12], notifyBySMS: try row[13],
                lowBalanceThreshold: (try row[14] as Int64?).map(Money.init(cents:))
            )
        }
        let links = try grouped(db, """
            SELECT beneficiary_id, payer_id, is_primary FROM beneficiary_payer ORDER BY beneficiary_id, position
            """) { row in
            Beneficiary.PayerLink(payerId: try row[1], primary: try row[2])
        }
        s.beneficiaries = try db.fetchAll("""
            SELECT id, fiscal_code, surname, given_name, birth_date, class_id FROM beneficiary WHERE deleted = 0 ORDER BY id
            """).map { row in
            let id: String = try row[0]
            return Beneficiary(
                id: id, fiscalCode: try row[1], surname: try row[2], givenName: try row[3], birthDate: try date(row[4]),
                classId: try row[5], payers: links[id] ?? []
            )
        }
        s.enrollments = try db.fetchAll("""
            SELECT id, beneficiary_id, service_id, site_id, diet_id, route_id, outbound_stop_id, return_stop_id,
                   tariff_id, start_date, end_date, exemption_percent
            FROM enrollment WHERE deleted = 0 ORDER BY id
            """).map { row in
            Enrollment(
                id: try row[0], beneficiaryId: try row[1], serviceId: try row[2], siteId: try row[3], dietId: try row[4],
                routeId: try row[5], outboundStopId: try row[6], returnStopId: try row[7], tariffId: try row[8],
                startDate: try date(row[9]), endDate: try (row[10] as String?).map(date), exemptionPercent: try row[11]
            )
        }
        s.cards = try db.fetchAll("SELECT id, beneficiary_id, issued_on, revoked_on FROM card WHERE deleted = 0 ORDER BY id").map { row in
            Card(id: try row[0], beneficiaryId: try row[1], issuedOn: try date(row[2]), revokedOn: try (row[3] as String?).map(date))
        }
        return s
    }

    private static func grouped<T>(_ db: Database, _ sql: String, _ make: (Row) throws -> T) throws -> [String: [T]] {
        var result: [String: [T]] = [:]
        for row in try db.fetchAll(sql) {
            result[try row[0] as String, default: []].append(try make(row))
        }
        return result
    }

    /// A value in the database that the schema does not allow: the file was edited by hand or is damaged.
    public struct CorruptValue: Error, CustomStringConvertible {
        public let value: String
        public let expected: String

        public init(value: String, expected: String) {
            self.value = value
            self.expected = expected
        }

        public var description: String { "valore «\(value)» nell'archivio non valido (atteso \(expected)): archivio danneggiato?" }
    }

    static func date(_ text: String) throws -> LocalDate {
        guard let d = LocalDate(text) else { throw CorruptValue(value: text, expected: "una data") }
        return d
    }

    static func time(_ text: String) throws -> LocalTime {
        guard let t = LocalTime(text) else { throw CorruptValue(value: text, expected: "un orario") }
        return t
    }

    static func choice<E: RawRepresentable>(_ text: String) throws -> E where E.RawValue == String {
        guard let v = E(rawValue: text) else { throw CorruptValue(value: text, expected: "\(E.self)") }
        return v
    }

    static func stringList(_ json: String) throws -> [String] {
        guard let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String] else {
            throw CorruptValue(value: json, expected: "una lista JSON")
        }
        return list
    }

    static func jsonList(_ values: [String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
    }

    // MARK: Writing

    static func save(_ db: Database, _ m: Municipality) throws {
        try db.run("""
            INSERT INTO municipality (id, name, fiscal_code, segregation_code, iban, province) VALUES (1, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, fiscal_code = excluded.fiscal_code,
                segregation_code = excluded.segregation_code, iban = excluded.iban, province = excluded.province
            """, [m.name, m.fiscalCode, m.segregationCode, m.iban, m.province])
    }

    static func save(_ db: Database, _ y: SchoolYear) throws {
        try db.run("""
            INSERT INTO school_year (id, start_date, end_date, deleted) VALUES (?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET start_date = excluded.start_date, end_date = excluded.end_date, deleted = 0
            """, [y.id, y.startDate.description, y.endDate.description])
        try db.run("DELETE FROM closure WHERE year_id = ?", [y.id])
        for (i, c) in y.closures.enumerated() {
            try db.run("INSERT INTO closure (year_id, position, from_date, to_date, reason) VALUES (?, ?, ?, ?, ?)",
                       [y.id, i, c.from.description, c.to.description, c.reason])
        }
    }

    static func save(_ db: Database, _ v: Site) throws {
        try db.run("""
            INSERT INTO site (id, name, address, deleted) VALUES (?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, deleted = 0
            """, [v.id, v.name, v.address])
    }

    static func save(_ db: Database, _ v: SchoolClass) throws {
        try db.run("""
            INSERT INTO school_class (id, site_id, year_id, name, teachers, deleted) VALUES (?, ?, ?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, year_id = excluded.year_id, name = excluded.name,
                teachers = excluded.teachers, deleted = 0
            """, [v.id, v.siteId, v.yearId, v.name, try jsonList(v.teachers)])
    }

    static func save(_ db: Database, _ v: Service) throws {
        try db.run("""
            INSERT INTO service (id, kind, name, billing_mode, charge_basis, year_id, start_date, end_date, weekdays, cutoff, deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, billing_mode = excluded.billing_mode,
                charge_basis = excluded.charge_basis, year_id = excluded.year_id, start_date = excluded.start_date,
                end_date = excluded.end_date, weekdays = excluded.weekdays, cutoff = excluded.cutoff, deleted = 0
            """, [
                v.id, v.kind.rawValue, v.name, v.billingMode.rawValue, v.chargeBasis.rawValue, v.yearId,
                v.startDate.description, v.endDate.description, v.weekdays.map(String.init).joined(separator: ","),
                v.cutoff?.description,
            ])
        try db.run("DELETE FROM service_site WHERE service_id = ?", [v.id])
        for (i, site) in v.siteIds.enumerated() {
            try db.run("INSERT INTO service_site (service_id, site_id, position) VALUES (?, ?, ?)", [v.id, site, i])
        }
    }

    static func save(_ db: Database, _ v: Diet) throws {
        try db.run("""
            INSERT INTO diet (id, name, allergens, notes, deleted) VALUES (?, ?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, allergens = excluded.allergens, notes = excluded.notes, deleted = 0
            """, [v.id, v.name, v.allergens.map(\.rawValue).joined(separator: ","), v.notes])
    }

    static func save(_ db: Database, _ v: Tariff) throws {
        try db.run("""
            INSERT INTO tariff (id, service_id, name, unit, valid_from, valid_to, price_without_isee, non_resident_price,
                second_sibling_discount, third_sibling_discount, monthly_minimum, monthly_maximum, pro_rata, deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, name = excluded.name, unit = excluded.unit,
                valid_from = excluded.valid_from, valid_to = excluded.valid_to, price_without_isee = excluded.price_without_isee,
                non_resident_price = excluded.non_resident_price, second_sibling_discount = excluded.second_sibling_discount,
                third_sibling_discount = excluded.third_sibling_discount, monthly_minimum = excluded.monthly_minimum,
                monthly_maximum = excluded.monthly_maximum, pro_rata = excluded.pro_rata, deleted = 0
            """, [
                v.id, v.serviceId, v.name, v.unit.rawValue, v.validFrom.description, v.validTo?.description,
                v.priceWithoutIsee.cents, v.nonResidentPrice?.cents, v.secondSiblingDiscountPercent,
                v.thirdSiblingDiscountPercent, v.monthlyMinimum?.cents, v.monthlyMaximum?.cents, v.proRata,
            ])
        try db.run("DELETE FROM tariff_band WHERE tariff_id = ?", [v.id])
        for (i, band) in v.bands.enumerated() {
            try db.run("INSERT INTO tariff_band (tariff_id, position, up_to, price) VALUES (?, ?, ?, ?)",
                       [v.id, i, band.upTo?.cents, band.price.cents])
        }
    }

    static func save(_ db: Database, _ v: Route) throws {
        try db.run("""
            INSERT INTO route (id, service_id, name, deleted) VALUES (?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, name = excluded.name, deleted = 0
            """, [v.id, v.serviceId, v.name])
        try db.run("UPDATE stop SET deleted = 1 WHERE route_id = ?", [v.id])
        for (i, stop) in v.stops.enumerated() {
            try db.run("""
                INSERT INTO stop (id, route_id, position, name, outbound_time, return_time, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT (id) DO UPDATE SET route_id = excluded.route_id, position = excluded.position, name = excluded.name,
                    outbound_time = excluded.outbound_time, return_time = excluded.return_time, deleted = 0
                """, [stop.id, v.id, i, stop.name, stop.outboundTime.description, stop.returnTime.description])
        }
    }

    static func save(_ db: Database, _ v: Payer) throws {
        try db.run("""
            INSERT INTO payer (id, fiscal_code, surname, given_name, email, mobile, pec, address, resident, isee, isee_filed,
                isee_expires, notify_email, notify_sms, low_balance_threshold, deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET fiscal_code = excluded.fiscal_code, surname = excluded.surname,
                given_name = excluded.given_name, email = excluded.email, mobile = excluded.mobile, pec = excluded.pec,
                address = excluded.address, resident = excluded.resident, isee = excluded.isee, isee_filed = excluded.isee_filed,
                isee_expires = excluded.isee_expires, notify_email = excluded.notify_email, notify_sms = excluded.notify_sms,
                low_balance_threshold = excluded.low_balance_threshold, deleted = 0
            """, [
                v.id, v.fiscalCode, v.surname, v.givenName, v.email, v.mobile, v.pec, v.address, v.resident,
                v.isee?.value.cents, v.isee?.filedOn.description, v.isee?.expiresOn.description, v.notifyByEmail,
                v.notifyBySMS, v.lowBalanceThreshold?.cents,
            ])
    }

    static func save(_ db: Database, _ v: Beneficiary) throws {
        try db.run("""
            INSERT INTO beneficiary (id, fiscal_code, surname, given_name, birth_date, class_id, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET fiscal_code = excluded.fiscal_code, surname = excluded.surname,
                given_name = excluded.given_name, birth_date = excluded.birth_date, class_id = excluded.class_id, deleted = 0
            """, [v.id, v.fiscalCode, v.surname, v.givenName, v.birthDate.description, v.classId])
        try db.run("DELETE FROM beneficiary_payer WHERE beneficiary_id = ?", [v.id])
        for (i, link) in v.payers.enumerated() {
            try db.run("INSERT INTO beneficiary_payer (beneficiary_id, payer_id, is_primary, position) VALUES (?, ?, ?, ?)",
                       [v.id, link.payerId, link.primary, i])
        }
    }

    static func save(_ db: Database, _ v: Enrollment) throws {
        try db.run("""
            INSERT INTO enrollment (id, beneficiary_id, service_id, site_id, diet_id, route_id, outbound_stop_id, return_stop_id,
                tariff_id, start_date, end_date, exemption_percent, deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET beneficiary_id = excluded.beneficiary_id, service_id = excluded.service_id,
                site_id = excluded.site_id, diet_id = excluded.diet_id, route_id = excluded.route_id,
                outbound_stop_id = excluded.outbound_stop_id, return_stop_id = excluded.return_stop_id,
                tariff_id = excluded.tariff_id, start_date = excluded.start_date, end_date = excluded.end_date,
                exemption_percent = excluded.exemption_percent, deleted = 0
            """, [
                v.id, v.beneficiaryId, v.serviceId, v.siteId, v.dietId, v.routeId, v.outboundStopId, v.returnStopId,
                v.tariffId, v.startDate.description, v.endDate?.description, v.exemptionPercent,
            ])
    }

    static func save(_ db: Database, _ v: Card) throws {
        try db.run("""
            INSERT INTO card (id, beneficiary_id, issued_on, revoked_on, deleted) VALUES (?, ?, ?, ?, 0)
            ON CONFLICT (id) DO UPDATE SET beneficiary_id = excluded.beneficiary_id, issued_on = excluded.issued_on,
                revoked_on = excluded.revoked_on, deleted = 0
            """, [v.id, v.beneficiaryId, v.issuedOn.description, v.revokedOn?.description])
    }

    /// Marks a record removed. Its children (closures, bands, links) go with it.
    static func remove(_ db: Database, _ kind: EntityKind, id: String) throws {
        switch kind {
        case .municipality: try db.run("DELETE FROM municipality")
        case .schoolYears: try db.run("UPDATE school_year SET deleted = 1 WHERE id = ?", [id])
        case .sites: try db.run("UPDATE site SET deleted = 1 WHERE id = ?", [id])
        case .classes: try db.run("UPDATE school_class SET deleted = 1 WHERE id = ?", [id])
        case .services: try db.run("UPDATE service SET deleted = 1 WHERE id = ?", [id])
        case .diets: try db.run("UPDATE diet SET deleted = 1 WHERE id = ?", [id])
        case .tariffs: try db.run("UPDATE tariff SET deleted = 1 WHERE id = ?", [id])
        case .routes:
            try db.run("UPDATE route SET deleted = 1 WHERE id = ?", [id])
            try db.run("UPDATE stop SET deleted = 1 WHERE route_id = ?", [id])
        case .stops: try db.run("UPDATE stop SET deleted = 1 WHERE id = ?", [id])
        case .payers: try db.run("UPDATE payer SET deleted = 1 WHERE id = ?", [id])
        case .beneficiaries: try db.run("UPDATE beneficiary SET deleted = 1 WHERE id = ?", [id])
        case .enrollments: try db.run("UPDATE enrollment SET deleted = 1 WHERE id = ?", [id])
        case .cards: try db.run("UPDATE card SET deleted = 1 WHERE id = ?", [id])
        }
    }
}
