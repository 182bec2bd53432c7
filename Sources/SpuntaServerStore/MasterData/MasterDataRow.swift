import SpuntaDomain
import SpuntaStore

/// A master data record kept in one row of its own table: its columns are named once, read once (`init(row:)`) and
/// written once (`values`), in the same order, for every reader — the loader, the projection sent to devices —
/// and for the importer that saves it. What a record keeps in another table (a year's closing days, a service's
/// sites, a route's stops, a tariff's bands, a child's payers) is read and written beside it by its owner.
public protocol MasterDataRow {
    /// The table the record lives in; its rows have `id` and `deleted` besides `columnNames`.
    static var table: String { get }
    /// The columns, `id` first, in the order `init(row:)` reads them and `values` lists them.
    static var columnNames: [String] { get }
    /// The record from a row selected with `columns` (what lives in other tables left empty).
    init(row: Row) throws
    /// The values of `columnNames`, in order.
    var values: StatementArguments { get throws }
}

extension MasterDataRow {
    /// `id, name, …`: the select list of `columnNames`.
    public static var columns: String { columnNames.joined(separator: ", ") }

    /// The live record with this id, nil when there is none or it was removed.
    public static func live(_ db: Database, id: String) throws -> Self? {
        try db.fetchOne("SELECT \(columns) FROM \(table) WHERE id = ? AND deleted = 0", [id]).map(Self.init(row:))
    }

    /// The live records among `ids`, by id, read a few hundred per query (a snapshot projects a page at a time).
    public static func live(_ db: Database, ids: [String]) throws -> [String: Self] {
        var records: [String: Self] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let list = sqlInList(Array(ids[start..<min(ids.count, start + 500)]))
            for row in try db.makeStatement("SELECT \(columns) FROM \(table) WHERE id IN \(list.sql) AND deleted = 0").fetchAll(list.arguments) {
                records[try row[0]] = try Self(row: row)
            }
        }
        return records
    }

    /// Every live record, in id order.
    public static func allLive(_ db: Database) throws -> [Self] {
        try db.fetchAll("SELECT \(columns) FROM \(table) WHERE deleted = 0 ORDER BY id").map(Self.init(row:))
    }

    /// Inserts the record, or updates it in place and brings it back if it was removed.
    static func upsert(_ db: Database, _ record: Self) throws {
        let placeholders = Array(repeating: "?", count: columnNames.count).joined(separator: ", ")
        let updates = columnNames.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try db.run("""
            INSERT INTO \(table) (\(columns), deleted) VALUES (\(placeholders), 0)
            ON CONFLICT (id) DO UPDATE SET \(updates), deleted = 0
            """, try record.values)
    }
}

/// Columns read by position with a type, from a copied `Row` or from the current row of a running statement
/// (`RowCursor`): one `init` reads both, and billing reads a city's people a group of families at a time from the cursor,
/// without a `Row` (an array of values) allocated and freed for each of them first.
protocol TypedColumns {
    subscript<T: DatabaseValueConvertible>(_ index: Int) -> T { get throws }
    /// A column that may be NULL, read as `self[index] as T?` reads it.
    func nullable<T: DatabaseValueConvertible>(_ index: Int) throws -> T?
}

/// A record that can be read from `TypedColumns` — a statement's cursor as well as a `Row`.
protocol CursorReadable: MasterDataRow {
    init(columns: some TypedColumns) throws
}

extension Row: TypedColumns {
    /// A column that may be NULL, read as `row[index] as T?` reads it — the same value, the same error — without
    /// going through `Optional`'s generic conversion, which looks the optional type up at run time at every read: a
    /// group of a city's families reads a dozen such columns for each payer, child and enrollment.
    func nullable<T: DatabaseValueConvertible>(_ index: Int) throws -> T? {
        if values.indices.contains(index) {
            if case .null = values[index] { return nil }
            if let value = T.fromDatabaseValue(values[index]) { return value }
        }
        return try self[index] as T?
    }
}

extension RowCursor: TypedColumns {
    /// As `Row.nullable`: NULL is nil without `Optional`'s generic conversion.
    func nullable<T: DatabaseValueConvertible>(_ index: Int) throws -> T? {
        let value = value(at: index)
        if case .null = value { return nil }
        if let result = T.fromDatabaseValue(value) { return result }
        return try self[index] as T?
    }
}

// MARK: The records

extension SchoolYear: MasterDataRow {
    public static let table = "school_year"
    public static let columnNames = ["id", "start_date", "end_date"]

    public init(row: Row) throws {
        self.init(id: try row[0], startDate: try MasterDataStore.date(row[1]), endDate: try MasterDataStore.date(row[2]), closures: [])
    }

    public var values: StatementArguments { [id, startDate.description, endDate.description] }
}

extension SchoolYear.Closure {
    /// A closing day's own columns; its year and position are where its year puts it.
    public static let columns = "from_date, to_date, reason, service_ids, site_ids"

    public init(row: Row) throws {
        self.init(from: try MasterDataStore.date(row[0]), to: try MasterDataStore.date(row[1]), reason: try row[2],
                  serviceIds: MasterDataStore.idList(try row[3]), siteIds: MasterDataStore.idList(try row[4]))
    }
}

extension Site: MasterDataRow {
    public static let table = "site"
    public static let columnNames = ["id", "name", "address", "caterer_name", "caterer_email", "meal_count_cutoff"]

    /// The caterer is read with both its name and address or not at all (the import never stores one alone).
    public init(row: Row) throws {
        let catererName: String? = try row[3], catererEmail: String? = try row[4]
        self.init(id: try row[0], name: try row[1], address: try row[2],
                  caterer: catererName.flatMap { name in catererEmail.map { Caterer(name: name, email: $0) } },
                  mealCountCutoff: try MasterDataStore.time(try row[5]))
    }

    public var values: StatementArguments { [id, name, address, caterer?.name, caterer?.email, mealCountCutoff.description] }
}

extension SchoolClass: MasterDataRow {
    public static let table = "school_class"
    public static let columnNames = ["id", "site_id", "year_id", "name", "teachers"]

    public init(row: Row) throws {
        self.init(id: try row[0], siteId: try row[1], yearId: try row[2], name: try row[3], teachers: try MasterDataStore.stringList(row[4]))
    }

    public var values: StatementArguments {
        get throws { [id, siteId, yearId, name, try MasterDataStore.jsonList(teachers)] }
    }
}

extension Service: MasterDataRow {
    public static let table = "service"
    public static let columnNames = [
        "id", "kind", "name", "billing_mode", "charge_basis", "year_id", "start_date", "end_date", "weekdays", "cutoff",
    ]

    public init(row: Row) throws {
        self.init(
            id: try row[0], kind: try MasterDataStore.choice(row[1]), name: try row[2], billingMode: try MasterDataStore.choice(row[3]),
            chargeBasis: try MasterDataStore.choice(row[4]), yearId: try row[5], startDate: try MasterDataStore.date(row[6]),
            endDate: try MasterDataStore.date(row[7]), weekdays: (try row[8] as String).split(separator: ",").compactMap { Int($0) },
            siteIds: [], cutoff: try (row[9] as String?).map(MasterDataStore.time)
        )
    }

    public var values: StatementArguments {
        [
            id, kind.rawValue, name, billingMode.rawValue, chargeBasis.rawValue, yearId, startDate.description,
            endDate.description, weekdays.map(String.init).joined(separator: ","), cutoff?.description,
        ]
    }
}

extension Diet: MasterDataRow {
    public static let table = "diet"
    public static let columnNames = ["id", "name", "allergens", "notes", "category", "severe_allergy", "emergency_plan"]

    public init(row: Row) throws {
        self.init(
            id: try row[0], name: try row[1],
            allergens: try (row[2] as String).split(separator: ",").map { try MasterDataStore.choice(String($0)) }, notes: try row[3],
            category: try (row[4] as String?).map { try MasterDataStore.choice($0) }, severeAllergy: try row[5], emergencyPlan: try row[6]
        )
    }

    public var values: StatementArguments {
        [id, name, allergens.map(\.rawValue).joined(separator: ","), notes, category?.rawValue, severeAllergy, emergencyPlan]
    }
}

extension Tariff: MasterDataRow {
    public static let table = "tariff"
    public static let columnNames = [
        "id", "service_id", "name", "unit", "valid_from", "valid_to", "price_without_isee", "non_resident_price",
        "second_sibling_discount", "third_sibling_discount", "monthly_minimum", "monthly_maximum", "pro_rata",
        "option_id", "daily_price", "illness_days", "illness_reduction", "closure_reduction",
    ]

    public init(row: Row) throws {
        self.init(
            id: try row[0], serviceId: try row[1], name: try row[2], unit: try MasterDataStore.choice(row[3]), validFrom: try MasterDataStore.date(row[4]),
            validTo: try (row[5] as String?).map(MasterDataStore.date), bands: [],
            priceWithoutIsee: Money(cents: try row[6]), nonResidentPrice: (try row[7] as Int64?).map(Money.init(cents:)),
            secondSiblingDiscountPercent: try row[8], thirdSiblingDiscountPercent: try row[9],
            monthlyMinimum: (try row[10] as Int64?).map(Money.init(cents:)),
            monthlyMaximum: (try row[11] as Int64?).map(Money.init(cents:)), proRata: try row[12], optionId: try row[13],
            dailyPrice: (try row[14] as Int64?).map(Money.init(cents:)), illnessDays: try row[15], illnessReductionPercent: try row[16],
            closureReductionPercent: try row[17]
        )
    }

    public var values: StatementArguments {
        [
            id, serviceId, name, unit.rawValue, validFrom.description, validTo?.description, priceWithoutIsee.cents,
            nonResidentPrice?.cents, secondSiblingDiscountPercent, thirdSiblingDiscountPercent, monthlyMinimum?.cents,
            monthlyMaximum?.cents, proRata, optionId, dailyPrice?.cents, illnessDays, illnessReductionPercent, closureReductionPercent,
        ]
    }
}

extension Route: MasterDataRow {
    public static let table = "route"
    public static let columnNames = ["id", "service_id", "name"]

    public init(row: Row) throws {
        self.init(id: try row[0], serviceId: try row[1], name: try row[2], stops: [])
    }

    public var values: StatementArguments { [id, serviceId, name] }
}

extension Stop {
    /// A stop's own columns; its route and position are where its route puts it.
    public static let columns = "id, name, outbound_time, return_time"

    public init(row: Row) throws {
        self.init(id: try row[0], name: try row[1], outboundTime: try MasterDataStore.time(row[2]), returnTime: try MasterDataStore.time(row[3]))
    }
}

extension Payer: CursorReadable {
    public static let table = "payer"
    public static let columnNames = [
        "id", "fiscal_code", "surname", "given_name", "email", "mobile", "pec", "address", "resident", "isee", "isee_filed",
        "isee_expires", "notify_email", "notify_sms", "low_balance_threshold", "phone",
    ]

    public init(row: Row) throws {
        try self.init(columns: row)
    }

    init(columns row: some TypedColumns) throws {
        var isee: Isee?
        if let value: Int64 = try row.nullable(9), let filed: String = try row.nullable(10), let expires: String = try row.nullable(11) {
            isee = Isee(value: Money(cents: value), filedOn: try MasterDataStore.date(filed), expiresOn: try MasterDataStore.date(expires))
        }
        self.init(
            id: try row[0], fiscalCode: try row[1], surname: try row[2], givenName: try row[3], email: try row.nullable(4),
            mobile: try row.nullable(5), pec: try row.nullable(6), address: try row.nullable(7), resident: try row[8], isee: isee,
            notifyByEmail: try row[12], notifyBySMS: try row[13], lowBalanceThreshold: (try row.nullable(14) as Int64?).map(Money.init(cents:)),
            phone: try row.nullable(15)
        )
    }

    public var values: StatementArguments {
        [
            id, fiscalCode, surname, givenName, email, mobile, pec, address, resident, isee?.value.cents, isee?.filedOn.description,
            isee?.expiresOn.description, notifyByEmail, notifyBySMS, lowBalanceThreshold?.cents, phone,
        ]
    }
}

extension Beneficiary: CursorReadable {
    public static let table = "beneficiary"
    public static let columnNames = ["id", "fiscal_code", "surname", "given_name", "birth_date", "class_id", "class_from", "class_to", "grade"]

    public init(row: Row) throws {
        try self.init(columns: row)
    }

    init(columns row: some TypedColumns) throws {
        self.init(
            id: try row[0], fiscalCode: try row[1], surname: try row[2], givenName: try row[3], birthDate: try MasterDataStore.date(row[4]),
            classId: try row.nullable(5), payers: [], classFrom: try (row.nullable(6) as String?).map(MasterDataStore.date),
            classTo: try (row.nullable(7) as String?).map(MasterDataStore.date), grade: try row.nullable(8)
        )
    }

    public var values: StatementArguments {
        [id, fiscalCode, surname, givenName, birthDate.description, classId, classFrom?.description, classTo?.description, grade]
    }
}

extension Enrollment: CursorReadable {
    public static let table = "enrollment"
    public static let columnNames = [
        "id", "beneficiary_id", "service_id", "site_id", "diet_id", "route_id", "outbound_stop_id", "return_stop_id",
        "tariff_id", "start_date", "end_date", "exemption_percent", "school_id", "option_id", "option_changes",
    ]

    public init(row: Row) throws {
        try self.init(columns: row)
    }

    init(columns row: some TypedColumns) throws {
        self.init(
            id: try row[0], beneficiaryId: try row[1], serviceId: try row[2], siteId: try row.nullable(3), dietId: try row.nullable(4),
            routeId: try row.nullable(5), outboundStopId: try row.nullable(6), returnStopId: try row.nullable(7), tariffId: try row.nullable(8),
            startDate: try MasterDataStore.date(row[9]), endDate: try (row.nullable(10) as String?).map(MasterDataStore.date),
            exemptionPercent: try row[11], schoolId: try row.nullable(12), optionId: try row.nullable(13),
            optionChanges: try MasterDataStore.optionChanges(row[14])
        )
    }

    public var values: StatementArguments {
        [
            id, beneficiaryId, serviceId, siteId, dietId, routeId, outboundStopId, returnStopId, tariffId, startDate.description,
            endDate?.description, exemptionPercent, schoolId, optionId,
            optionChanges.map { "\($0.from)=\($0.optionId)" }.joined(separator: ";"),
        ]
    }
}

extension Card: MasterDataRow {
    public static let table = "card"
    public static let columnNames = ["id", "beneficiary_id", "issued_on", "revoked_on"]

    public init(row: Row) throws {
        self.init(id: try row[0], beneficiaryId: try row[1], issuedOn: try MasterDataStore.date(row[2]), revokedOn: try (row[3] as String?).map(MasterDataStore.date))
    }

    public var values: StatementArguments { [id, beneficiaryId, issuedOn.description, revokedOn?.description] }
}
