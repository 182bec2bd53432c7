import Foundation
import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
import SpuntaSync

/// A small Comune built by hand for billing tests, whose figures can be checked on paper.
///
/// October 2026 has 22 weekdays; 16 October is the patron's day (closed): 21 billable days.
/// Meal tariff: ISEE up to €5,000 → €2.00, above → €5.00, no ISEE €5.00, non-resident €6.00;
/// 2nd sibling −20%, 3rd −50%; monthly maximum €30.00 on MENSA-S. Nursery: €400.00 a month (ISEE up to €10,000:
/// €200.00), pro rata. Prepaid canteen MENSA-P: €5.00 a meal.
final class SmallComune {
    let dir: URL
    let queue: DatabaseQueue
    static let now = BusinessCalendar.instant(date: LocalDate(year: 2026, month: 11, day: 20)!, time: LocalTime(hour: 10, minute: 0)!)
    /// Monday 2 November, when October's notices go out in the tests where they must be overdue by `now`.
    static let earlyNovember = BusinessCalendar.instant(date: LocalDate(year: 2026, month: 11, day: 2)!, time: LocalTime(hour: 10, minute: 0)!)
    static let october = BillingPeriod(year: 2026, month: 10)!
    static let november = BillingPeriod(year: 2026, month: 11)!
    static let december = BillingPeriod(year: 2026, month: 12)!
    private var seq: Int64 = 0

    static func d(_ text: String) -> LocalDate { LocalDate(text)! }

    static func data() -> MasterDataSet {
        var s = MasterDataSet()
        s.municipality = Municipality(name: "Comune di Prova", fiscalCode: EnteFiscalCode.make(base: "8000000028").value, segregationCode: "07",
                                      iban: IBAN.makeItalian(abi: "03069", cab: "12117", account: "100000000001").value, province: "PD")
        s.schoolYears = [SchoolYear(id: "Y", startDate: d("2026-09-14"), endDate: d("2027-06-09"),
                                    closures: [.init(from: d("2026-10-16"), to: d("2026-10-16"), reason: "Patrono")])]
        s.sites = [Site(id: "S1", name: "Scuola", address: ""), Site(id: "N", name: "Nido", address: "")]
        s.classes = [SchoolClass(id: "C1", siteId: "S1", yearId: "Y", name: "1A", teachers: [])]
        let start = d("2026-10-01"), end = d("2027-06-04")
        s.services = [
            Service(id: "MENSA-S", kind: .canteen, name: "Mensa (lettura)", billingMode: .postpaid, chargeBasis: .scan, yearId: "Y",
                    startDate: start, endDate: end, weekdays: [1, 2, 3, 4, 5], siteIds: ["S1"], cutoff: nil),
            Service(id: "MENSA-R", kind: .canteen, name: "Mensa (registro)", billingMode: .postpaid, chargeBasis: .register, yearId: "Y",
                    startDate: start, endDate: end, weekdays: [1, 2, 3, 4, 5], siteIds: ["S1"], cutoff: LocalTime(hour: 9, minute: 30)),
            Service(id: "MENSA-P", kind: .canteen, name: "Mensa prepagata", billingMode: .prepaid, chargeBasis: .scan, yearId: "Y",
                    startDate: start, endDate: end, weekdays: [1, 2, 3, 4, 5], siteIds: ["S1"], cutoff: nil),
            Service(id: "NIDO", kind: .nursery, name: "Nido", billingMode: .postpaid, chargeBasis: .enrollment, yearId: "Y",
                    startDate: start, endDate: end, weekdays: [1, 2, 3, 4, 5], siteIds: ["N"], cutoff: nil),
        ]
        let m = { (c: Int64) in Money(cents: c) }
        let mealBands: [Tariff.Band] = [.init(upTo: m(500_000), price: m(200)), .init(upTo: nil, price: m(500))]
        s.tariffs = [
            Tariff(id: "T-S", serviceId: "MENSA-S", name: "Pasto", unit: .meal, validFrom: d("2026-09-01"), validTo: nil, bands: mealBands,
                   priceWithoutIsee: m(500), nonResidentPrice: m(600), secondSiblingDiscountPercent: 20, thirdSiblingDiscountPercent: 50,
                   monthlyMinimum: nil, monthlyMaximum: m(3000), proRata: false),
            Tariff(id: "T-R", serviceId: "MENSA-R", name: "Pasto", unit: .meal, validFrom: d("2026-09-01"), validTo: nil, bands: mealBands,
                   priceWithoutIsee: m(500), nonResidentPrice: m(600), secondSiblingDiscountPercent: 20, thirdSiblingDiscountPercent: 50,
                   monthlyMinimum: nil, monthlyMaximum: nil, proRata: false),
            Tariff(id: "T-P", serviceId: "MENSA-P", name: "Pasto", unit: .meal, validFrom: d("2026-09-01"), validTo: nil,
                   bands: [.init(upTo: nil, price: m(500))], priceWithoutIsee: m(500), nonResidentPrice: nil,
                   secondSiblingDiscountPercent: 0, thirdSiblingDiscountPercent: 0, monthlyMinimum: nil, monthlyMaximum: nil, proRata: false),
            Tariff(id: "T-N", serviceId: "NIDO", name: "Retta", unit: .month, validFrom: d("2026-09-01"), validTo: nil,
                   bands: [.init(upTo: m(1_000_000), price: m(20_000)), .init(upTo: nil, price: m(40_000))], priceWithoutIsee: m(40_000),
                   nonResidentPrice: nil, secondSiblingDiscountPercent: 0, thirdSiblingDiscountPercent: 0, monthlyMinimum: nil,
                   monthlyMaximum: nil, proRata: true),
        ]
        func payer(_ id: String, _ surname: String, isee: Isee?, resident: Bool = true, threshold: Int64? = nil) -> Payer {
            let cf = CodiceFiscale.make(surname: surname, givenName: "Anna", birthDate: d("1985-03-0\(id.count)"), sex: .female,
                                        birthplaceCode: "G224").value
            return Payer(id: id, fiscalCode: cf, surname: surname, givenName: "Anna", email: "\(id.lowercased())@posta.example",
                         mobile: "+393990000\(id.count)00", pec: nil, address: nil, resident: resident, isee: isee, notifyByEmail: true,
                         notifyBySMS: true, lowBalanceThreshold: threshold.map(m))
        }
        s.payers = [
            payer("PA", "Alfa", isee: Isee(value: m(400_000), filedOn: d("2026-09-10"), expiresOn: d("2026-12-31"))),
            payer("PB", "Beta", isee: nil, threshold: 1000),
            payer("PC", "Gamma", isee: Isee(value: m(400_000), filedOn: d("2026-10-20"), expiresOn: d("2026-12-31"))),
            payer("PD", "Delta", isee: nil, resident: false),
        ]
        func child(_ id: String, _ surname: String, _ given: String, _ birth: String, _ payer: String, cls: String? = "C1") -> Beneficiary {
            let cf = CodiceFiscale.make(surname: surname, givenName: given, birthDate: d(birth), sex: .male, birthplaceCode: "G224").value
            return Beneficiary(id: id, fiscalCode: cf, surname: surname, givenName: given, birthDate: d(birth), classId: cls,
                               payers: [.init(payerId: payer, primary: true)])
        }
        s.beneficiaries = [
            child("A1", "Alfa", "Primo", "2017-01-10", "PA"), child("A2", "Alfa", "Secondo", "2018-02-10", "PA"),
            child("A3", "Alfa", "Terzo", "2019-03-10", "PA"), child("B1", "Beta", "Bruno", "2018-05-05", "PB"),
            child("C1", "Gamma", "Carlo", "2018-06-06", "PC"), child("D1", "Delta", "Dario", "2018-07-07", "PD"),
            child("N1", "Beta", "Nino", "2025-01-01", "PB", cls: nil), child("P1", "Beta", "Pietro", "2017-08-08", "PB"),
            child("E1", "Delta", "Enzo", "2017-09-09", "PD"),
        ]
        func enroll(_ id: String, _ b: String, _ service: String, site: String = "S1", from: String = "2026-10-01", exempt: Int = 0) -> Enrollment {
            Enrollment(id: id, beneficiaryId: b, serviceId: service, siteId: site, dietId: nil, routeId: nil, outboundStopId: nil,
                       returnStopId: nil, tariffId: nil, startDate: d(from), endDate: nil, exemptionPercent: exempt)
        }
        s.enrollments = [
            enroll("E1", "A1", "MENSA-S"), enroll("E2", "A2", "MENSA-S"), enroll("E3", "A3", "MENSA-S"), enroll("E4", "B1", "MENSA-R"),
            enroll("E5", "C1", "MENSA-S"), enroll("E6", "D1", "MENSA-S"), enroll("E7", "N1", "NIDO", site: "N", from: "2026-10-12"),
            enroll("E8", "P1", "MENSA-P"), enroll("E9", "E1", "MENSA-S", exempt: 100),
        ]
        s.cards = []
        return s
    }

    /// `customize` changes the master data before it is imported (a payer more, a service with another basis).
    init(customize: (inout MasterDataSet) -> Void = { _ in }) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-billing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let xml = dir.appendingPathComponent("comune.xml")
        var data = Self.data()
        customize(&data)
        self.data = data
        try Data(ExchangeXMLWriter.write(data).utf8).write(to: xml)
        queue = try ServerDatabase.open(path: dir.appendingPathComponent("db.sqlite").path)
        _ = try MasterDataImporter.run(queue, paths: [xml.path])
    }

    /// The master data as imported last.
    private(set) var data: MasterDataSet

    /// Imports the master data again with `change` applied, as the office does when a family's details change.
    func reimport(_ change: (inout MasterDataSet) -> Void) throws {
        change(&data)
        let xml = dir.appendingPathComponent("comune-\(UUID().uuidString).xml")
        try Data(ExchangeXMLWriter.write(data).utf8).write(to: xml)
        _ = try MasterDataImporter.run(queue, paths: [xml.path])
    }

    deinit {
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Merges ops as the server would (the merge, not the HTTP layer).
    func merge(_ ops: [Op]) throws {
        try queue.write { db in
            let incoming = try ops.map { MergeEngine.Incoming(op: $0, json: String(decoding: try WireCoding.encode($0), as: UTF8.self), keys: []) }
            _ = try MergeEngine.merge(db, incoming, receivedMs: 0, now: Self.now)
        }
    }

    func op(_ date: String, _ body: OpBody, device: String = "DEV", minute: Int = 0) -> Op {
        seq += 1
        let ms = Int64(BusinessCalendar.instant(date: Self.d(date), time: LocalTime(hour: 12, minute: minute)!).timeIntervalSince1970 * 1000) + seq
        return Op(id: "op-\(device)-\(seq)", deviceId: device, instance: "i", seq: seq, hlc: HLCTimestamp(milliseconds: ms, counter: 0),
                  wallTimeMs: ms, businessDate: Self.d(date), body: body)
    }

    func meal(_ child: String, _ date: String, service: String = "MENSA-S", device: String = "DEV") -> Op {
        op(date, .mealScanned(Meal(beneficiaryId: child, serviceId: service, siteId: "S1", cardId: nil, reason: nil)), device: device)
    }

    func mark(_ child: String, _ date: String, _ status: AttendanceStatus, at time: String? = nil) -> Op {
        op(date, .attendanceMarked(AttendanceMarked(beneficiaryId: child, classId: "C1", status: status, time: time.flatMap { LocalTime($0) })))
    }

    /// The ops of the golden October.
    func goldenOctober() -> [Op] {
        [
            meal("A1", "2026-10-05"), meal("A1", "2026-10-06"), meal("A1", "2026-10-07"),
            meal("A1", "2026-10-16"),  // closed: not billed
            meal("A2", "2026-10-05"), meal("A2", "2026-10-06"), meal("A3", "2026-10-05"),
            meal("C1", "2026-10-05"), meal("D1", "2026-10-05"), meal("E1", "2026-10-05"),
            mark("B1", "2026-10-05", .absent), mark("B1", "2026-10-06", .earlyExit, at: "11:00"),
            mark("B1", "2026-10-07", .earlyExit, at: "09:00"), mark("B1", "2026-10-08", .lateEntry, at: "10:00"),
            mark("B1", "2026-10-09", .lateEntry, at: "09:15"),
        ]
    }

    /// Payer PE (Epsilon, no ISEE) with F1 on the scanned canteen MENSA-S and G1 on MENSA-B, a postpaid canteen
    /// whose basis is both the register (cut-off 09:30) and the scans; €5.00 a meal for both.
    static func withEpsilon(_ s: inout MasterDataSet) {
        s.services.append(Service(id: "MENSA-B", kind: .canteen, name: "Mensa (registro e lettura)", billingMode: .postpaid,
                                  chargeBasis: .both, yearId: "Y", startDate: d("2026-10-01"), endDate: d("2027-06-04"),
                                  weekdays: [1, 2, 3, 4, 5], siteIds: ["S1"], cutoff: LocalTime(hour: 9, minute: 30)))
        s.tariffs.append(Tariff(id: "T-B", serviceId: "MENSA-B", name: "Pasto", unit: .meal, validFrom: d("2026-09-01"), validTo: nil,
                                bands: [.init(upTo: nil, price: Money(cents: 500))], priceWithoutIsee: Money(cents: 500), nonResidentPrice: nil,
                                secondSiblingDiscountPercent: 0, thirdSiblingDiscountPercent: 0, monthlyMinimum: nil, monthlyMaximum: nil,
                                proRata: false))
        s.payers.append(Payer(id: "PE", fiscalCode: CodiceFiscale.make(surname: "Epsilon", givenName: "Anna", birthDate: d("1985-03-05"),
                                                                       sex: .female, birthplaceCode: "G224").value,
                              surname: "Epsilon", givenName: "Anna", email: "pe@posta.example", mobile: "+393990000500", pec: nil, address: nil,
                              resident: true, isee: nil, notifyByEmail: true, notifyBySMS: false, lowBalanceThreshold: nil))
        for (id, given, birth) in [("F1", "Fabio", "2018-01-01"), ("G1", "Gino", "2017-01-01")] {
            s.beneficiaries.append(Beneficiary(
                id: id, fiscalCode: CodiceFiscale.make(surname: "Epsilon", givenName: given, birthDate: d(birth), sex: .male, birthplaceCode: "G224").value,
                surname: "Epsilon", givenName: given, birthDate: d(birth), classId: "C1", payers: [.init(payerId: "PE", primary: true)]))
        }
        for (id, child, service) in [("EF1", "F1", "MENSA-S"), ("EG1", "G1", "MENSA-B")] {
            s.enrollments.append(Enrollment(id: id, beneficiaryId: child, serviceId: service, siteId: "S1", dietId: nil, routeId: nil,
                                            outboundStopId: nil, returnStopId: nil, tariffId: nil, startDate: d("2026-10-01"), endDate: nil,
                                            exemptionPercent: 0))
        }
    }

    func run(_ period: BillingPeriod) throws -> BillingRun.Report {
        try queue.write { try BillingRun.run($0, period: period, actor: "test", now: Self.now) }
    }

    /// Issues at `now` (20 November): November is still running, so issuing it needs `beforeMonthEnd`.
    func issue(_ period: BillingPeriod, payer: String? = nil, beforeMonthEnd: Bool = false) throws {
        _ = try queue.write { db in
            try StatementDesk.issue(db, period: period, payer: payer, dueDate: nil, beforeMonthEnd: beforeMonthEnd, actor: "test", now: Self.now)
        }
    }

    /// What all the statements of all periods billed, together, for one fact.
    func billed(_ key: String) throws -> Int64 {
        try queue.read { try $0.scalar("SELECT COALESCE(SUM(amount_cents), 0) FROM statement_line WHERE charge_key = ?", [key]) ?? 0 }
    }

    func statement(_ payer: String, _ period: BillingPeriod) throws -> StatementDesk.Statement {
        try queue.read { db in try StatementDesk.statement(db, id: try StatementDesk.find(db, payer: payer, period: period)) }
    }
}
