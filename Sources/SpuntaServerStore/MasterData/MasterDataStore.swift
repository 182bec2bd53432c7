import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaStore

/// Reads and writes the master data tables. Every function runs in the caller's transaction.
public enum MasterDataStore {
    // MARK: Loading

    /// The live school years with their closing days, in id order.
    public static func schoolYears(_ db: Database) throws -> [SchoolYear] {
        var closures: [String: [SchoolYear.Closure]] = [:]
        for row in try db.fetchAll("SELECT \(SchoolYear.Closure.columns), year_id FROM closure ORDER BY year_id, position") {
            closures[try row[5] as String, default: []].append(try SchoolYear.Closure(row: row))
        }
        return try SchoolYear.allLive(db).map { year in
            var year = year
            year.closures = closures[year.id] ?? []
            return year
        }
    }

    /// The live services with their sites, in id order.
    public static func services(_ db: Database) throws -> [Service] {
        let serviceSites = try grouped(db, "SELECT service_id, site_id FROM service_site ORDER BY service_id, position") { row in
            try row[1] as String
        }
        let options = try grouped(db, "SELECT service_id, \(optionColumns) FROM service_option ORDER BY service_id, position") { row in
            try option(row, at: 1)
        }
        return try Service.allLive(db).map { service in
            var service = service
            service.siteIds = serviceSites[service.id] ?? []
            service.options = options[service.id] ?? []
            return service
        }
    }

    /// An enrollment's option changes as stored: `2026-11-16=part-time;…`, in date order.
    static func optionChanges(_ text: String) throws -> [Enrollment.OptionChange] {
        try text.split(separator: ";").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2 else { throw CorruptValue(value: String(part), expected: "un cambio di opzione data=opzione") }
            return Enrollment.OptionChange(from: try date(String(pieces[0])), optionId: String(pieces[1]))
        }
    }

    /// The closing days of one school year, in order.
    public static func closures(_ db: Database, year: String) throws -> [SchoolYear.Closure] {
        try db.fetchAll("SELECT \(SchoolYear.Closure.columns) FROM closure WHERE year_id = ? ORDER BY position", [year])
            .map(SchoolYear.Closure.init(row:))
    }

    /// The sites of one service, in order.
    public static func sites(_ db: Database, service: String) throws -> [String] {
        try db.fetchAll("SELECT site_id FROM service_site WHERE service_id = ? ORDER BY position", [service]).map { try $0[0] as String }
    }

    /// The options of one service (opzioni tariffarie), in order.
    public static func options(_ db: Database, service: String) throws -> [Service.Option] {
        try db.fetchAll("SELECT \(optionColumns) FROM service_option WHERE service_id = ? ORDER BY position", [service]).map { row in
            try option(row, at: 0)
        }
    }

    /// A service option's columns, read by `option(_:at:)` from position `at` on.
    private static let optionColumns = "id, name, weekdays"

    private static func option(_ row: Row, at i: Int) throws -> Service.Option {
        Service.Option(id: try row[i], name: try row[i + 1], weekdays: idList(try row[i + 2]).compactMap { Int($0) })
    }

    /// The live stops of one route, in order.
    public static func stops(_ db: Database, route: String) throws -> [Stop] {
        try db.fetchAll("SELECT \(Stop.columns) FROM stop WHERE route_id = ? AND deleted = 0 ORDER BY position", [route])
            .map(Stop.init(row:))
    }

    /// The live master data (records not removed), in id order.
    public static func load(_ db: Database) throws -> MasterDataSet {
        var s = try shared(db)
        s.payers = try Payer.allLive(db)
        s.beneficiaries = withPayers(try Beneficiary.allLive(db), links: try payerLinks(db.cachedStatement("""
            SELECT beneficiary_id, payer_id, is_primary, share, position FROM beneficiary_payer
            """), []))
        s.enrollments = try Enrollment.allLive(db)
        s.cards = try Card.allLive(db)
        return s
    }

    /// The live master data without its people: the Comune, years, sites, classes, services, diets, tariffs and
    /// routes — what stays small however many children the Comune has. No payer, child, enrollment or card.
    public static func shared(_ db: Database) throws -> MasterDataSet {
        var s = MasterDataSet()
        if let row = try db.fetchOne("SELECT name, fiscal_code, segregation_code, iban, province FROM municipality WHERE id = 1") {
            s.municipality = Municipality(
                name: try row[0], fiscalCode: try row[1], segregationCode: try row[2], iban: try row[3], province: try row[4]
            )
        }
        s.schoolYears = try schoolYears(db)
        s.sites = try Site.allLive(db)
        s.classes = try SchoolClass.allLive(db)
        s.services = try services(db)
        s.diets = try Diet.allLive(db)
        let bands = try grouped(db, "SELECT tariff_id, up_to, price FROM tariff_band ORDER BY tariff_id, position") { row in
            Tariff.Band(upTo: (try row[1] as Int64?).map(Money.init(cents:)), price: Money(cents: try row[2]))
        }
        s.tariffs = try Tariff.allLive(db).map { tariff in
            var tariff = tariff
            tariff.bands = bands[tariff.id] ?? []
            return tariff
        }
        var stops: [String: [Stop]] = [:]
        for row in try db.fetchAll("SELECT \(Stop.columns), route_id FROM stop WHERE deleted = 0 ORDER BY route_id, position") {
            stops[try row[4] as String, default: []].append(try Stop(row: row))
        }
        let schools = try routeSchools(db)
        s.routes = try Route.allLive(db).map { route in
            var route = route
            route.stops = stops[route.id] ?? []
            route.schools = schools[route.id] ?? []
            return route
        }
        return s
    }

    /// `shared` with some of the people: the live payers of `payers`, the live children of `beneficiaries` and the
    /// live enrollments of those children, in id order — so that a month can be billed a group of families at a
    /// time instead of holding a whole city.
    public static func load(_ db: Database, shared: MasterDataSet, payers: [String], beneficiaries: [String]) throws -> MasterDataSet {
        var s = shared
        let children = JSONStringList.encode(beneficiaries)
        s.payers = try live(db, Payer.self, column: "id", in: JSONStringList.encode(payers))
        s.beneficiaries = withPayers(try live(db, Beneficiary.self, column: "id", in: children), links: try payerLinks(db.cachedStatement("""
            SELECT beneficiary_id, payer_id, is_primary, share, position FROM beneficiary_payer WHERE beneficiary_id IN \(JSONStringList.inList)
            """), [children]))
        s.enrollments = try live(db, Enrollment.self, column: "beneficiary_id", in: children)
        return s
    }

    /// The live records whose `column` is in the JSON list `values` (`JSONStringList`), in id order, each read from
    /// the statement's row as it comes: billing reads every payer, child and enrollment of a city this way, a group of
    /// families at a time.
    private static func live<Record: CursorReadable>(_ db: Database, _ type: Record.Type, column: String, in values: String) throws -> [Record] {
        var records: [Record] = []
        try db.cachedStatement("""
            SELECT \(Record.columns) FROM \(Record.table) WHERE deleted = 0 AND \(column) IN \(JSONStringList.inList) ORDER BY id
            """).forEach([values]) { records.append(try Record(columns: $0)) }
        return records
    }

    /// The payers of the children `statement` selects (`beneficiary_id, payer_id, is_primary, share, position`), by
    /// child in order of position. A child has a payer or two: they are put in order here rather than by SQLite sorting
    /// every link of the query first.
    private static func payerLinks(_ statement: Statement, _ arguments: StatementArguments) throws -> [String: [Beneficiary.PayerLink]] {
        var links: [String: [(position: Int64, link: Beneficiary.PayerLink)]] = [:]
        try statement.forEach(arguments) { row in
            links[try row[0] as String, default: []].append(
                (try row[4], Beneficiary.PayerLink(payerId: try row[1], primary: try row[2], share: try row.nullable(3))))
        }
        return links.mapValues { list in
            list.count == 1 ? [list[0].link] : list.sorted { $0.position < $1.position }.map(\.link)
        }
    }

    /// The children with their payers, from `links` (by child, in order of position).
    private static func withPayers(_ children: [Beneficiary], links: [String: [Beneficiary.PayerLink]]) -> [Beneficiary] {
        children.map { beneficiary in
            var beneficiary = beneficiary
            beneficiary.payers = links[beneficiary.id] ?? []
            return beneficiary
        }
    }

    /// The schools of every line, by line, in the file's order.
    public static func routeSchools(_ db: Database, route: String? = nil) throws -> [String: [RouteSchool]] {
        try grouped(db, """
            SELECT route_id, site_id, stop_id, arrival, return_time, short_return, short_days FROM route_school
            WHERE ?1 IS NULL OR route_id = ?1 ORDER BY route_id, position
            """, [route]) { row in
            RouteSchool(siteId: try row[1], stopId: try row[2], arrival: try time(row[3]), returnTime: try time(row[4]),
                        shortReturn: try (row[5] as String?).map(time), shortDays: idList(try row[6]).compactMap { Int($0) })
        }
    }

    private static func grouped<T>(
        _ db: Database, _ sql: String, _ arguments: StatementArguments = [], _ make: (Row) throws -> T
    ) throws -> [String: [T]] {
        var result: [String: [T]] = [:]
        for row in try db.fetchAll(sql, arguments) {
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

    /// Ids stored comma-separated (an id never holds a comma); empty text is the empty list.
    public static func idList(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }

    static func jsonList(_ values: [String]) throws -> String {
        JSONStringList.encode(values)
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
        try SchoolYear.upsert(db, y)
        try db.run("DELETE FROM closure WHERE year_id = ?", [y.id])
        for (i, c) in y.closures.enumerated() {
            try db.run("""
                INSERT INTO closure (year_id, position, from_date, to_date, reason, service_ids, site_ids) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [y.id, i, c.from.description, c.to.description, c.reason, c.serviceIds.joined(separator: ","),
                      c.siteIds.joined(separator: ",")])
        }
    }

    static func save(_ db: Database, _ v: Site) throws {
        try Site.upsert(db, v)
    }

    static func save(_ db: Database, _ v: SchoolClass) throws {
        try SchoolClass.upsert(db, v)
    }

    static func save(_ db: Database, _ v: Service) throws {
        try Service.upsert(db, v)
        try db.run("DELETE FROM service_site WHERE service_id = ?", [v.id])
        for (i, site) in v.siteIds.enumerated() {
            try db.run("INSERT INTO service_site (service_id, site_id, position) VALUES (?, ?, ?)", [v.id, site, i])
        }
        try db.run("DELETE FROM service_option WHERE service_id = ?", [v.id])
        for (i, option) in v.options.enumerated() {
            try db.run("INSERT INTO service_option (service_id, position, id, name, weekdays) VALUES (?, ?, ?, ?, ?)",
                       [v.id, i, option.id, option.name, option.weekdays.map(String.init).joined(separator: ",")])
        }
    }

    static func save(_ db: Database, _ v: Diet) throws {
        try Diet.upsert(db, v)
    }

    static func save(_ db: Database, _ v: Tariff) throws {
        try Tariff.upsert(db, v)
        try db.run("DELETE FROM tariff_band WHERE tariff_id = ?", [v.id])
        for (i, band) in v.bands.enumerated() {
            try db.run("INSERT INTO tariff_band (tariff_id, position, up_to, price) VALUES (?, ?, ?, ?)",
                       [v.id, i, band.upTo?.cents, band.price.cents])
        }
    }

    static func save(_ db: Database, _ v: Route) throws {
        try Route.upsert(db, v)
        try db.run("UPDATE stop SET deleted = 1 WHERE route_id = ?", [v.id])
        for (i, stop) in v.stops.enumerated() {
            try db.run("""
                INSERT INTO stop (id, route_id, position, name, outbound_time, return_time, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT (id) DO UPDATE SET route_id = excluded.route_id, position = excluded.position, name = excluded.name,
                    outbound_time = excluded.outbound_time, return_time = excluded.return_time, deleted = 0
                """, [stop.id, v.id, i, stop.name, stop.outboundTime.description, stop.returnTime.description])
        }
        try db.run("DELETE FROM route_school WHERE route_id = ?", [v.id])
        for (i, school) in v.schools.enumerated() {
            try db.run("""
                INSERT INTO route_school (route_id, position, site_id, stop_id, arrival, return_time, short_return, short_days)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [v.id, i, school.siteId, school.stopId, school.arrival.description, school.returnTime.description,
                      school.shortReturn?.description, school.shortDays.map(String.init).joined(separator: ",")])
        }
    }

    static func save(_ db: Database, _ v: Payer) throws {
        try Payer.upsert(db, v)
    }

    static func save(_ db: Database, _ v: Beneficiary) throws {
        try Beneficiary.upsert(db, v)
        try db.run("DELETE FROM beneficiary_payer WHERE beneficiary_id = ?", [v.id])
        for (i, link) in v.payers.enumerated() {
            try db.run("INSERT INTO beneficiary_payer (beneficiary_id, payer_id, is_primary, position, share) VALUES (?, ?, ?, ?, ?)",
                       [v.id, link.payerId, link.primary, i, link.share])
        }
    }

    static func save(_ db: Database, _ v: Enrollment) throws {
        try Enrollment.upsert(db, v)
    }

    static func save(_ db: Database, _ v: Card) throws {
        try Card.upsert(db, v)
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
