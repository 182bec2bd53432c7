import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaStore
import SpuntaTestSupport

/// Tariff options within one service and the nursery's structures, billed on the small Comune's October: 22
/// weekdays, the patron's day (Friday 16) closed, 21 service days. The nursery NIDO (site N) has the options
/// `tempo-pieno` (T-N: €400.00 a month without ISEE, pro rata) and `part-time` (T-NPT: €250.00 a month, 2nd and 3rd
/// child −30%, pro rata); the payer PC has no ISEE in force in October (filed on the 20th: from November).
private func d(_ text: String) -> LocalDate { SmallComune.d(text) }
private func m(_ cents: Int64) -> Money { Money(cents: cents) }

@Suite("Tariff options and nursery structures in billing")
struct TariffOptionBillingTests {

    /// NIDO with its two options and their tariffs; N1 (enrolled from the 12th) full time.
    static func withOptions(_ s: inout MasterDataSet) {
        guard let nido = s.services.firstIndex(where: { $0.id == "NIDO" }), let full = s.tariffs.firstIndex(where: { $0.id == "T-N" }),
              let n1 = s.enrollments.firstIndex(where: { $0.id == "E7" }) else { return }
        s.services[nido].options = [Service.Option(id: "tempo-pieno", name: "Tempo pieno"), Service.Option(id: "part-time", name: "Part-time")]
        s.tariffs[full].optionId = "tempo-pieno"
        s.tariffs.append(Tariff(id: "T-NPT", serviceId: "NIDO", name: "Retta part-time", unit: .month, validFrom: d("2026-09-01"), validTo: nil,
                                bands: [.init(upTo: nil, price: m(25_000))], priceWithoutIsee: m(25_000), nonResidentPrice: nil,
                                secondSiblingDiscountPercent: 30, thirdSiblingDiscountPercent: 30, monthlyMinimum: nil, monthlyMaximum: nil,
                                proRata: true, optionId: "part-time"))
        s.enrollments[n1].optionId = "tempo-pieno"
    }

    /// A child of PC (born `birth`, in class C1 for its register marks) in the nursery from 1 October on `option`.
    static func nurseryChild(_ s: inout MasterDataSet, _ id: String, _ given: String, birth: String = "2025-03-03", option: String,
                             changes: [Enrollment.OptionChange] = []) {
        s.beneficiaries.append(Beneficiary(
            id: id, fiscalCode: CodiceFiscale.make(surname: "Gamma", givenName: given, birthDate: d(birth), sex: .male, birthplaceCode: "G224").value,
            surname: "Gamma", givenName: given, birthDate: d(birth), classId: "C1", payers: [.init(payerId: "PC", primary: true)]))
        s.enrollments.append(Enrollment(id: "E-\(id)", beneficiaryId: id, serviceId: "NIDO", siteId: "N", dietId: nil, routeId: nil,
                                        outboundStopId: nil, returnStopId: nil, tariffId: nil, startDate: d("2026-10-01"), endDate: nil,
                                        exemptionPercent: 0, optionId: option, optionChanges: changes))
    }

    static func october(_ comune: SmallComune) throws -> [Charge] {
        var notes = ChargeCalculator.Notes()
        let charges = try comune.queue.write { db in
            try ChargeCalculator(db).charges(for: SmallComune.october, notes: &notes, raiseConflicts: false, now: SmallComune.now)
        }
        #expect(notes.notBilled.isEmpty, "\(notes.notBilled)")
        return charges
    }

    /// (switch day, cents of the full-time line, of the part-time line, the part-time line's days).
    ///
    /// By hand: from the 19th the part time has 19–23 and 26–30 = 10 service days, the full time the 11 before
    /// (1, 2, 5–9, 12–15; the 16th closed): €400.00 × 11/21 = €209.5238 → €209.52, €250.00 × 10/21 = €119.0476 →
    /// €119.05. From the 5th: full time 2 days, €400.00 × 2/21 = €38.0952 → €38.10; part time 19 days, €250.00 ×
    /// 19/21 = €226.1905 → €226.19. A switch on the closed 16th gives the same days as one on the 19th.
    static let switches: [(String, Int64, Int64, String)] = [
        ("2026-10-19", 20_952, 11_905, "10/21"),
        ("2026-10-05", 3_810, 22_619, "19/21"),
        ("2026-10-16", 20_952, 11_905, "10/21"),
    ]

    @Test("a mid-month switch of option bills each option pro rata by the service days it was in force", arguments: switches)
    func midMonthSwitch(_ c: (String, Int64, Int64, String)) throws {
        let (day, fullCents, partCents, partDays) = c
        let comune = try SmallComune { s in
            Self.withOptions(&s)
            Self.nurseryChild(&s, "K1", "Kevin", option: "tempo-pieno", changes: [.init(from: d(day), optionId: "part-time")])
        }
        let lines = try Self.october(comune).filter { $0.beneficiaryId == "K1" }
        #expect(lines.count == 2)
        let full = try #require(lines.first { $0.key == "month|K1|NIDO|2026-10" })
        let part = try #require(lines.first { $0.key == "month|K1|NIDO|2026-10|\(day)" })
        #expect(full.amount.cents == fullCents)
        #expect(part.amount.cents == partCents)
        #expect(full.description.contains("opzione «Tempo pieno» dal 01/10/2026"))
        #expect(part.description.contains("opzione «Part-time» dal \(d(day).italian) al 31/10/2026"))
        #expect(part.description.contains("\(partDays) giorni del mese"))
    }

    /// (option of the first twin, of the second, cents of each). Twins born the same day rank by id: K1 first.
    ///
    /// By hand: the second child gets the discount of its own option's tariff — part time €250.00 − 30% = €175.00;
    /// full time: T-N has no sibling discount, €400.00. The first pays full: €400.00 or €250.00.
    static let twins: [(String, String, Int64, Int64)] = [
        ("tempo-pieno", "part-time", 40_000, 17_500),
        ("part-time", "part-time", 25_000, 17_500),
        ("part-time", "tempo-pieno", 25_000, 40_000),
    ]

    @Test("twins in two options of the nursery are siblings: the second gets its option's sibling discount", arguments: twins)
    func twinsInTwoOptions(_ c: (String, String, Int64, Int64)) throws {
        let (first, second, firstCents, secondCents) = c
        let comune = try SmallComune { s in
            Self.withOptions(&s)
            Self.nurseryChild(&s, "K1", "Kevin", option: first)
            Self.nurseryChild(&s, "K2", "Kilian", option: second)
        }
        let charges = try Self.october(comune)
        let k1 = try #require(charges.first { $0.beneficiaryId == "K1" })
        let k2 = try #require(charges.first { $0.beneficiaryId == "K2" })
        #expect(k1.amount.cents == firstCents)
        #expect(k2.amount.cents == secondCents)
        #expect(k2.description.contains("2° figlio") == (second == "part-time"))
    }

    @Test("a fixed monthly part plus a daily part for each day the register or a meal shows the child there")
    func fixedAndDaily() throws {
        let comune = try SmallComune { s in
            Self.withOptions(&s)
            if let part = s.tariffs.firstIndex(where: { $0.id == "T-NPT" }) { s.tariffs[part].dailyPrice = m(350) }
            Self.nurseryChild(&s, "K1", "Kevin", option: "part-time")
        }
        // Present on the 5th and 6th, in late on the 7th, absent on the 8th, out early on the 9th, a meal on the
        // 12th with no mark, present on the closed 16th: 5 days attended (5, 6, 7, 9, 12), the 8th and 16th not.
        try comune.merge([
            comune.mark("K1", "2026-10-05", .present), comune.mark("K1", "2026-10-06", .present),
            comune.mark("K1", "2026-10-07", .lateEntry, at: "10:00"), comune.mark("K1", "2026-10-08", .absent),
            comune.mark("K1", "2026-10-09", .earlyExit, at: "11:00"), comune.meal("K1", "2026-10-12", service: "NIDO"),
            comune.mark("K1", "2026-10-16", .present),
        ])
        var notes = ChargeCalculator.Notes()
        let lines = try comune.queue.write { db in
            try ChargeCalculator(db).charges(for: SmallComune.october, notes: &notes, raiseConflicts: false, now: SmallComune.now)
        }.filter { $0.beneficiaryId == "K1" }
        // By hand: €250.00 + 5 × €3.50 = €267.50.
        let fixed = try #require(lines.first { $0.key == "month|K1|NIDO|2026-10" })
        #expect(fixed.amount.cents == 25_000)
        let days = lines.filter { $0.key.hasPrefix("day|") }
        #expect(days.compactMap(\.date) == ["2026-10-05", "2026-10-06", "2026-10-07", "2026-10-09", "2026-10-12"].map(d))
        #expect(days.allSatisfy { $0.amount.cents == 350 && $0.description.contains("quota giornaliera") })
        #expect(lines.reduce(0) { $0 + $1.amount.cents } == 26_750)
    }

    /// (periods recorded as from…to, voided, percent, cents of the reduction line or nil for none).
    ///
    /// By hand, €400.00 full time and 21 service days: 5–9 October (5 calendar days, 5 service days) at 50%:
    /// €400.00 × 50 × 5 ÷ (100 × 21) = €47.619 → −€47.62; 5–8 October is 4 days, under the 5 that count: none;
    /// 14–20 October (7 days, the closed 16th and a weekend inside) covers 14, 15, 19, 20: €400.00 × 50 × 4 ÷ 2100 =
    /// €38.095 → −€38.10; at 30% €400.00 × 30 × 5 ÷ 2100 = €28.571 → −€28.57; a voided period reduces nothing.
    static let illnesses: [([(String, String)], Bool, Int, Int64?)] = [
        ([("2026-10-05", "2026-10-09")], false, 50, -4_762),
        ([("2026-10-05", "2026-10-08")], false, 50, nil),
        ([("2026-10-14", "2026-10-20")], false, 50, -3_810),
        ([("2026-10-05", "2026-10-09")], false, 30, -2_857),
        ([("2026-10-05", "2026-10-09")], true, 50, nil),
    ]

    @Test("a documented absence of at least N consecutive days reduces the fixed part for the service days it covers", arguments: illnesses)
    func longIllness(_ c: ([(String, String)], Bool, Int, Int64?)) throws {
        let (periods, voided, percent, cents) = c
        let comune = try SmallComune { s in
            Self.withOptions(&s)
            if let full = s.tariffs.firstIndex(where: { $0.id == "T-N" }) { s.tariffs[full].illnessReductionPercent = percent }
            Self.nurseryChild(&s, "K1", "Kevin", option: "tempo-pieno")
        }
        let ops = periods.map { comune.op("2026-10-02", .absencePeriodRecorded(AbsencePeriod(
            beneficiaryId: "K1", classId: "C1", fromDate: d($0.0), toDate: d($0.1), reason: "bronchite, certificato medico"))) }
        try comune.merge(ops)
        if voided, let first = ops.first {
            try comune.merge([comune.op("2026-10-02", .void(VoidOp(targetOpId: first.id, reason: "registrato per errore")))])
        }
        let lines = try Self.october(comune).filter { $0.beneficiaryId == "K1" }
        #expect(lines.first { $0.key == "month|K1|NIDO|2026-10" }?.amount.cents == 40_000)
        let reduction = lines.first { $0.key.hasPrefix("illness|") }
        #expect(reduction?.amount.cents == cents)
        if let reduction {
            #expect(reduction.description.contains("Riduzione per malattia lunga"))
            #expect(reduction.description.contains("bronchite, certificato medico"))
            #expect(reduction.description.contains("−\(percent)%"))
            #expect(reduction.sourceOps == [ops[0].id])
        }
    }

    /// (closure: services, sites, from, to; percent; cents of the fixed line; of the reduction line or nil).
    ///
    /// By hand, €400.00 full time: a closure of the nursery on Tuesday 20 October takes the day from the month
    /// (20 service days, the child enrolled all of them: €400.00 whole) and, at 100%, €400.00 × 1 ÷ 21 days planned =
    /// €19.048 → −€19.05; at 50%, €9.524 → −€9.52. The nursery's site closed 20–21: 2 of 21, €38.095 → −€38.10. A
    /// closure of the whole Comune is the school calendar: no reduction; one of the school's site S1 does not close
    /// the nursery.
    static let closures: [([String], [String], String, String, Int, Int64, Int64?)] = [
        (["NIDO"], [], "2026-10-20", "2026-10-20", 100, 40_000, -1_905),
        (["NIDO"], [], "2026-10-20", "2026-10-20", 50, 40_000, -952),
        ([], ["N"], "2026-10-20", "2026-10-21", 100, 40_000, -3_810),
        ([], [], "2026-10-20", "2026-10-20", 100, 40_000, nil),
        ([], ["S1"], "2026-10-20", "2026-10-20", 100, 40_000, nil),
    ]

    @Test("the Comune's own closure of the nursery reduces the fixed part pro rata; the school calendar does not", arguments: closures)
    func comuneClosure(_ c: ([String], [String], String, String, Int, Int64, Int64?)) throws {
        let (services, sites, from, to, percent, fixedCents, cents) = c
        let comune = try SmallComune { s in
            Self.withOptions(&s)
            if let full = s.tariffs.firstIndex(where: { $0.id == "T-N" }) { s.tariffs[full].closureReductionPercent = percent }
            s.schoolYears[0].closures.append(.init(from: d(from), to: d(to), reason: "Lavori all'impianto di riscaldamento",
                                                   serviceIds: services, siteIds: sites))
            Self.nurseryChild(&s, "K1", "Kevin", option: "tempo-pieno")
        }
        let lines = try Self.october(comune).filter { $0.beneficiaryId == "K1" }
        #expect(lines.first { $0.key == "month|K1|NIDO|2026-10" }?.amount.cents == fixedCents)
        let reduction = lines.first { $0.key.hasPrefix("closure|") }
        #expect(reduction?.amount.cents == cents)
        if let reduction {
            #expect(reduction.description.contains("Lavori all'impianto di riscaldamento"))
            #expect(reduction.description.contains("su 21 di servizio previsti"))
        }
    }

    /// The canteens MENSA-S (scans) and MENSA-R (register, cut-off 09:30) with the options `5-giorni` (the
    /// service's tariff, €5.00 without ISEE) and `3-giorni` on Monday, Wednesday and Friday (its own tariff, €4.50).
    static func withCanteenOptions(_ s: inout MasterDataSet) {
        for index in s.services.indices where ["MENSA-S", "MENSA-R"].contains(s.services[index].id) {
            s.services[index].options = [Service.Option(id: "5-giorni", name: "5 giorni"), Service.Option(id: "3-giorni", name: "3 giorni", weekdays: [1, 3, 5])]
            let service = s.services[index].id
            s.tariffs.append(Tariff(id: "T3-\(service)", serviceId: service, name: "Pasto 3 giorni", unit: .meal, validFrom: d("2026-09-01"),
                                    validTo: nil, bands: [.init(upTo: nil, price: m(450))], priceWithoutIsee: m(450), nonResidentPrice: nil,
                                    secondSiblingDiscountPercent: 0, thirdSiblingDiscountPercent: 0, monthlyMinimum: nil, monthlyMaximum: nil,
                                    proRata: false, optionId: "3-giorni"))
        }
    }

    /// (enrollment, option, changes, meals scanned, meals charged, cents, meals charged as a meal more).
    ///
    /// By hand. B1 on MENSA-R (register, no mark: every meal of its days booked): Mondays, Wednesdays and Fridays
    /// of October are 2, 5, 7, 9, 12, 14, 19, 21, 23, 26, 28, 30 (the 16th closed) = 12 × €4.50 = €54.00. Switched
    /// to 5 days from the 19th: 2, 5, 7, 9, 12, 14 = 6 × €4.50 = €27.00, then 19–23 and 26–30 = 10 × €5.00 = €50.00:
    /// €77.00. C1 on MENSA-S (scans): scanned Monday 5, Tuesday 6, Wednesday 7: three meals at €4.50 = €13.50, the
    /// Tuesday's a meal more outside the option's days.
    static let canteens: [(String, String, [Enrollment.OptionChange], [String], Int, Int64, Int)] = [
        ("E4", "3-giorni", [], [], 12, 5_400, 0),
        ("E4", "3-giorni", [.init(from: d("2026-10-19"), optionId: "5-giorni")], [], 16, 7_700, 0),
        ("E5", "3-giorni", [], ["2026-10-05", "2026-10-06", "2026-10-07"], 3, 1_350, 1),
    ]

    @Test("a three-day canteen option books meals on its days only; a meal scanned on another day is charged as a meal more", arguments: canteens)
    func threeDayCanteen(_ c: (String, String, [Enrollment.OptionChange], [String], Int, Int64, Int)) throws {
        let (enrollmentID, option, changes, scans, count, cents, extra) = c
        let comune = try SmallComune { s in
            Self.withCanteenOptions(&s)
            if let e = s.enrollments.firstIndex(where: { $0.id == enrollmentID }) {
                s.enrollments[e].optionId = option
                s.enrollments[e].optionChanges = changes
            }
        }
        let enrollment = try #require(comune.data.enrollments.first { $0.id == enrollmentID })
        try comune.merge(scans.map { comune.meal(enrollment.beneficiaryId, $0) })
        let meals = try Self.october(comune).filter { $0.beneficiaryId == enrollment.beneficiaryId && $0.serviceId == enrollment.serviceId && $0.kind == .charge }
        #expect(meals.count == count)
        #expect(meals.reduce(0) { $0 + $1.amount.cents } == cents)
        #expect(meals.filter { $0.description.contains("in più, fuori dai giorni dell'opzione «3 giorni»") }.count == extra)
    }

    @Test("spunta-server billing run bills a mid-month switch pro rata, line by line, on a small database")
    func switchThroughTheCommand() throws {
        let folder = try TemporaryFolder("spunta-options-cli")
        var data = SmallComune.data()
        Self.withOptions(&data)
        Self.nurseryChild(&data, "K1", "Kevin", option: "tempo-pieno", changes: [.init(from: d("2026-10-19"), optionId: "part-time")])
        let xml = folder.path("comune.xml"), db = folder.path("comune.sqlite")
        try ExchangeXMLWriter.write(data).write(toFile: xml, atomically: true, encoding: .utf8)
        #expect(try ChildProcess("spunta-server", ["import", "--db", db, xml]).wait() == 0)
        let run = try ChildProcess("spunta-server", ["billing", "run", "--db", db, "--period", "2026-10"],
                                   environment: ["SPUNTA_NOW": "2026-11-20T10:00:00+01:00"])
        #expect(run.wait(seconds: 120) == 0, "\(run.errors)")
        let lines = try DatabaseQueue(path: db).read { db in
            try db.fetchAll("SELECT charge_key, amount_cents, description FROM statement_line WHERE beneficiary_id = 'K1' ORDER BY charge_key")
                .map { (try $0[0] as String, try $0[1] as Int64, try $0[2] as String) }
        }
        // By hand, as in the table above: €209.52 for 11 days full time, €119.05 for 10 days part time.
        #expect(lines.map(\.0) == ["month|K1|NIDO|2026-10", "month|K1|NIDO|2026-10|2026-10-19"])
        #expect(lines.map(\.1) == [20_952, 11_905])
        #expect(lines.last?.2.contains("opzione «Part-time» dal 19/10/2026 al 31/10/2026") == true)
        #expect(lines.last?.2.contains("10/21 giorni del mese") == true)
    }
}
