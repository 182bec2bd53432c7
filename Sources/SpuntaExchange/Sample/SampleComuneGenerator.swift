import SpuntaDomain

/// Generates the fictional Comune of the samples (Comune di Valmarina, 2026/27) from a seed: sites, classes,
/// families with siblings sharing payers (some of them separated parents paying 50/50 or 70/30), canteen (one site prepaid, the others postpaid), school bus, nursery,
/// pre-school, diets with allergens, a card for every child, ISEE tariffs with sibling reductions, and the real
/// national holidays in a plausible school calendar. Deterministic: the same options give the same data.
public struct SampleComuneGenerator {
    public struct Options: Sendable {
        public var seed: UInt64 = 20_262_027
        /// Primary schools beyond the two of the standard sample (for larger test cities).
        public var additionalPrimarySites = 0
        /// Pupils per class, on average.
        public var classSize = 21

        public init() {}
    }

    public let options: Options
    private var rng: SeededGenerator
    private var data = MasterDataSet()
    private var families: [Family] = []
    private var usedFiscalCodes: Set<String> = []
    private var childCount = 0
    private var enrollmentCount = 0

    /// A household: its payers share the children's bills; children of one family are siblings.
    private struct Family {
        var surname: String
        var payerIDs: [String]
        var children: [String] = []
        var classIDs: Set<String> = []
        /// Separated parents who share the cost: the percent of each payer, in order (nil: the first pays all).
        var shares: [Int]? = nil
    }

    public static let yearID = "2026-27"
    static let yearStart = LocalDate(year: 2026, month: 9, day: 14)!
    static let yearEnd = LocalDate(year: 2027, month: 6, day: 9)!

    public init(options: Options = Options()) {
        self.options = options
        self.rng = SeededGenerator(seed: options.seed)
    }

    /// The whole master data set.
    public static func generate(options: Options = Options()) -> MasterDataSet {
        var generator = SampleComuneGenerator(options: options)
        return generator.build()
    }

    private mutating func build() -> MasterDataSet {
        data.municipality = Municipality(
            name: "Comune di Valmarina",
            fiscalCode: EnteFiscalCode.make(base: "8001234026").value,
            segregationCode: "12",
            iban: IBAN.makeItalian(abi: "03069", cab: "12117", account: "100000046351").value,
            province: "TV"
        )
        data.schoolYears = [schoolYear()]
        buildSites()
        buildServicesAndTariffs()
        buildDiets()
        buildRoutes()
        buildClassesAndChildren()
        gradesAndLateStarts()
        buildNursery()
        buildTransportAndPreSchool()
        tariffOptions()
        if options.additionalPrimarySites > 0 { buildCityTransport() }
        return data
    }

    // MARK: Calendar

    private func schoolYear() -> SchoolYear {
        let d = { (y: Int, m: Int, day: Int) in LocalDate(year: y, month: m, day: day)! }
        var closures: [SchoolYear.Closure] = [
            .init(from: d(2026, 11, 11), to: d(2026, 11, 11), reason: "Festa del patrono (San Martino)"),
            .init(from: d(2026, 12, 7), to: d(2026, 12, 7), reason: "Ponte dell'Immacolata"),
            .init(from: d(2026, 12, 23), to: d(2027, 1, 6), reason: "Vacanze di Natale"),
            .init(from: d(2027, 2, 8), to: d(2027, 2, 10), reason: "Carnevale e Mercoledì delle Ceneri"),
            .init(from: d(2027, 3, 25), to: d(2027, 3, 30), reason: "Vacanze di Pasqua"),
            // Closures of some services or sites only: snow closes the schools and their bus, not the nursery;
            // the nursery closes alone for a day. After the months the demo bills, so its figures stay as they were.
            .init(from: d(2027, 1, 19), to: d(2027, 1, 19), reason: "Chiusura delle scuole per neve (ordinanza del sindaco)",
                  serviceIds: ["TRASPORTO"], siteIds: primarySiteIDs + ["S03"]),
            .init(from: d(2027, 4, 16), to: d(2027, 4, 16), reason: "Chiusura del nido per disinfestazione", serviceIds: ["NIDO"]),
        ]
        for year in [2026, 2027] {
            for holiday in ItalianHolidays.holidays(year: year)
            where holiday.date >= Self.yearStart && holiday.date <= Self.yearEnd && holiday.date.weekday <= 5 {
                if !closures.contains(where: { $0.contains(holiday.date) }) {
                    closures.append(.init(from: holiday.date, to: holiday.date, reason: holiday.name))
                }
            }
        }
        closures.sort { $0.from < $1.from }
        return SchoolYear(id: Self.yearID, startDate: Self.yearStart, endDate: Self.yearEnd, closures: closures)
    }

    // MARK: Sites and services

    private var primarySiteIDs: [String] {
        ["S01", "S02"] + (0..<options.additionalPrimarySites).map { String(format: "S%02d", $0 + 5) }
    }

    private mutating func buildSites() {
        data.sites = [
            Site(id: "S01", name: "Scuola primaria «Gianni Rodari»", address: "Via Roma 12, Valmarina",
                 caterer: Site.Caterer(name: "Ristorazione Valmarina S.r.l.", email: "cucina.rodari@ristorazione-valmarina.example.it")),
            Site(id: "S02", name: "Scuola primaria «Maria Montessori»", address: "Via dei Tigli 3, Valmarina (frazione Borgo)",
                 caterer: Site.Caterer(name: "Ristorazione Valmarina S.r.l.", email: "cucina.borgo@ristorazione-valmarina.example.it"),
                 mealCountCutoff: LocalTime(hour: 9, minute: 15)!),
            Site(id: "S03", name: "Scuola dell'infanzia «Il Girasole»", address: "Via delle Rose 8, Valmarina"),
            Site(id: "S04", name: "Asilo nido comunale «Piccoli Passi»", address: "Viale della Repubblica 40, Valmarina"),
        ]
        for (i, id) in primarySiteIDs.dropFirst(2).enumerated() {
            data.sites.append(Site(id: id, name: "Scuola primaria n. \(i + 3)", address: "\(rng.pick(SampleNames.streets)) \(i + 1), Valmarina"))
        }
    }

    private mutating func buildServicesAndTariffs() {
        let y = Self.yearID
        let canteenStart = LocalDate(year: 2026, month: 9, day: 21)!
        let canteenEnd = LocalDate(year: 2027, month: 6, day: 4)!
        data.services = [
            Service(id: "MENSA-RODARI", kind: .canteen, name: "Mensa scolastica primaria Rodari (prepagata)", billingMode: .prepaid,
                    chargeBasis: .scan, yearId: y, startDate: canteenStart, endDate: canteenEnd, weekdays: [1, 2, 3, 4, 5],
                    siteIds: ["S01"], cutoff: nil),
            Service(id: "MENSA", kind: .canteen, name: "Mensa scolastica", billingMode: .postpaid, chargeBasis: .both,
                    yearId: y, startDate: canteenStart, endDate: canteenEnd, weekdays: [1, 2, 3, 4, 5],
                    siteIds: Array(primarySiteIDs.dropFirst()) + ["S03"], cutoff: LocalTime(hour: 9, minute: 30)),
            Service(id: "TRASPORTO", kind: .transport, name: "Trasporto scolastico", billingMode: .postpaid, chargeBasis: .enrollment,
                    yearId: y, startDate: Self.yearStart, endDate: Self.yearEnd, weekdays: [1, 2, 3, 4, 5], siteIds: [], cutoff: nil),
            Service(id: "NIDO", kind: .nursery, name: "Asilo nido comunale", billingMode: .postpaid, chargeBasis: .enrollment,
                    yearId: y, startDate: LocalDate(year: 2026, month: 9, day: 1)!, endDate: LocalDate(year: 2027, month: 7, day: 30)!,
                    weekdays: [1, 2, 3, 4, 5], siteIds: ["S04"], cutoff: nil),
            Service(id: "PRESCUOLA", kind: .preSchool, name: "Pre-scuola Rodari (dalle 7:30)", billingMode: .postpaid,
                    chargeBasis: .enrollment, yearId: y, startDate: Self.yearStart, endDate: Self.yearEnd, weekdays: [1, 2, 3, 4, 5],
                    siteIds: ["S01"], cutoff: nil),
        ]
        let from = LocalDate(year: 2026, month: 9, day: 1)!
        let to = LocalDate(year: 2027, month: 8, day: 31)!
        let m = { (cents: Int64) in Money(cents: cents) }
        let mealBands: [Tariff.Band] = [
            .init(upTo: m(300_000), price: m(0)), .init(upTo: m(600_000), price: m(180)), .init(upTo: m(1_000_000), price: m(290)),
            .init(upTo: m(1_500_000), price: m(380)), .init(upTo: m(2_000_000), price: m(440)), .init(upTo: nil, price: m(500)),
        ]
        data.tariffs = [
            Tariff(id: "T-MENSA-RODARI", serviceId: "MENSA-RODARI", name: "Pasto mensa primaria Rodari", unit: .meal,
                   validFrom: from, validTo: to, bands: mealBands, priceWithoutIsee: m(500), nonResidentPrice: m(560),
                   secondSiblingDiscountPercent: 20, thirdSiblingDiscountPercent: 50, monthlyMinimum: nil, monthlyMaximum: nil,
                   proRata: false),
            Tariff(id: "T-MENSA", serviceId: "MENSA", name: "Pasto mensa scolastica", unit: .meal,
                   validFrom: from, validTo: to, bands: mealBands, priceWithoutIsee: m(500), nonResidentPrice: m(560),
                   secondSiblingDiscountPercent: 20, thirdSiblingDiscountPercent: 50, monthlyMinimum: nil, monthlyMaximum: m(9000),
                   proRata: false),
            Tariff(id: "T-TRASPORTO", serviceId: "TRASPORTO", name: "Abbonamento mensile trasporto", unit: .month,
                   validFrom: from, validTo: to,
                   bands: [.init(upTo: m(600_000), price: m(1000)), .init(upTo: m(1_500_000), price: m(2200)), .init(upTo: nil, price: m(3200))],
                   priceWithoutIsee: m(3200), nonResidentPrice: m(4000), secondSiblingDiscountPercent: 30,
                   thirdSiblingDiscountPercent: 50, monthlyMinimum: nil, monthlyMaximum: nil, proRata: false),
            Tariff(id: "T-NIDO", serviceId: "NIDO", name: "Retta mensile asilo nido", unit: .month,
                   validFrom: from, validTo: to,
                   bands: [.init(upTo: m(800_000), price: m(12000)), .init(upTo: m(1_500_000), price: m(25000)),
                           .init(upTo: m(2_500_000), price: m(39000)), .init(upTo: nil, price: m(48000))],
                   priceWithoutIsee: m(48000), nonResidentPrice: m(52000), secondSiblingDiscountPercent: 20,
                   thirdSiblingDiscountPercent: 20, monthlyMinimum: nil, monthlyMaximum: nil, proRata: true),
            Tariff(id: "T-PRESCUOLA", serviceId: "PRESCUOLA", name: "Pre-scuola, quota mensile", unit: .month,
                   validFrom: from, validTo: to, bands: [.init(upTo: nil, price: m(2500))], priceWithoutIsee: m(2500),
                   nonResidentPrice: nil, secondSiblingDiscountPercent: 0, thirdSiblingDiscountPercent: 0,
                   monthlyMinimum: nil, monthlyMaximum: nil, proRata: false),
        ]
    }

    private mutating func buildDiets() {
        data.diets = [
            Diet(id: "D-CEL", name: "Celiachia (senza glutine)", allergens: [.gluten], notes: "Certificato medico: celiachia",
                 category: .medical),
            Diet(id: "D-LAT", name: "Senza latte e derivati", allergens: [.milk], notes: "Intolleranza al lattosio", category: .medical),
            Diet(id: "D-UOVA", name: "Senza uova", allergens: [.eggs], notes: "Allergia alle proteine dell'uovo", category: .medical),
            Diet(id: "D-FRUTTA", name: "Senza frutta a guscio e arachidi", allergens: [.nuts, .peanuts],
                 notes: "Allergia grave: rischio anafilassi, adrenalina in segreteria", category: .medical, severeAllergy: true,
                 emergencyPlan: "Rischio anafilassi: adrenalina autoiniettabile in segreteria; chiamare il 112 e la famiglia."),
            Diet(id: "D-MARE", name: "Senza pesce, crostacei e molluschi", allergens: [.fish, .crustaceans, .molluscs], notes: "",
                 category: .medical),
            Diet(id: "D-SOIA", name: "Senza soia e sesamo", allergens: [.soy, .sesame], notes: "", category: .medical),
            Diet(id: "D-NOMAIALE", name: "Senza carne di maiale", allergens: [], notes: "Motivi religiosi", category: .religious),
            Diet(id: "D-VEG", name: "Vegetariana", allergens: [], notes: "Scelta della famiglia", category: .ethical),
        ]
    }

    private mutating func buildRoutes() {
        let north = [
            "Piazza Garibaldi", "Via Roma (farmacia)", "Chiesa di San Martino", "Via dei Mulini 14", "Località Ca' Rossa",
            "Borgo Nuovo (fontana)", "Via Piave angolo Via Manzoni", "Cimitero", "Località Boschetto", "Via Santa Lucia 30",
            "Zona artigianale", "Frazione Borgo (piazzetta)",
        ]
        let south = [
            "Stazione FS", "Via Marconi (supermercato)", "Parco giochi Via Verdi", "Località Le Fornaci", "Via Cavour 2",
            "Frazione Campagna (capitello)", "Via Montegrappa 51", "Località Molino", "Via XX Settembre (poste)",
            "Località Prà dei Sassi", "Ponte sul Sile", "Via Dante Alighieri 77",
        ]
        // The morning ride runs the stops in order, then the schools; the afternoon ride leaves the schools and runs
        // the stops backwards, from `firstReturn` at the last stop: every ride's times go forward.
        func stops(_ route: String, _ names: [String], firstOutbound: Int, firstReturn: Int) -> [Stop] {
            names.enumerated().map { i, name in
                let outbound = firstOutbound + i * 3
                let back = firstReturn + (names.count - 1 - i) * 3
                return Stop(
                    id: String(format: "%@-%02d", route, i + 1), name: name,
                    outboundTime: LocalTime(hour: outbound / 60, minute: outbound % 60)!,
                    returnTime: LocalTime(hour: back / 60, minute: back % 60)!
                )
            }
        }
        data.routes = [
            Route(id: "L1", serviceId: "TRASPORTO", name: "Linea 1 – Nord (Borgo)", stops: stops("L1", north, firstOutbound: 7 * 60 + 10, firstReturn: 16 * 60 + 40)),
            Route(id: "L2", serviceId: "TRASPORTO", name: "Linea 2 – Sud (Campagna)", stops: stops("L2", south, firstOutbound: 7 * 60 + 15, firstReturn: 16 * 60 + 45)),
        ]
        // Both lines serve both primary schools, each with its own times: in the morning Rodari, then Montessori; in
        // the afternoon the other way round, Montessori, then Rodari, then the stops. Montessori has no afternoon
        // school on Wednesdays, so the bus leaves it at 12:35 that day.
        for index in data.routes.indices {
            let stops = data.routes[index].stops
            guard let first = stops.first, let last = stops.last else { continue }
            let t = { (h: Int, m: Int) in LocalTime(hour: h, minute: m)! }
            data.routes[index].schools = [
                RouteSchool(siteId: "S01", stopId: index == 0 ? stops[min(1, stops.count - 1)].id : first.id, arrival: t(7, 55),
                            returnTime: t(16, 30)),
                RouteSchool(siteId: "S02", stopId: last.id, arrival: t(8, 5), returnTime: t(16, 20), shortReturn: t(12, 35), shortDays: [3]),
            ]
        }
    }

    // MARK: People

    /// A code nobody else in the sample has. Omocodia is not a way out: its forms denote the same person
    /// (DOMAIN.md), so two children whose codes would coincide are made born in different towns instead.
    private mutating func newFiscalCode(surname: String, givenName: String, birthDate: LocalDate, sex: Sex) -> String {
        var place = rng.pick(SampleNames.birthplaces)
        var attempt = 0
        while true {
            let code = CodiceFiscale.make(
                surname: surname, givenName: givenName, birthDate: birthDate, sex: sex, birthplaceCode: place, omocodiaLevel: 0
            ).value
            if usedFiscalCodes.insert(code).inserted { return code }
            attempt += 1
            // Born abroad (Z + three digits) once the towns of the list are likely all taken.
            place = attempt < 3 * SampleNames.birthplaces.count
                ? rng.pick(SampleNames.birthplaces)
                : "Z\(100 + Int.random(in: 0..<900, using: &rng))"
        }
    }

    private mutating func randomDate(from: LocalDate, to: LocalDate) -> LocalDate {
        LocalDate(dayNumber: Int.random(in: from.dayNumber...to.dayNumber, using: &rng))
    }

    private mutating func newFamily() -> Int {
        let surname = rng.pick(SampleNames.surnames)
        var payerIDs: [String] = []
        let parents = rng.chance(18) ? 2 : 1
        let address = "\(rng.pick(SampleNames.streets)) \(Int.random(in: 1...120, using: &rng)), Valmarina"
        let resident = !rng.chance(4)
        var isee: Isee?
        if rng.chance(62) {
            let value = Money(cents: Int64(Int.random(in: 150...4_200, using: &rng)) * 1_000)
            let filed = randomDate(from: LocalDate(year: 2026, month: 1, day: 20)!, to: LocalDate(year: 2026, month: 10, day: 28)!)
            isee = Isee(value: value, filedOn: filed, expiresOn: LocalDate(year: 2026, month: 12, day: 31)!)
        }
        // Some couples are separated parents sharing the bills, 50/50 or 70/30 (chosen without drawing from the
        // seed, so that the rest of the Comune stays as it was); in a 50/50 the second parent has an ISEE of their
        // own, in a 70/30 none, so that each parent's part is priced with their own band.
        let shares: [Int]? = parents == 2 ? [1: [50, 50], 3: [70, 30]][families.count % 5] : nil
        for parent in 0..<parents {
            let sex: Sex = parent == 0 ? (rng.chance(70) ? .female : .male) : .male
            let given = sex == .female ? rng.pick(SampleNames.femaleNames) : rng.pick(SampleNames.maleNames)
            // The mother often keeps her own surname.
            let payerSurname = (sex == .female && rng.chance(80)) ? rng.pick(SampleNames.surnames) : surname
            let birth = randomDate(from: LocalDate(year: 1974, month: 1, day: 1)!, to: LocalDate(year: 1996, month: 12, day: 31)!)
            let id = String(format: "P%04d", data.payers.count + 1)
            let local = "\(given).\(payerSurname)".lowercased().filter { $0.isLetter || $0 == "." }
                .applyingASCIIFolding()
            let wantsEmail = rng.chance(85)
            let wantsSMS = rng.chance(35)
            data.payers.append(Payer(
                id: id,
                fiscalCode: newFiscalCode(surname: payerSurname, givenName: given, birthDate: birth, sex: sex),
                surname: payerSurname, givenName: given,
                email: "\(local)\(data.payers.count % 97)@posta.example",
                mobile: String(format: "+39399%07d", Int.random(in: 0...9_999_999, using: &rng)),
                pec: nil, address: address, resident: resident,
                isee: parent == 0 ? isee : (shares == [50, 50] ? isee.map { Isee(value: Money(cents: $0.value.cents * 2), filedOn: $0.filedOn,
                                                                                           expiresOn: $0.expiresOn) } : nil),
                notifyByEmail: wantsEmail, notifyBySMS: wantsSMS || !wantsEmail,
                lowBalanceThreshold: Money(cents: 1000),
                // Some families also leave a landline (without drawing from the seed: the rest stays as it was).
                phone: data.payers.count % 9 == 4 ? String(format: "+390423%06d", 400_000 + data.payers.count * 37) : nil
            ))
            payerIDs.append(id)
        }
        families.append(Family(surname: surname, payerIDs: payerIDs, shares: shares))
        return families.count - 1
    }

    /// A family for a new child: often an existing one with no child in this class (siblings), else a new one.
    private mutating func familyForChild(classID: String?) -> Int {
        if !families.isEmpty, rng.chance(27) {
            for _ in 0..<6 {
                let index = Int.random(in: 0..<families.count, using: &rng)
                let family = families[index]
                if family.children.count < 3, classID.map({ !family.classIDs.contains($0) }) ?? true {
                    return index
                }
            }
        }
        return newFamily()
    }

    private mutating func newChild(classID: String?, born: ClosedRange<Int>) -> Beneficiary {
        let familyIndex = familyForChild(classID: classID)
        let family = families[familyIndex]
        let sex: Sex = rng.chance(50) ? .female : .male
        let given = sex == .female ? rng.pick(SampleNames.femaleNames) : rng.pick(SampleNames.maleNames)
        let birth = randomDate(
            from: LocalDate(year: born.lowerBound, month: 1, day: 1)!, to: LocalDate(year: born.upperBound, month: 12, day: 31)!
        )
        childCount += 1
        let id = String(format: "B%04d", childCount)
        let child = Beneficiary(
            id: id, fiscalCode: newFiscalCode(surname: family.surname, givenName: given, birthDate: birth, sex: sex),
            surname: family.surname, givenName: given, birthDate: birth, classId: classID,
            payers: family.payerIDs.enumerated().map { .init(payerId: $0.element, primary: $0.offset == 0, share: family.shares?[$0.offset]) }
        )
        families[familyIndex].children.append(id)
        if let classID { families[familyIndex].classIDs.insert(classID) }
        data.beneficiaries.append(child)
        issueCard(for: id)
        return child
    }

    private mutating func issueCard(for beneficiaryID: String) {
        let issued = LocalDate(year: 2026, month: 9, day: 7)!
        if rng.chance(2) {
            // Lost in the first weeks and replaced: the old card stays on file, revoked.
            data.cards.append(Card(id: CardID.random(using: &rng).text, beneficiaryId: beneficiaryID, issuedOn: issued,
                                   revokedOn: LocalDate(year: 2026, month: 10, day: 2)!))
            data.cards.append(Card(id: CardID.random(using: &rng).text, beneficiaryId: beneficiaryID,
                                   issuedOn: LocalDate(year: 2026, month: 10, day: 2)!, revokedOn: nil))
        } else {
            data.cards.append(Card(id: CardID.random(using: &rng).text, beneficiaryId: beneficiaryID, issuedOn: issued, revokedOn: nil))
        }
    }

    private mutating func enroll(
        _ child: String, service: String, site: String? = nil, diet: String? = nil, route: String? = nil,
        outbound: String? = nil, back: String? = nil, start: LocalDate, end: LocalDate? = nil, exemption: Int = 0
    ) {
        enrollmentCount += 1
        data.enrollments.append(Enrollment(
            id: String(format: "E%05d", enrollmentCount), beneficiaryId: child, serviceId: service, siteId: site,
            dietId: diet, routeId: route, outboundStopId: outbound, returnStopId: back, tariffId: nil,
            startDate: start, endDate: end, exemptionPercent: exemption
        ))
    }

    private mutating func randomDiet() -> String? {
        guard rng.chance(8) else { return nil }
        return rng.pick(["D-CEL", "D-CEL", "D-LAT", "D-LAT", "D-UOVA", "D-FRUTTA", "D-MARE", "D-SOIA", "D-NOMAIALE", "D-NOMAIALE", "D-VEG"])
    }

    private mutating func buildClassesAndChildren() {
        let teachersF = SampleNames.femaleNames.prefix(40)
        func teacher(_ rng: inout SeededGenerator) -> String {
            "\(rng.pick(SampleNames.surnames)) \(rng.pick(Array(teachersF)))"
        }
        var classes: [(SchoolClass, ClosedRange<Int>)] = []
        for site in primarySiteIDs {
            let sections = site == "S01" ? ["A", "B"] : (site == "S02" ? ["A"] : ["A", "B"])
            for section in sections {
                for grade in 1...5 {
                    let id = "\(site)-\(grade)\(section)"
                    classes.append((SchoolClass(id: id, siteId: site, yearId: Self.yearID, name: "\(grade)\(section)",
                                                teachers: [teacher(&rng), teacher(&rng)]), (2020 - grade + 1)...(2020 - grade + 1)))
                }
            }
            if site == "S02" {
                for grade in 1...3 {
                    let id = "S02-\(grade)B"
                    classes.append((SchoolClass(id: id, siteId: site, yearId: Self.yearID, name: "\(grade)B",
                                                teachers: [teacher(&rng), teacher(&rng)]), (2020 - grade + 1)...(2020 - grade + 1)))
                }
            }
        }
        for (index, section) in ["Sezione Rossa", "Sezione Gialla", "Sezione Verde", "Sezione Blu"].enumerated() {
            classes.append((SchoolClass(id: "S03-\(["R", "G", "V", "B"][index])", siteId: "S03", yearId: Self.yearID, name: section,
                                        teachers: [teacher(&rng), teacher(&rng)]), 2021...2023))
        }
        data.classes = classes.map(\.0)
        let canteenStart = LocalDate(year: 2026, month: 9, day: 21)!
        for (schoolClass, born) in classes {
            let size = options.classSize + Int.random(in: -3...3, using: &rng)
            for _ in 0..<size {
                let child = newChild(classID: schoolClass.id, born: born)
                // Most children eat at school; a few go home for lunch.
                guard rng.chance(91) else { continue }
                let service = schoolClass.siteId == "S01" ? "MENSA-RODARI" : "MENSA"
                let exemption = rng.chance(1) ? 100 : 0
                enroll(child.id, service: service, site: schoolClass.siteId, diet: randomDiet(), start: canteenStart, exemption: exemption)
            }
        }
    }

    /// The anno di corso of every primary pupil (the digit of the class name), and a pupil who joins a class in
    /// the middle of October. Drawn from nothing random, so the rest of the Comune stays as it was; the late start
    /// is in a Rodari class, whose canteen charges scans only, before the day the demo tells.
    private mutating func gradesAndLateStarts() {
        let classes = Dictionary(data.classes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Built once: `primarySiteIDs` is computed, and a city has a hundred thousand children and five hundred schools.
        let primary = Set(primarySiteIDs)
        for index in data.beneficiaries.indices {
            guard let id = data.beneficiaries[index].classId, let schoolClass = classes[id],
                  primary.contains(schoolClass.siteId), let digit = schoolClass.name.first?.wholeNumberValue else { continue }
            data.beneficiaries[index].grade = digit
        }
        if let late = data.beneficiaries.lastIndex(where: { $0.classId == "S01-2B" }) {
            data.beneficiaries[late].classFrom = LocalDate(year: 2026, month: 10, day: 12)!
        }
    }

    /// Tariff options (issue of the nursery's part-time places and of the three-day canteen): the nursery full time
    /// or part time, each with its tariff — the part time a fixed part plus a daily part — both reducing the fixed
    /// part for a long illness and for the Comune's own closures; a child switching to part time on Monday 16
    /// November, mid-month; the canteen's three-day option (Monday, Wednesday, Friday) for a few pupils. Drawn from
    /// nothing random, so the rest of the Comune stays as it was.
    private mutating func tariffOptions() {
        let m = { (cents: Int64) in Money(cents: cents) }
        for index in data.services.indices {
            switch data.services[index].id {
            case "NIDO":
                data.services[index].options = [
                    Service.Option(id: "tempo-pieno", name: "Tempo pieno (7:30-16:30)"),
                    Service.Option(id: "part-time", name: "Part-time (7:30-13:00)"),
                ]
            case "MENSA":
                data.services[index].options = [
                    Service.Option(id: "5-giorni", name: "5 giorni"), Service.Option(id: "3-giorni", name: "3 giorni", weekdays: [1, 3, 5]),
                ]
            default: break
            }
        }
        if let full = data.tariffs.firstIndex(where: { $0.id == "T-NIDO" }) {
            data.tariffs[full].optionId = "tempo-pieno"
            data.tariffs[full].illnessReductionPercent = 30
            data.tariffs[full].closureReductionPercent = 100
            var part = data.tariffs[full]
            part.id = "T-NIDO-PT"
            part.name = "Retta mensile asilo nido part-time (quota fissa e giornaliera)"
            part.optionId = "part-time"
            part.bands = [.init(upTo: m(800_000), price: m(7000)), .init(upTo: m(1_500_000), price: m(15000)),
                          .init(upTo: m(2_500_000), price: m(23000)), .init(upTo: nil, price: m(29000))]
            part.priceWithoutIsee = m(29000)
            part.nonResidentPrice = m(32000)
            part.dailyPrice = m(350)
            data.tariffs.insert(part, at: full + 1)
        }
        if let canteen = data.tariffs.firstIndex(where: { $0.id == "T-MENSA" }) {
            var three = data.tariffs[canteen]
            three.id = "T-MENSA-3G"
            three.name = "Pasto mensa scolastica, 3 giorni"
            three.optionId = "3-giorni"
            three.monthlyMaximum = m(5400)
            data.tariffs.insert(three, at: canteen + 1)
        }
        var nursery = 0, canteen = 0
        for index in data.enrollments.indices {
            switch data.enrollments[index].serviceId {
            case "NIDO":
                nursery += 1
                data.enrollments[index].optionId = nursery % 4 == 2 && nursery != 6 ? "part-time" : "tempo-pieno"
                if nursery == 6 {
                    data.enrollments[index].optionChanges = [Enrollment.OptionChange(from: LocalDate(year: 2026, month: 11, day: 16)!, optionId: "part-time")]
                }
            case "MENSA":
                canteen += 1
                if canteen % 20 == 7 { data.enrollments[index].optionId = "3-giorni" }
                if canteen % 20 == 8 { data.enrollments[index].optionId = "5-giorni" }
            default: break
            }
        }
    }

    private mutating func buildNursery() {
        let start = LocalDate(year: 2026, month: 9, day: 1)!
        for i in 0..<32 {
            let child = newChild(classID: nil, born: 2024...2025)
            // A few settle in (inserimento) after the start: their first month is charged pro rata.
            let from = i % 8 == 3 ? LocalDate(year: 2026, month: 10, day: 12)! : start
            enroll(child.id, service: "NIDO", site: "S04", diet: randomDiet(), start: from)
        }
    }

    private mutating func buildTransportAndPreSchool() {
        let primary = data.beneficiaries.filter { child in
            guard let c = child.classId else { return false }
            return c.hasPrefix("S01") || c.hasPrefix("S02")
        }
        var routeCount: [String: Int] = [:]
        for child in primary where rng.chance(16) {
            let route = rng.pick(data.routes)
            let stop = rng.pick(route.stops)
            let back = rng.chance(85) ? stop : rng.pick(route.stops)
            routeCount[route.id, default: 0] += 1
            enroll(child.id, service: "TRASPORTO", route: route.id, outbound: stop.id, back: back.id, start: Self.yearStart)
            // Every other enrollment names the child's school; the others leave it to the class's plesso.
            if enrollmentCount % 2 == 0, let site = data.classes.first(where: { $0.id == child.classId })?.siteId {
                data.enrollments[data.enrollments.count - 1].schoolId = site
            }
        }
        for child in primary where child.classId?.hasPrefix("S01") == true && rng.chance(12) {
            enroll(child.id, service: "PRESCUOLA", site: "S01", start: Self.yearStart)
        }
    }
}

extension SampleComuneGenerator {
    /// Schools served by one bus line of a city.
    static let citySchoolsPerLine = 4
    /// Stops of a city line before its schools.
    static let cityHomeStops = 6

    /// A city's school bus: one line for every few additional primary schools, each with a handful of stops and then
    /// its schools, and about one pupil in ten of those schools enrolled on their school's line, so that a city's
    /// day has as many riders as a real one. Drawn after everything else, so the sample (no additional school) and
    /// the rest of a city stay as they were.
    fileprivate mutating func buildCityTransport() {
        let classSites = Dictionary(data.classes.map { ($0.id, $0.siteId) }, uniquingKeysWith: { a, _ in a })
        let schools = Array(primarySiteIDs.dropFirst(2))
        let t = { (minutes: Int) in LocalTime(hour: minutes / 60, minute: minutes % 60)! }
        var lineOfSite: [String: Int] = [:]
        for start in stride(from: 0, to: schools.count, by: Self.citySchoolsPerLine) {
            let served = Array(schools.dropFirst(start).prefix(Self.citySchoolsPerLine))
            let number = data.routes.count + 1
            let id = "L\(number)"
            let names = (0..<Self.cityHomeStops).map { _ in "\(rng.pick(SampleNames.streets)) \(Int.random(in: 1...120, using: &rng))" }
            // Outbound every 3 minutes from 7:10, then the schools (the ride's own stops, reached from the last
            // street); the return leaves the last school at 16:22, the others after it, then runs the stops backwards.
            let last = names.count - 1
            let stops = names.enumerated().map { i, name in
                Stop(id: String(format: "%@-%02d", id, i + 1), name: name, outboundTime: t(7 * 60 + 10 + i * 3),
                     returnTime: t(16 * 60 + 22 + (served.count + last - i) * 3))
            }
            let routeSchools = served.enumerated().map { i, site in
                RouteSchool(siteId: site, stopId: stops[last].id, arrival: t(7 * 60 + 10 + (names.count + i) * 3),
                            returnTime: t(16 * 60 + 22 + (served.count - 1 - i) * 3))
            }
            // The additional schools are named «Scuola primaria n. 3» onwards.
            let name = served.count == 1 ? "Linea \(number) – Primaria n. \(start + 3)"
                : "Linea \(number) – Primarie n. \(start + 3)-\(start + served.count + 2)"
            data.routes.append(Route(id: id, serviceId: "TRASPORTO", name: name, stops: stops, schools: routeSchools))
            for site in served { lineOfSite[site] = data.routes.count - 1 }
        }
        let children = data.beneficiaries
        for child in children {
            guard let classID = child.classId, let site = classSites[classID], let line = lineOfSite[site], rng.chance(10) else { continue }
            let route = data.routes[line]
            let home = Array(route.stops.prefix(Self.cityHomeStops))
            let stop = rng.pick(home)
            let back = rng.chance(85) ? stop : rng.pick(home)
            enroll(child.id, service: "TRASPORTO", route: route.id, outbound: stop.id, back: back.id, start: Self.yearStart)
            data.enrollments[data.enrollments.count - 1].schoolId = site
        }
    }
}

extension String {
    /// Letters without accents, for e-mail local parts (`nicolò` → `nicolo`).
    func applyingASCIIFolding() -> String {
        String(String.UnicodeScalarView(unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
            if scalar.isASCII { return scalar }
            switch scalar {
            case "à", "á": return "a"
            case "è", "é": return "e"
            case "ì", "í": return "i"
            case "ò", "ó": return "o"
            case "ù", "ú": return "u"
            default: return nil
            }
        }))
    }
}

extension SampleComuneGenerator {
    /// The text of `samples/comune-demo.xml`.
    public static func sampleFile(options: Options = Options()) -> String {
        ExchangeXMLWriter.write(
            generate(options: options), generated: LocalDate(year: 2026, month: 9, day: 1),
            comment: "Comune di Valmarina: Comune immaginario per provare Spunta (anno scolastico 2026/27). "
                + "Dati inventati, generati dal comando spunta-server sample (seme \(options.seed))."
        )
    }
}
