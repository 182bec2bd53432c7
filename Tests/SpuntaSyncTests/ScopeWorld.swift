import SpuntaDomain
import SpuntaExchange

/// A small Comune built by hand for the push checks, so that every case reads plainly: two schools (S1 with
/// classes C1 and C2, S2 with class D1) and a third with no class (S3), a canteen served at both (MENSA, €5.00 a
/// meal) and a second canteen service at S1 (MENSA-BIS), pre-school at S1, a bus service charged per ride (BUS,
/// €1.00) on routes L1 (one school, not described) and L2 (a line serving two schools, S1 and S2, each with its
/// stop), and one child for each way a child can be outside a device's reach.
///
/// School year 14/09/2026 – 09/06/2027; every enrollment starts on the first day of it, so 07/09/2026 is a day
/// on which every child is enrolled "only on another date".
enum ScopeWorld {
    static func d(_ text: String) -> LocalDate {
        guard let date = LocalDate(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    static let yearStart = d("2026-09-14")
    static let yearEnd = d("2027-06-09")
    /// A Monday of the school year.
    static let schoolDay = d("2026-10-05")
    /// A Monday a week before the school year starts.
    static let beforeTheYear = d("2026-09-07")

    /// In class C1 (S1), canteen MENSA at S1, bus L1.
    static let own = "K1"
    /// In class C2 (S1), canteen MENSA at S1, bus L2.
    static let classmateElsewhere = "K2"
    /// In class D1 (S2), canteen MENSA at S2, bus L2.
    static let otherSchool = "K3"
    /// In no class, enrolled in nothing.
    static let nobody = "K4"
    /// In class C1, enrolled only in pre-school at S1 (no meal service).
    static let preSchoolOnly = "K5"
    /// In class C1, canteen MENSA at S1 until 30/09/2026 only.
    static let leftInSeptember = "K6"
    /// In class C1 only from `joinsClassOn` (a child who starts mid-year), though enrolled in canteen MENSA at S1
    /// and on bus L1 from the first day of the year: the register is not hers before that day, the meals and the
    /// rides are.
    static let joinsLater = "K7"
    static let joinsClassOn = d("2026-11-16")

    static func data() -> MasterDataSet {
        var s = MasterDataSet()
        s.municipality = Municipality(
            name: "Comune di Prova", fiscalCode: EnteFiscalCode.make(base: "8000000028").value, segregationCode: "07",
            iban: IBAN.makeItalian(abi: "03069", cab: "12117", account: "100000000001").value, province: "PD"
        )
        s.schoolYears = [SchoolYear(id: "Y", startDate: yearStart, endDate: yearEnd, closures: [])]
        s.sites = [Site(id: "S1", name: "Scuola Uno", address: "Via Uno 1"), Site(id: "S2", name: "Scuola Due", address: "Via Due 2"),
                   Site(id: "S3", name: "Scuola Tre", address: "Via Tre 3")]
        s.classes = [
            SchoolClass(id: "C1", siteId: "S1", yearId: "Y", name: "1A", teachers: []),
            SchoolClass(id: "C2", siteId: "S1", yearId: "Y", name: "1B", teachers: []),
            SchoolClass(id: "D1", siteId: "S2", yearId: "Y", name: "1A", teachers: []),
        ]
        func service(_ id: String, _ kind: Service.Kind, _ basis: Service.ChargeBasis, sites: [String]) -> Service {
            Service(id: id, kind: kind, name: id, billingMode: .postpaid, chargeBasis: basis, yearId: "Y", startDate: yearStart,
                    endDate: yearEnd, weekdays: [1, 2, 3, 4, 5], siteIds: sites, cutoff: nil)
        }
        s.services = [
            service("MENSA", .canteen, .scan, sites: ["S1", "S2"]),
            service("MENSA-BIS", .canteen, .scan, sites: ["S1"]),
            service("PRESCUOLA", .preSchool, .enrollment, sites: ["S1"]),
            service("BUS", .transport, .scan, sites: []),
        ]
        func tariff(_ service: String, _ unit: Tariff.Unit, cents: Int64) -> Tariff {
            Tariff(id: "T-\(service)", serviceId: service, name: service, unit: unit, validFrom: d("2026-09-01"), validTo: nil,
                   bands: [.init(upTo: nil, price: Money(cents: cents))], priceWithoutIsee: Money(cents: cents), nonResidentPrice: nil,
                   secondSiblingDiscountPercent: 0, thirdSiblingDiscountPercent: 0, monthlyMinimum: nil, monthlyMaximum: nil,
                   proRata: false)
        }
        s.tariffs = [tariff("MENSA", .meal, cents: 500), tariff("MENSA-BIS", .meal, cents: 500), tariff("PRESCUOLA", .month, cents: 2000),
                     tariff("BUS", .ride, cents: 100)]
        func stop(_ id: String, _ minutes: Int) -> Stop {
            Stop(id: id, name: "Fermata \(id)", outboundTime: LocalTime(hour: 7, minute: minutes)!, returnTime: LocalTime(hour: 16, minute: 60 - minutes)!)
        }
        s.routes = [
            Route(id: "L1", serviceId: "BUS", name: "Linea 1", stops: [stop("L1-01", 10), stop("L1-02", 20)]),
            Route(id: "L2", serviceId: "BUS", name: "Linea 2", stops: [stop("L2-01", 15), stop("L2-02", 30), stop("L2-03", 40)],
                  schools: [RouteSchool(siteId: "S1", stopId: "L2-02", arrival: LocalTime(hour: 7, minute: 50)!, returnTime: LocalTime(hour: 16, minute: 0)!),
                            RouteSchool(siteId: "S2", stopId: "L2-03", arrival: LocalTime(hour: 7, minute: 55)!, returnTime: LocalTime(hour: 16, minute: 10)!)]),
        ]
        s.payers = [Payer(
            id: "P1", fiscalCode: CodiceFiscale.make(surname: "Rossi", givenName: "Anna", birthDate: d("1985-03-01"), sex: .female,
                                                     birthplaceCode: "G224").value,
            surname: "Rossi", givenName: "Anna", email: "p1@posta.example", mobile: nil, pec: nil, address: nil, resident: true, isee: nil,
            notifyByEmail: true, notifyBySMS: false, lowBalanceThreshold: nil
        )]
        let names = [own: "Primo", classmateElsewhere: "Secondo", otherSchool: "Terzo", nobody: "Quarto", preSchoolOnly: "Quinto",
                     leftInSeptember: "Sesto", joinsLater: "Settimo"]
        let classes = [own: "C1", classmateElsewhere: "C2", otherSchool: "D1", preSchoolOnly: "C1", leftInSeptember: "C1", joinsLater: "C1"]
        for (index, id) in names.keys.sorted().enumerated() {
            let birth = d("2018-0\(index + 1)-10")
            let given = names[id] ?? id
            s.beneficiaries.append(Beneficiary(
                id: id, fiscalCode: CodiceFiscale.make(surname: "Rossi", givenName: given, birthDate: birth, sex: .male, birthplaceCode: "G224").value,
                surname: "Rossi", givenName: given, birthDate: birth, classId: classes[id], payers: [.init(payerId: "P1", primary: true)],
                classFrom: id == joinsLater ? joinsClassOn : nil
            ))
        }
        var count = 0
        func enroll(_ child: String, _ service: String, site: String? = nil, route: String? = nil, until end: String? = nil) {
            count += 1
            s.enrollments.append(Enrollment(
                id: "E\(count)", beneficiaryId: child, serviceId: service, siteId: site, dietId: nil, routeId: route,
                outboundStopId: route.map { "\($0)-01" }, returnStopId: route.map { "\($0)-01" }, tariffId: nil, startDate: yearStart,
                endDate: end.map(d), exemptionPercent: 0
            ))
        }
        enroll(own, "MENSA", site: "S1")
        enroll(own, "BUS", route: "L1")
        enroll(classmateElsewhere, "MENSA", site: "S1")
        enroll(classmateElsewhere, "BUS", route: "L2")
        enroll(otherSchool, "MENSA", site: "S2")
        enroll(otherSchool, "BUS", route: "L2")
        enroll(preSchoolOnly, "PRESCUOLA", site: "S1")
        enroll(leftInSeptember, "MENSA", site: "S1", until: "2026-09-30")
        enroll(joinsLater, "MENSA", site: "S1")
        enroll(joinsLater, "BUS", route: "L1")
        return s
    }
}
