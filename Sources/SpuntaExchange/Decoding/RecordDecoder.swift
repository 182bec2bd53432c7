import Foundation
import SpuntaDomain

/// Turns the fields of one record into a domain value, with the checks that need only that record
/// (formats, check characters, ranges). Checks across records are `MasterDataValidator`'s.
/// Each function returns nil when it reported a problem.
///
/// An optional field the record leaves out keeps the value stored for the same id (`stored`); the checks
/// between fields (an ISEE filed before it expires, alerts by e-mail with an address) run on the record as it
/// will be after the import, kept values included.
enum RecordDecoder {
    static func municipality(_ r: FieldReader) -> Municipality? {
        let name = r.required("name")
        let fiscalCode = r.validated("fiscal-code", required: true) { try EnteFiscalCode(validating: $0).value }
        let segregation = r.required("segregation-code")
        if let segregation, !(segregation.count == 2 && segregation.allSatisfy(\.isASCII) && segregation.allSatisfy(\.isNumber)) {
            r.report("codice di segregazione pagoPA «\(segregation)» non valido: sono due cifre (es. 01), assegnate dall'intermediario")
        }
        let iban = r.validated("iban", required: true) { try IBAN(validating: $0).value }
        let province = r.required("province")
        if let province, !(province.count == 2 && province.allSatisfy { $0.isASCII && $0.isUppercase }) {
            r.report("sigla della provincia «\(province)» non valida: due lettere maiuscole (es. PD)")
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let name, let fiscalCode, let segregation, let iban, let province else { return nil }
        return Municipality(name: name, fiscalCode: fiscalCode, segregationCode: segregation, iban: iban, province: province)
    }

    static func schoolYear(_ r: FieldReader, closures: [SchoolYear.Closure]) -> SchoolYear? {
        let id = r.id()
        let start = r.date("start")
        let end = r.date("end")
        if let start, let end, start >= end {
            r.report("l'anno scolastico inizia il \(start.italian) e finisce il \(end.italian): la fine deve seguire l'inizio")
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let start, let end else { return nil }
        return SchoolYear(id: id, startDate: start, endDate: end, closures: closures)
    }

    static func closure(_ r: FieldReader) -> SchoolYear.Closure? {
        let from = r.date("from")
        let to = r.date("to", required: false) ?? from
        let reason = r.required("reason")
        if let from, let to, to < from {
            r.report("chiusura dal \(from.italian) al \(to.italian): la data finale precede quella iniziale")
        }
        // Closures are always read whole with their year: a list left out means the whole Comune.
        let services = r.list("services")
        let sites = r.list("sites")
        r.reportUnknownFields()
        guard !r.hasProblems, let from, let to, let reason else { return nil }
        return SchoolYear.Closure(from: from, to: to, reason: reason, serviceIds: services, siteIds: sites)
    }

    static func site(_ r: FieldReader, stored base: StoredRecords) -> Site? {
        let id = r.id()
        let stored = id.flatMap { base.sites[$0] }
        let name = r.required("name")
        let address = r.keeping("address", from: stored, \.address, fallback: "") { r.optional("address") ?? "" }
        let catererName = r.keeping("caterer", from: stored, \.caterer?.name, fallback: nil) { r.optional("caterer") }
        let catererEmail = r.keeping("caterer-email", from: stored, \.caterer?.email, fallback: nil) {
            r.validated("caterer-email", required: false) { try EmailAddress(validating: $0).value }
        }
        let cutoff = r.keeping("meal-count-cutoff", from: stored, \.mealCountCutoff, fallback: Site.defaultMealCountCutoff) {
            r.time("meal-count-cutoff", required: false) ?? Site.defaultMealCountCutoff
        }
        if (catererName == nil) != (catererEmail == nil), !r.hasProblems {
            r.report(catererName == nil
                ? "indirizzo «caterer-email» senza il nome della ditta di ristorazione nel campo «caterer»"
                : "ditta di ristorazione «caterer» senza l'indirizzo a cui inviare il conteggio dei pasti nel campo «caterer-email»")
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let name else { return nil }
        let caterer = catererName.flatMap { name in catererEmail.map { Site.Caterer(name: name, email: $0) } }
        return Site(id: id, name: name, address: address, caterer: caterer, mealCountCutoff: cutoff)
    }

    static func schoolClass(_ r: FieldReader, stored base: StoredRecords) -> SchoolClass? {
        let id = r.id()
        let stored = id.flatMap { base.classes[$0] }
        let site = r.id("site")
        let year = r.id("year")
        let name = r.required("name")
        let teachers = r.keeping("teachers", from: stored, \.teachers, fallback: []) { r.list("teachers") }
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let site, let year, let name else { return nil }
        return SchoolClass(id: id, siteId: site, yearId: year, name: name, teachers: teachers)
    }

    /// `elements`: the `<option>` elements inside the service, nil when there are none. Then the attribute
    /// `options=""` says the service has no option; without it the stored options are kept (a file written before
    /// options existed says nothing of them).
    static func service(_ r: FieldReader, stored base: StoredRecords, options elements: [Service.Option]? = nil) -> Service? {
        let id = r.id()
        let stored = id.flatMap { base.services[$0] }
        let kind = r.choice("kind", Service.Kind.self)
        let name = r.required("name")
        let billing = r.choice("billing", Service.BillingMode.self)
        let basis = r.choice("basis", Service.ChargeBasis.self)
        let year = r.id("year")
        let start = r.date("start")
        let end = r.date("end")
        if let start, let end, start > end {
            r.report("il servizio inizia il \(start.italian) e finisce il \(end.italian): la fine deve seguire l'inizio")
        }
        let weekdays = r.keeping("weekdays", from: stored, \.weekdays, fallback: [1, 2, 3, 4, 5]) { weekdayList(r, field: "weekdays", fallback: [1, 2, 3, 4, 5]) }
        let sites = r.keeping("sites", from: stored, \.siteIds, fallback: []) { r.list("sites") }
        let cutoff = r.keeping("cutoff", from: stored, \.cutoff, fallback: nil) { r.time("cutoff", required: false) }
        if let basis, basis == .register || basis == .both, cutoff == nil {
            r.report("con addebito da registro («basis» \(basis.rawValue)) serve l'ora limite per l'appello nel campo «cutoff» (es. 09:30)")
        }
        if let kind, kind == .transport, !sites.isEmpty {
            r.report("il trasporto non ha plessi: indicare le linee nella sezione routes e lasciare vuoto «sites»")
        }
        if let kind, kind == .canteen || kind == .nursery, sites.isEmpty {
            r.report("indicare nel campo «sites» i plessi dove è erogato il servizio")
        }
        let options: [Service.Option]
        if let elements {
            options = elements
            if r.optional("options") != nil {
                r.report("«options» si lascia vuoto: le opzioni si descrivono con gli elementi <option> dentro <service>")
            }
        } else {
            options = r.keeping("options", from: stored, \.options, fallback: []) {
                if r.optional("options") != nil {
                    r.report("«options» si lascia vuoto (nessuna opzione): le opzioni si descrivono con gli elementi <option id name weekdays> dentro <service>")
                }
                return []
            }
        }
        var optionIDs: Set<String> = []
        for option in options {
            if !optionIDs.insert(option.id).inserted {
                r.report("l'opzione «\(option.id)» è indicata due volte")
            }
            let outside = option.weekdays.filter { !weekdays.contains($0) }
            if !outside.isEmpty {
                r.report("l'opzione «\(option.id)» indica i giorni \(outside.map(String.init).joined(separator: ", ")), in cui il servizio non è erogato (giorni del servizio: \(weekdays.map(String.init).joined(separator: ", ")))")
            }
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let kind, let name, let billing, let basis, let year, let start, let end else { return nil }
        return Service(
            id: id, kind: kind, name: name, billingMode: billing, chargeBasis: basis, yearId: year,
            startDate: start, endDate: end, weekdays: weekdays, siteIds: sites, cutoff: cutoff, options: options
        )
    }

    /// `<option id name weekdays>` inside a `<service>`: an option (opzione tariffaria); no weekdays, all the service's.
    /// Its problems are the service's (`service`: the id of the element around it), which they reject.
    static func serviceOption(_ r: FieldReader, service: String?) -> Service.Option? {
        let id = r.id()
        r.recordID = service
        let name = r.required("name")
        let weekdays = weekdayList(r, field: "weekdays", fallback: [])
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let name else { return nil }
        return Service.Option(id: id, name: name, weekdays: weekdays)
    }

    /// `1-5`, `1,2,3,4,5` or `1;3;5` in `field`; `fallback` when it is empty.
    private static func weekdayList(_ r: FieldReader, field: String, fallback: [Int]) -> [Int] {
        guard let text = r.optional(field) else { return fallback }
        var days: Set<Int> = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let bounds = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if bounds.count == 1, let d = bounds[0], (1...7).contains(d) {
                days.insert(d)
            } else if bounds.count == 2, let a = bounds[0], let b = bounds[1], (1...7).contains(a), (1...7).contains(b), a <= b {
                days.formUnion(a...b)
            } else {
                r.report("giorni della settimana «\(text)» nel campo «\(field)» non validi: numeri da 1 (lunedì) a 7 (domenica), es. 1-5")
                return []
            }
        }
        return days.sorted()
    }

    static func diet(_ r: FieldReader, stored base: StoredRecords) -> Diet? {
        let id = r.id()
        let stored = id.flatMap { base.diets[$0] }
        let name = r.required("name")
        let allergens = r.keeping("allergens", from: stored, \.allergens, fallback: []) {
            var allergens: [Allergen] = []
            for text in r.list("allergens") {
                if let allergen = Allergen(rawValue: text.lowercased()) ?? Allergen.allCases.first(where: { $0.italian == text.lowercased() }) {
                    if !allergens.contains(allergen) { allergens.append(allergen) }
                } else {
                    let allowed = Allergen.allCases.map(\.rawValue).joined(separator: ", ")
                    r.report("allergene «\(text)» sconosciuto: ammessi i 14 del Reg. UE 1169/2011 (\(allowed))")
                }
            }
            return allergens
        }
        let notes = r.keeping("notes", from: stored, \.notes, fallback: "") { r.optional("notes") ?? "" }
        let category = r.keeping("category", from: stored, \.category, fallback: nil) { () -> Diet.Category? in
            guard r.optional("category") != nil else { return nil }
            return r.choice("category", Diet.Category.self)
        }
        let severe = r.keeping("severe-allergy", from: stored, \.severeAllergy, fallback: false) { r.bool("severe-allergy", default: false) }
        let plan = r.keeping("emergency-plan", from: stored, \.emergencyPlan, fallback: "") { r.optional("emergency-plan") ?? "" }
        if severe, plan.isEmpty {
            r.report("allergia grave («severe-allergy») senza piano di emergenza: scrivere nel campo «emergency-plan» che cosa fare (es. adrenalina autoiniettabile nello zaino, chiamare il 112)")
        }
        if severe, let category, category != .medical {
            r.report("un'allergia grave è una dieta sanitaria: «category» è \(category.rawValue), atteso medical")
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let name else { return nil }
        return Diet(id: id, name: name, allergens: allergens, notes: notes, category: category, severeAllergy: severe, emergencyPlan: plan)
    }

    static func tariff(_ r: FieldReader, bands xmlBands: [Tariff.Band]?, stored base: StoredRecords) -> Tariff? {
        let id = r.id()
        let stored = id.flatMap { base.tariffs[$0] }
        let service = r.id("service")
        let name = r.required("name")
        let unit = r.choice("unit", Tariff.Unit.self)
        let validFrom = r.date("valid-from")
        let validTo = r.keeping("valid-to", from: stored, \.validTo, fallback: nil) { r.date("valid-to", required: false) }
        if let validFrom, let validTo, validTo < validFrom {
            r.report("tariffa valida dal \(validFrom.italian) al \(validTo.italian): la fine precede l'inizio")
        }
        let bands = xmlBands ?? bandList(r)
        let withoutIsee = r.money("price-without-isee")
        let nonResident = r.keeping("non-resident-price", from: stored, \.nonResidentPrice, fallback: nil) {
            r.money("non-resident-price", required: false)
        }
        let second = r.keeping("second-sibling-discount", from: stored, \.secondSiblingDiscountPercent, fallback: 0) {
            r.integer("second-sibling-discount", in: 0...100, default: 0) ?? 0
        }
        let third = r.keeping("third-sibling-discount", from: stored, \.thirdSiblingDiscountPercent, fallback: 0) {
            r.integer("third-sibling-discount", in: 0...100, default: 0) ?? 0
        }
        let minimum = r.keeping("monthly-minimum", from: stored, \.monthlyMinimum, fallback: nil) { r.money("monthly-minimum", required: false) }
        let maximum = r.keeping("monthly-maximum", from: stored, \.monthlyMaximum, fallback: nil) { r.money("monthly-maximum", required: false) }
        if let minimum, let maximum, minimum > maximum {
            r.report("minimo mensile \(minimum.italian) superiore al massimo \(maximum.italian)")
        }
        let proRata = r.keeping("pro-rata", from: stored, \.proRata, fallback: false) { r.bool("pro-rata", default: false) }
        let option = r.keeping("option", from: stored, \.optionId, fallback: nil) { r.reference("option") }
        let daily = r.keeping("daily-price", from: stored, \.dailyPrice, fallback: nil) { r.money("daily-price", required: false) }
        let illnessDays = r.keeping("illness-days", from: stored, \.illnessDays, fallback: Tariff.defaultIllnessDays) {
            r.integer("illness-days", in: 1...366, default: Tariff.defaultIllnessDays) ?? Tariff.defaultIllnessDays
        }
        let illness = r.keeping("illness-reduction", from: stored, \.illnessReductionPercent, fallback: 0) {
            r.integer("illness-reduction", in: 0...100, default: 0) ?? 0
        }
        let closure = r.keeping("closure-reduction", from: stored, \.closureReductionPercent, fallback: 0) {
            r.integer("closure-reduction", in: 0...100, default: 0) ?? 0
        }
        if let unit, unit != .month, daily != nil || illness > 0 || closure > 0 {
            r.report("quota giornaliera («daily-price») e riduzioni per malattia o chiusura («illness-reduction», «closure-reduction») valgono solo per una retta mensile («unit» month), non per «\(unit.rawValue)»")
        }
        checkBands(bands, r)
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let service, let name, let unit, let validFrom, let withoutIsee else { return nil }
        return Tariff(
            id: id, serviceId: service, name: name, unit: unit, validFrom: validFrom, validTo: validTo, bands: bands,
            priceWithoutIsee: withoutIsee, nonResidentPrice: nonResident, secondSiblingDiscountPercent: second,
            thirdSiblingDiscountPercent: third, monthlyMinimum: minimum, monthlyMaximum: maximum, proRata: proRata,
            optionId: option, dailyPrice: daily, illnessDays: illnessDays, illnessReductionPercent: illness, closureReductionPercent: closure
        )
    }

    static func band(_ r: FieldReader) -> Tariff.Band? {
        let upTo = r.money("up-to", required: false)
        let price = r.money("price")
        r.reportUnknownFields()
        guard !r.hasProblems, let price else { return nil }
        return Tariff.Band(upTo: upTo, price: price)
    }

    /// CSV form: `4000.00=0.00;8000.00=2.10;*=5.20` (ISEE up to = price; `*` for the open top band).
    private static func bandList(_ r: FieldReader) -> [Tariff.Band] {
        guard let text = r.optional("bands") else {
            r.report("manca il campo «bands» con le fasce ISEE (es. 4000.00=0.00;8000.00=2.10;*=5.20)")
            return []
        }
        var bands: [Tariff.Band] = []
        for part in text.split(separator: ";") {
            let pieces = part.split(separator: "=", omittingEmptySubsequences: false)
            guard pieces.count == 2, let price = Money(decimal: pieces[1]) else {
                r.report("fascia ISEE «\(part)» non valida: scrivere ISEE_MASSIMO=PREZZO, es. 8000.00=2.10, e *=PREZZO per l'ultima")
                return []
            }
            let limit = pieces[0].trimmingCharacters(in: .whitespaces)
            if limit == "*" {
                bands.append(Tariff.Band(upTo: nil, price: price))
            } else if let upTo = Money(decimal: limit) {
                bands.append(Tariff.Band(upTo: upTo, price: price))
            } else {
                r.report("limite ISEE «\(limit)» non valido nella fascia «\(part)»")
                return []
            }
        }
        return bands
    }

    private static func checkBands(_ bands: [Tariff.Band], _ r: FieldReader) {
        guard !bands.isEmpty else {
            r.report("la tariffa non ha fasce ISEE: serve almeno la fascia aperta (senza limite)")
            return
        }
        for (index, band) in bands.enumerated() {
            let isLast = index == bands.count - 1
            if isLast, band.upTo != nil {
                r.report("l'ultima fascia ISEE deve essere aperta (senza «up-to»): chi supera \(band.upTo?.italian ?? "") che tariffa paga?")
            }
            if !isLast, band.upTo == nil {
                r.report("solo l'ultima fascia ISEE può essere senza limite")
            }
            if index > 0, let previous = bands[index - 1].upTo, let current = band.upTo, current <= previous {
                r.report("le fasce ISEE devono essere in ordine crescente: \(current.italian) dopo \(previous.italian)")
            }
        }
    }

    /// A route with its stops and schools (XML: the elements inside it, `stored` what the database has, since the
    /// `<school>` elements are the complete list). From `routes.csv` (`schoolsColumn`), the schools are read from its
    /// `schools` cell instead, when the file has that column.
    static func route(
        _ r: FieldReader, stops: [Stop], schools: [RouteSchool] = [], stored base: StoredRecords? = nil, schoolsColumn: Bool = false
    ) -> Route? {
        let id = r.id()
        let service = r.id("service")
        let name = r.required("name")
        let listed = schoolsColumn ? routeSchoolList(r) : nil
        r.reportUnknownFields()
        // Taking a line's schools away changes where its children may get off: a file written by a program that
        // does not know the `<school>` elements must not do it unnoticed.
        if schools.isEmpty, let gone = id.flatMap({ base?.routes[$0] })?.schools, !gone.isEmpty {
            r.warn("le scuole servite dalla linea (\(gone.map(\.siteId).joined(separator: ", "))) non sono nel file e vengono tolte: "
                + "se la linea le serve ancora, aggiungere gli elementi <school> e ripetere l'importazione")
        }
        guard !r.hasProblems, let id, let service, let name else { return nil }
        return Route(id: id, serviceId: service, name: name, stops: stops, schools: listed ?? schools)
    }

    /// The `schools` cell of `routes.csv`: the schools separated by `;`, each its `<school>` attributes in order and
    /// separated by spaces — `site stop arrival return`, then optionally `short-return short-days` (`S01 L1-03 07:55
    /// 16:20; S02 L1-09 08:05 16:35 12:35 3`). Each is checked as the XML element is. Nil when the file has no such
    /// column (the stored schools are kept); an empty cell is a line serving no school.
    static func routeSchoolList(_ r: FieldReader) -> [RouteSchool]? {
        guard r.isPresent("schools") else { return nil }
        guard let text = r.optional("schools") else { return [] }
        let names = ["site", "stop", "arrival", "return", "short-return", "short-days"]
        var schools: [RouteSchool] = []
        for entry in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(whereSeparator: { $0 == " " }).map(String.init)
            guard parts.count == 4 || parts.count == 6 else {
                r.report("scuola «\(entry)» nel campo «schools» non valida: scrivere plesso, fermata, arrivo e ritorno separati da spazi "
                    + "(es. S01 L1-03 07:55 16:20), poi se serve il ritorno dei giorni senza rientro e quei giorni (12:35 3); più scuole separate da «;»")
                continue
            }
            let school = FieldReader(values: Dictionary(uniqueKeysWithValues: zip(names, parts)), order: Array(names.prefix(parts.count)),
                                     location: r.location, kind: r.kind)
            school.recordID = r.recordID
            if let value = routeSchool(school) { schools.append(value) }
            r.absorb(school)
        }
        return schools
    }

    /// `<school site stop arrival return short-return short-days>` inside a `<route>`.
    static func routeSchool(_ r: FieldReader) -> RouteSchool? {
        let site = r.id("site")
        let stop = r.id("stop")
        let arrival = r.time("arrival")
        let back = r.time("return")
        let shortReturn = r.time("short-return", required: false)
        let shortDays = r.optional("short-days").map { _ in weekdayList(r, field: "short-days", fallback: []) } ?? []
        if !shortDays.isEmpty, shortReturn == nil {
            r.report("giorni senza rientro pomeridiano («short-days») senza l'orario di ritorno di quei giorni («short-return»)")
        }
        if let arrival, let back, back <= arrival {
            r.report("il ritorno da scuola alle \(back) non segue l'arrivo alle \(arrival)")
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let site, let stop, let arrival, let back else { return nil }
        return RouteSchool(siteId: site, stopId: stop, arrival: arrival, returnTime: back, shortReturn: shortReturn, shortDays: shortDays)
    }

    static func stop(_ r: FieldReader) -> Stop? {
        let id = r.id()
        let name = r.required("name")
        let outbound = r.time("outbound")
        let back = r.time("return")
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let name, let outbound, let back else { return nil }
        return Stop(id: id, name: name, outboundTime: outbound, returnTime: back)
    }

    static func payer(_ r: FieldReader, stored base: StoredRecords) -> Payer? {
        let id = r.id()
        let stored = id.flatMap { base.payers[$0] }
        let fiscalCode = personFiscalCode(r)
        let surname = r.required("surname")
        let givenName = r.required("given-name")
        let email = r.keeping("email", from: stored, \.email, fallback: nil) {
            r.validated("email", required: false) { try EmailAddress(validating: $0).value }
        }
        // A landline where a mobile was asked for is a slip of the office, not a reason to refuse the file: the
        // number goes to «phone» and the summary lists it (avviso) with its line.
        var landline: String?
        let mobile = r.keeping("mobile", from: stored, \.mobile, fallback: nil) { () -> String? in
            guard let text = r.optional("mobile") else { return nil }
            do throws(MobileNumberError) {
                return try MobileNumber(validating: text).e164
            } catch {
                if case .landline = error, let fixed = try? PhoneNumber(validating: text) {
                    landline = fixed.e164
                } else {
                    r.report(error.userMessage)
                }
                return nil
            }
        }
        let givenPhone = r.keeping("phone", from: stored, \.phone, fallback: nil) {
            r.validated("phone", required: false) { try PhoneNumber(validating: $0).e164 }
        }
        // The file's own «phone» wins over a landline found in «mobile»; a kept one gives way to it.
        let phone = r.isPresent("phone") && givenPhone != nil ? givenPhone : landline ?? givenPhone
        let pec = r.keeping("pec", from: stored, \.pec, fallback: nil) {
            r.validated("pec", required: false) { try EmailAddress(validating: $0).value }
        }
        let address = r.keeping("address", from: stored, \.address, fallback: nil) { r.optional("address") }
        let resident = r.keeping("resident", from: stored, \.resident, fallback: true) { r.bool("resident", default: true) }
        let isee = r.keeping("isee", "isee-filed", "isee-expires", from: stored, \.isee, fallback: nil) { iseeFields(r) }
        let notifyEmail = r.keeping("notify-email", from: stored, \.notifyByEmail, fallback: false) { r.bool("notify-email", default: false) }
        var notifySMS = r.keeping("notify-sms", from: stored, \.notifyBySMS, fallback: false) { r.bool("notify-sms", default: false) }
        if let landline {
            let smsOff = notifySMS && mobile == nil
            if smsOff { notifySMS = false }
            let place = phone == landline ? "salvato come telefono («phone»)" : "non salvato, il campo «phone» ha già \(phone ?? "")"
            r.warn("il numero \(landline) nel campo «mobile» è di rete fissa: \(place); "
                + (smsOff ? "gli avvisi per SMS restano spenti finché manca un cellulare. " : "non riceve SMS. ")
                + "Chiedere alla famiglia un numero di cellulare e correggerlo.")
        }
        if notifyEmail, email == nil, !r.hasProblems {
            r.report("avvisi per e-mail richiesti ma manca l'indirizzo «email»")
        }
        if notifySMS, mobile == nil, !r.hasProblems {
            r.report("avvisi per SMS richiesti ma manca il numero di cellulare «mobile»")
        }
        let threshold = r.keeping("low-balance-threshold", from: stored, \.lowBalanceThreshold, fallback: nil) {
            r.money("low-balance-threshold", required: false)
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let fiscalCode, let surname, let givenName else { return nil }
        return Payer(
            id: id, fiscalCode: fiscalCode.value, surname: surname, givenName: givenName, email: email, mobile: mobile, pec: pec,
            address: address, resident: resident, isee: isee, notifyByEmail: notifyEmail, notifyBySMS: notifySMS,
            lowBalanceThreshold: threshold, phone: phone
        )
    }

    /// The three ISEE fields, given together or not at all (all empty: no ISEE). The value is read as typed off
    /// the attestation (`7.830,00`); a field given but unreadable has its own problem, and is not also called
    /// missing.
    private static func iseeFields(_ r: FieldReader) -> Isee? {
        let names = ["isee", "isee-filed", "isee-expires"]
        let given = names.filter { r.optional($0) != nil }
        let value = r.typedAmount("isee", required: false)
        let filed = r.date("isee-filed", required: false)
        let expires = r.date("isee-expires", required: false)
        guard given.count == names.count else {
            if !given.isEmpty {
                r.report("ISEE incompleto: «isee», «isee-filed» e «isee-expires» vanno indicati insieme, tutti e tre o nessuno "
                    + "(in un CSV: le tre colonne o nessuna)")
            }
            return nil
        }
        guard let value, let filed, let expires else { return nil }
        if expires < filed {
            r.report("ISEE presentato il \(filed.italian) e scaduto il \(expires.italian): la scadenza precede la presentazione")
        }
        return Isee(value: value, filedOn: filed, expiresOn: expires)
    }

    private static func personFiscalCode(_ r: FieldReader) -> CodiceFiscale? {
        r.validated("fiscal-code", required: true) { try CodiceFiscale(validating: $0) }
    }

    /// A beneficiary. `xmlPayers` are the `<payer>` elements of the XML record, each with whether it carried `share`
    /// (nil for a CSV row, which names its payers in `payer`, `other-payers` and `shares`).
    /// `payersRead` is false when a `<payer>` element was refused: its own problem is reported, and the shares of
    /// the others are not checked against a list that misses it.
    static func beneficiary(_ r: FieldReader, payers xmlPayers: [(link: Beneficiary.PayerLink, sharePresent: Bool)]?,
                            payersRead: Bool = true, stored base: StoredRecords) -> Beneficiary? {
        let id = r.id()
        let stored = id.flatMap { base.beneficiaries[$0] }
        let fiscalCode = personFiscalCode(r)
        let surname = r.required("surname")
        let givenName = r.required("given-name")
        let birthDate = r.date("birth-date")
        // The codice fiscale carries only two digits of the year: compare those, the month and the day.
        if let fiscalCode, let birthDate, let encoded = fiscalCode.birthDate(pivot: birthDate.adding(days: 1)),
           (encoded.year % 100, encoded.month, encoded.day) != (birthDate.year % 100, birthDate.month, birthDate.day) {
            r.report("data di nascita \(birthDate.italian) non coerente con il codice fiscale \(fiscalCode.value) (che indica il \(String(format: "%02d/%02d/..%02d", encoded.day, encoded.month, encoded.year % 100)))")
        }
        let schoolClass = r.keeping("class", from: stored, \.classId, fallback: nil) { r.reference("class") }
        let classFrom = r.keeping("class-from", from: stored, \.classFrom, fallback: nil) { r.date("class-from", required: false) }
        let classTo = r.keeping("class-to", from: stored, \.classTo, fallback: nil) { r.date("class-to", required: false) }
        let grade = r.keeping("grade", from: stored, \.grade, fallback: nil) { () -> Int? in
            guard r.optional("grade") != nil else { return nil }
            return r.integer("grade", in: 1...5)
        }
        if schoolClass == nil, classFrom != nil || classTo != nil {
            r.report("date di appartenenza alla classe («class-from», «class-to») senza classe: indicare la classe nel campo «class»")
        }
        if let classFrom, let classTo, classTo < classFrom {
            r.report("in classe dal \(classFrom.italian) al \(classTo.italian): la fine precede l'inizio")
        }
        var links: [Beneficiary.PayerLink]
        let storedShares = Dictionary((stored?.payers ?? []).compactMap { link in link.share.map { (link.payerId, $0) } },
                                      uniquingKeysWith: { a, _ in a })
        if let xmlPayers {
            // A `<payer>` without `share` keeps the share the database has for that payer of the child.
            links = xmlPayers.map { element in
                var link = element.link
                if !element.sharePresent, let kept = storedShares[link.payerId] {
                    link.share = kept
                    r.noteKept("share")
                }
                return link
            }
        } else {
            // CSV: `payer` is the primary payer, `other-payers` the others; either column left out keeps its part.
            links = []
            let primary = r.keeping("payer", from: stored, { $0.payers.first(where: \.primary)?.payerId }, fallback: nil) {
                r.reference("payer")
            }
            let others = r.keeping("other-payers", from: stored, { $0.payers.filter { !$0.primary }.map(\.payerId) }, fallback: []) {
                r.list("other-payers")
            }
            if let primary { links.append(.init(payerId: primary, primary: true)) }
            // A kept payer who has become the primary one is no longer among the others; in the file, a
            // repetition is reported below.
            let othersFromFile = r.isPresent("other-payers")
            for other in others where othersFromFile || other != primary {
                links.append(.init(payerId: other, primary: false))
            }
            // `shares`: `P0001:50;P0003:50`; left out, each payer still linked keeps its stored share.
            let shares = r.keeping("shares", from: stored, { _ in storedShares }, fallback: [:]) { shareList(r) }
            for (index, link) in links.enumerated() { links[index].share = shares[link.payerId] }
            if r.isPresent("shares") {
                for payer in shares.keys.sorted() where !links.contains(where: { $0.payerId == payer }) {
                    r.report("quota indicata nel campo «shares» per il pagante \(payer), che non è tra i paganti del fruitore "
                        + "(campi «payer» e «other-payers»): correggere il codice o aggiungere il pagante")
                }
            }
        }
        if links.isEmpty {
            r.report("nessun pagante: indicare chi paga per il fruitore (campo «payer»)")
        } else if !links.contains(where: \.primary) {
            links[0].primary = true
        } else if links.filter(\.primary).count > 1 {
            r.report("più di un pagante principale: uno solo riceve i rendiconti")
        }
        if Set(links.map(\.payerId)).count != links.count {
            r.report("lo stesso pagante compare due volte")
        }
        if payersRead { checkShares(r, links) }
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let fiscalCode, let surname, let givenName, let birthDate else { return nil }
        return Beneficiary(
            id: id, fiscalCode: fiscalCode.value, surname: surname, givenName: givenName, birthDate: birthDate,
            classId: schoolClass, payers: links, classFrom: classFrom, classTo: classTo, grade: grade
        )
    }

    /// A `<payer>` of a beneficiary, and whether it carried `share` at all (left out, the stored share is kept).
    static func payerLink(_ r: FieldReader) -> (link: Beneficiary.PayerLink, sharePresent: Bool)? {
        let ref = r.id("ref")
        let primary = r.bool("primary", default: false)
        let share = r.optional("share").flatMap { sharePercent(r, $0, payer: ref) }
        r.reportUnknownFields()
        guard !r.hasProblems, let ref else { return nil }
        return (Beneficiary.PayerLink(payerId: ref, primary: primary, share: share), r.isPresent("share"))
    }

    /// A share (quota) as a whole percent from 1 to 99, a trailing `%` allowed: one payer paying 100% needs no share.
    private static func sharePercent(_ r: FieldReader, _ text: String, payer: String?) -> Int? {
        let digits = text.hasSuffix("%") ? String(text.dropLast()).trimmingCharacters(in: .whitespaces) : text
        guard let value = Int(digits), (1...99).contains(value) else {
            r.report("quota «\(text)»\(payer.map { " del pagante \($0)" } ?? "") non valida: una percentuale intera da 1 a 99 "
                + "(le quote dei paganti di un fruitore sommano a 100, es. 50 e 50 o 70 e 30)")
            return nil
        }
        return value
    }

    /// The CSV column `shares`: `P0001:50;P0003:50` (payer, colon, percent), each payer once.
    private static func shareList(_ r: FieldReader) -> [String: Int] {
        var shares: [String: Int] = [:]
        for item in r.list("shares") {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                r.report("quota «\(item)» nel campo «shares» non valida: scrivere pagante:percentuale separati da «;», "
                    + "es. P0001:50;P0003:50")
                continue
            }
            guard let value = sharePercent(r, parts[1], payer: parts[0]) else { continue }
            if shares.updateValue(value, forKey: parts[0]) != nil {
                r.report("il pagante \(parts[0]) ha due quote nel campo «shares»: indicarne una sola")
            }
        }
        return shares
    }

    /// Shares, when any payer of the child has one: the primary payer has one too (the odd cent of a split is
    /// theirs), and they sum to 100. A payer without a share then pays nothing.
    private static func checkShares(_ r: FieldReader, _ links: [Beneficiary.PayerLink]) {
        let shared = links.filter { $0.share != nil }
        guard !shared.isEmpty else { return }
        if let primary = links.first(where: \.primary), primary.share == nil {
            r.report("quote indicate per \(shared.map(\.payerId).joined(separator: ", ")) ma non per il pagante principale \(primary.payerId): "
                + "indicare la quota di ogni pagante che paga, in tutto 100")
        }
        let total = shared.reduce(0) { $0 + ($1.share ?? 0) }
        if total != 100 {
            let list = shared.map { "\($0.payerId) \($0.share ?? 0)%" }.joined(separator: ", ")
            r.report("le quote dei paganti (\(list)) sommano a \(total)% invece di 100%: correggerle (es. 50 e 50, 70 e 30)")
        }
    }

    static func enrollment(_ r: FieldReader, stored base: StoredRecords) -> Enrollment? {
        let id = r.id()
        let stored = id.flatMap { base.enrollments[$0] }
        let beneficiary = r.id("beneficiary")
        let service = r.id("service")
        let site = r.keeping("site", from: stored, \.siteId, fallback: nil) { r.reference("site") }
        let diet = r.keeping("diet", from: stored, \.dietId, fallback: nil) { r.reference("diet") }
        let route = r.keeping("route", from: stored, \.routeId, fallback: nil) { r.reference("route") }
        let outbound = r.keeping("outbound-stop", from: stored, \.outboundStopId, fallback: nil) { r.reference("outbound-stop") }
        let back = r.keeping("return-stop", from: stored, \.returnStopId, fallback: nil) { r.reference("return-stop") }
        let tariff = r.keeping("tariff", from: stored, \.tariffId, fallback: nil) { r.reference("tariff") }
        let school = r.keeping("school", from: stored, \.schoolId, fallback: nil) { r.reference("school") }
        let start = r.date("start")
        let end = r.keeping("end", from: stored, \.endDate, fallback: nil) { r.date("end", required: false) }
        if let start, let end, end < start {
            r.report("iscrizione dal \(start.italian) al \(end.italian): la fine precede l'inizio")
        }
        let exemption = r.keeping("exemption", from: stored, \.exemptionPercent, fallback: 0) {
            r.integer("exemption", in: 0...100, default: 0) ?? 0
        }
        let option = r.keeping("option", from: stored, \.optionId, fallback: nil) { r.reference("option") }
        let changes = r.keeping("option-changes", from: stored, \.optionChanges, fallback: []) { optionChangeList(r) }
        for (a, b) in zip(changes, changes.dropFirst()) where b.from <= a.from {
            r.report("cambi di opzione non in ordine di data: il \(b.from.italian) viene dopo il \(a.from.italian); uno per giorno, dal più vecchio")
        }
        if let start, let first = changes.first, first.from <= start {
            r.report("cambio di opzione dal \(first.from.italian), non dopo l'inizio dell'iscrizione (\(start.italian)): l'opzione iniziale va nel campo «option»")
        }
        if let end, let last = changes.last, last.from > end {
            r.report("cambio di opzione dal \(last.from.italian), dopo la fine dell'iscrizione (\(end.italian))")
        }
        if !changes.isEmpty, option == nil {
            r.report("cambi di opzione senza l'opzione iniziale: indicarla nel campo «option»")
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let id, let beneficiary, let service, let start else { return nil }
        return Enrollment(
            id: id, beneficiaryId: beneficiary, serviceId: service, siteId: site, dietId: diet, routeId: route,
            outboundStopId: outbound, returnStopId: back, tariffId: tariff, startDate: start, endDate: end,
            exemptionPercent: exemption, schoolId: school, optionId: option, optionChanges: changes
        )
    }

    /// `2026-11-16=part-time;2027-01-11=tempo-pieno`: from each day on, that option (XML attribute and CSV column).
    private static func optionChangeList(_ r: FieldReader) -> [Enrollment.OptionChange] {
        guard let text = r.optional("option-changes") else { return [] }
        var changes: [Enrollment.OptionChange] = []
        for part in text.split(separator: ";") {
            let pieces = part.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, let from = LocalDate(pieces[0]), !pieces[1].isEmpty else {
                r.report("cambio di opzione «\(part)» non valido nel campo «option-changes»: scrivere DATA=OPZIONE, es. 2026-11-16=part-time")
                return []
            }
            changes.append(Enrollment.OptionChange(from: from, optionId: pieces[1]))
        }
        return changes
    }

    static func card(_ r: FieldReader, stored base: StoredRecords) -> Card? {
        let code = r.id("code")
        let stored = code.flatMap { base.cards[$0] }
        if let code {
            do {
                _ = try CardPayload.decode(CardPayload.prefix + code)
            } catch {
                r.report("codice tessera «\(code)» non valido: \(error.userMessage)")
            }
        }
        let beneficiary = r.id("beneficiary")
        let issued = r.date("issued")
        let revoked = r.keeping("revoked", from: stored, \.revokedOn, fallback: nil) { r.date("revoked", required: false) }
        if let issued, let revoked, revoked < issued {
            r.report("tessera revocata il \(revoked.italian), prima dell'emissione del \(issued.italian)")
        }
        r.reportUnknownFields()
        guard !r.hasProblems, let code, let beneficiary, let issued else { return nil }
        return Card(id: code, beneficiaryId: beneficiary, issuedOn: issued, revokedOn: revoked)
    }
}
