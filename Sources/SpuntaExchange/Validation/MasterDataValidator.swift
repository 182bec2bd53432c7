import SpuntaDomain

/// Checks across records: every reference points to a record that exists after the import, nothing is
/// given twice (a card to two children, two enrollments of one child in one service at once), routes run in
/// time order. Records that come from the database and not the files are checked too: removing a class
/// that children still attend is a problem of the file that removed it.
public enum MasterDataValidator {
    /// The master data after applying `document` to `current`: for each kind in the files, the files'
    /// records; for every other kind, what the database has.
    public static func finalState(current: MasterDataSet, document: ExchangeDocument) -> MasterDataSet {
        let d = document.records
        let p = document.present
        var s = current
        if p.contains(.municipality) { s.municipality = d.municipality }
        if p.contains(.schoolYears) { s.schoolYears = d.schoolYears }
        if p.contains(.sites) { s.sites = d.sites }
        if p.contains(.classes) { s.classes = d.classes }
        if p.contains(.services) { s.services = d.services }
        if p.contains(.diets) { s.diets = d.diets }
        if p.contains(.tariffs) { s.tariffs = d.tariffs }
        if p.contains(.payers) { s.payers = d.payers }
        if p.contains(.beneficiaries) { s.beneficiaries = d.beneficiaries }
        if p.contains(.enrollments) { s.enrollments = d.enrollments }
        if p.contains(.cards) { s.cards = d.cards }
        if p.contains(.routes) {
            let currentRoutes = Dictionary(current.routes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let embedded = stopsEmbedded(document)
            s.routes = d.routes.map { route in
                var route = route
                // routes.csv carries no stops (they come from stops.csv), and its schools only in a `schools` column:
                // without it the stored schools are kept.
                if !embedded {
                    route.stops = currentRoutes[route.id]?.stops ?? []
                    if !document.schoolsGiven.contains(route.id) { route.schools = currentRoutes[route.id]?.schools ?? [] }
                }
                return route
            }
        }
        if p.contains(.stops), !stopsEmbedded(document) {
            for index in s.routes.indices {
                s.routes[index].stops = document.stopsByRoute[s.routes[index].id] ?? []
            }
        }
        return s
    }

    /// Whether the stops came inside their routes (XML) rather than from `stops.csv`.
    static func stopsEmbedded(_ document: ExchangeDocument) -> Bool {
        document.present.contains(.routes) && document.sectionLocations[.routes] == document.sectionLocations[.stops]
    }

    public static func validate(_ s: MasterDataSet, document: ExchangeDocument) -> [ImportProblem] {
        var check = Checker(document: document)
        check.run(s)
        return check.problems
    }
}

/// Walks the final state once, collecting problems.
private struct Checker {
    let document: ExchangeDocument
    var problems: [ImportProblem] = []

    init(document: ExchangeDocument) {
        self.document = document
    }

    /// Where to report a problem of `key`: its line if it came from the files, else the section that
    /// removed `blame` (the referenced record).
    func location(of key: EntityKey, blaming blame: EntityKind? = nil) -> SourceLocation? {
        if let here = document.locations[key] { return here }
        if let blame, let section = document.sectionLocations[blame] { return section }
        return document.sectionLocations[key.kind]
    }

    mutating func report(_ key: EntityKey, blaming blame: EntityKind? = nil, _ message: String) {
        guard let where_ = location(of: key, blaming: blame) else { return }
        let fromFiles = document.locations[key] != nil
        let subject = "\(key.kind.italianSingular) \(key.id)"
        if fromFiles {
            problems.append(ImportProblem(where_, "\(subject): \(message)"))
        } else {
            let what = blame.map { $0.italian } ?? key.kind.italian
            problems.append(ImportProblem(where_, "\(message), ma è ancora usato da \(subject) già in archivio: aggiornare anche i dati \(what == key.kind.italian ? "" : "di \(key.kind.italian) ")o lasciare il record nel file"))
        }
    }

    /// Ids that exist after the import, plus those of refused records (already reported on their own line).
    func ids(_ live: [String], _ kind: EntityKind) -> Set<String> {
        Set(live).union(document.rejected.filter { $0.kind == kind }.map(\.id))
    }

    func isRejected(_ kind: EntityKind, _ id: String) -> Bool {
        document.rejected.contains(EntityKey(kind, id))
    }

    mutating func run(_ s: MasterDataSet) {
        if s.municipality == nil, let first = document.sectionLocations.values.min(by: { ($0.file, $0.line) < ($1.file, $1.line) }) {
            problems.append(ImportProblem(first, "manca l'ente (<municipality>): importare prima il tracciato XML completo del Comune"))
        }
        let years = ids(s.schoolYears.map(\.id), .schoolYears)
        let sites = ids(s.sites.map(\.id), .sites)
        let classes = ids(s.classes.map(\.id), .classes)
        let servicesByID = Dictionary(s.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let diets = ids(s.diets.map(\.id), .diets)
        let tariffsByID = Dictionary(s.tariffs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let routesByID = Dictionary(s.routes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let payers = ids(s.payers.map(\.id), .payers)
        let beneficiaries = ids(s.beneficiaries.map(\.id), .beneficiaries)

        for year in s.schoolYears {
            for closure in year.closures {
                for service in closure.serviceIds where servicesByID[service] == nil && !isRejected(.services, service) {
                    report(EntityKey(.schoolYears, year.id), blaming: .services, "la chiusura del \(closure.from.italian) indica il servizio \(service), che non esiste")
                }
                for site in closure.siteIds where !sites.contains(site) {
                    report(EntityKey(.schoolYears, year.id), blaming: .sites, "la chiusura del \(closure.from.italian) indica il plesso \(site), che non esiste")
                }
            }
        }
        for c in s.classes {
            let key = EntityKey(.classes, c.id)
            if !sites.contains(c.siteId) { report(key, blaming: .sites, "il plesso \(c.siteId) non esiste") }
            if !years.contains(c.yearId) { report(key, blaming: .schoolYears, "l'anno scolastico \(c.yearId) non esiste") }
        }
        for service in s.services {
            let key = EntityKey(.services, service.id)
            if !years.contains(service.yearId) { report(key, blaming: .schoolYears, "l'anno scolastico \(service.yearId) non esiste") }
            for site in service.siteIds where !sites.contains(site) {
                report(key, blaming: .sites, "il plesso \(site) non esiste")
            }
        }
        checkTariffs(s, servicesByID: servicesByID)
        checkRoutes(s, servicesByID: servicesByID, sites: sites)
        checkPeople(s, payers: payers, classes: classes)
        checkEnrollments(
            s, beneficiaries: beneficiaries, servicesByID: servicesByID, diets: diets,
            tariffsByID: tariffsByID, routesByID: routesByID
        )
        checkCards(s, beneficiaries: beneficiaries)
    }

    /// The options a service declares, for a message: «opzioni: tempo-pieno, part-time» or that it has none.
    static func optionList(_ service: Service) -> String {
        service.options.isEmpty ? "il servizio non ha opzioni" : "opzioni: \(service.options.map(\.id).joined(separator: ", "))"
    }

    mutating func checkTariffs(_ s: MasterDataSet, servicesByID: [String: Service]) {
        for tariff in s.tariffs {
            let key = EntityKey(.tariffs, tariff.id)
            guard let service = servicesByID[tariff.serviceId] else {
                if isRejected(.services, tariff.serviceId) { continue }
                report(key, blaming: .services, "il servizio \(tariff.serviceId) non esiste")
                continue
            }
            let allowed: [Tariff.Unit]
            switch service.kind {
            case .canteen: allowed = [.meal, .month]
            case .transport: allowed = [.ride, .month, .year]
            case .nursery: allowed = [.month]
            case .preSchool, .postSchool, .other: allowed = [.month, .year, .meal]
            }
            if !allowed.contains(tariff.unit) {
                report(key, "unità «\(tariff.unit.rawValue)» non adatta a \(service.kind.italian) (ammesse: \(allowed.map(\.rawValue).joined(separator: ", ")))")
            }
            if let option = tariff.optionId, service.option(option) == nil {
                report(key, blaming: .services, "l'opzione «\(option)» non è un'opzione del servizio \(service.id) (\(Self.optionList(service)))")
            }
        }
        // Two tariffs of one service (and option) in force on the same day leave the price undecided.
        let byService = Dictionary(grouping: s.tariffs, by: { "\($0.serviceId)|\($0.optionId ?? "")" })
        for (_, tariffs) in byService.sorted(by: { $0.key < $1.key }) {
            let sorted = tariffs.sorted { ($0.validFrom, $0.id) < ($1.validFrom, $1.id) }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                let aEnd = a.validTo ?? LocalDate(year: 9999, month: 12, day: 31)!
                if b.validFrom <= aEnd {
                    report(EntityKey(.tariffs, b.id), "si sovrappone alla tariffa \(a.id) dal \(b.validFrom.italian): per ogni giorno deve valere una sola tariffa del servizio")
                }
            }
        }
    }

    mutating func checkRoutes(_ s: MasterDataSet, servicesByID: [String: Service], sites: Set<String>) {
        let finalRoutes = Set(s.routes.map(\.id))
        for (routeID, stops) in document.stopsByRoute.sorted(by: { $0.key < $1.key }) where !finalRoutes.contains(routeID) {
            for stop in stops {
                report(EntityKey(.stops, stop.id), "la linea \(routeID) non esiste (fermata su nessuna linea)")
            }
        }
        for route in s.routes {
            let key = EntityKey(.routes, route.id)
            if let service = servicesByID[route.serviceId] {
                if service.kind != .transport {
                    report(key, "il servizio \(route.serviceId) non è un servizio di trasporto")
                }
            } else if !isRejected(.services, route.serviceId) {
                report(key, blaming: .services, "il servizio \(route.serviceId) non esiste")
            }
            if route.stops.isEmpty {
                report(key, blaming: .stops, "la linea non ha fermate")
            }
            var schoolSites: Set<String> = []
            for school in route.schools {
                if !schoolSites.insert(school.siteId).inserted {
                    report(key, "il plesso \(school.siteId) è indicato due volte tra le scuole della linea")
                }
                if !sites.contains(school.siteId) { report(key, blaming: .sites, "la scuola \(school.siteId) non è un plesso esistente") }
                if !route.stops.contains(where: { $0.id == school.stopId }) {
                    report(key, "la fermata \(school.stopId) della scuola \(school.siteId) non è sulla linea")
                }
            }
            for (a, b) in zip(route.stops, route.stops.dropFirst()) {
                let stopKey = EntityKey(.stops, b.id)
                if b.outboundTime < a.outboundTime {
                    report(stopKey, "all'andata passa alle \(b.outboundTime), prima della fermata precedente \(a.id) (\(a.outboundTime)): elencare le fermate nell'ordine dell'andata")
                }
                if b.returnTime > a.returnTime {
                    report(stopKey, "al ritorno passa alle \(b.returnTime), dopo la fermata \(a.id) (\(a.returnTime)) che al ritorno viene dopo: il ritorno percorre le fermate in ordine inverso")
                }
            }
        }
    }

    mutating func checkPeople(_ s: MasterDataSet, payers: Set<String>, classes: Set<String>) {
        var payerByCode: [String: String] = [:]
        for payer in s.payers {
            let code = canonicalFiscalCode(payer.fiscalCode)
            if let other = payerByCode[code] {
                report(EntityKey(.payers, payer.id), "codice fiscale \(payer.fiscalCode) già usato dal pagante \(other)")
            } else {
                payerByCode[code] = payer.id
            }
        }
        var childByCode: [String: String] = [:]
        for child in s.beneficiaries {
            let key = EntityKey(.beneficiaries, child.id)
            let code = canonicalFiscalCode(child.fiscalCode)
            if let other = childByCode[code] {
                report(key, "codice fiscale \(child.fiscalCode) già usato dal fruitore \(other)")
            } else {
                childByCode[code] = child.id
            }
            if let classID = child.classId, !classes.contains(classID) {
                report(key, blaming: .classes, "la classe \(classID) non esiste")
            }
            for link in child.payers where !payers.contains(link.payerId) {
                report(key, blaming: .payers, "il pagante \(link.payerId) non esiste")
            }
        }
    }

    func canonicalFiscalCode(_ text: String) -> String {
        (try? CodiceFiscale(validating: text))?.canonical ?? text
    }

    mutating func checkEnrollments(
        _ s: MasterDataSet, beneficiaries: Set<String>, servicesByID: [String: Service], diets: Set<String>,
        tariffsByID: [String: Tariff], routesByID: [String: Route]
    ) {
        var spans: [String: [Enrollment]] = [:]
        for e in s.enrollments {
            let key = EntityKey(.enrollments, e.id)
            if !beneficiaries.contains(e.beneficiaryId) {
                report(key, blaming: .beneficiaries, "il fruitore \(e.beneficiaryId) non esiste")
            }
            guard let service = servicesByID[e.serviceId] else {
                if isRejected(.services, e.serviceId) { continue }
                report(key, blaming: .services, "il servizio \(e.serviceId) non esiste")
                continue
            }
            if let diet = e.dietId {
                if !diets.contains(diet) { report(key, blaming: .diets, "la dieta \(diet) non esiste") }
                if !service.kind.servesMeals {
                    report(key, "una dieta si indica solo per mensa o nido, non per \(service.kind.italian)")
                }
            }
            if let tariffID = e.tariffId {
                if let tariff = tariffsByID[tariffID] {
                    if tariff.serviceId != service.id {
                        report(key, "la tariffa \(tariffID) è del servizio \(tariff.serviceId), non di \(service.id)")
                    }
                } else if !isRejected(.tariffs, tariffID) {
                    report(key, blaming: .tariffs, "la tariffa \(tariffID) non esiste")
                }
            }
            for option in [e.optionId].compactMap({ $0 }) + e.optionChanges.map(\.optionId) where service.option(option) == nil {
                report(key, blaming: .services, "l'opzione «\(option)» non è un'opzione del servizio \(service.id) (\(Self.optionList(service)))")
            }
            if service.kind == .transport {
                checkTransportEnrollment(e, key: key, routesByID: routesByID, service: service)
            } else {
                if e.routeId != nil || e.outboundStopId != nil || e.returnStopId != nil || e.schoolId != nil {
                    report(key, "linea, fermate e scuola («school») si indicano solo per il trasporto")
                }
                if !service.siteIds.isEmpty {
                    if let site = e.siteId {
                        if !service.siteIds.contains(site) {
                            report(key, blaming: .services, "il servizio \(service.id) non è erogato nel plesso \(site) (plessi: \(service.siteIds.joined(separator: ", ")))")
                        }
                    } else {
                        report(key, "manca il plesso («site») dove il fruitore usa il servizio")
                    }
                }
            }
            spans["\(e.beneficiaryId)|\(e.serviceId)", default: []].append(e)
        }
        for (_, list) in spans.sorted(by: { $0.key < $1.key }) where list.count > 1 {
            let sorted = list.sorted { ($0.startDate, $0.id) < ($1.startDate, $1.id) }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                let aEnd = a.endDate ?? LocalDate(year: 9999, month: 12, day: 31)!
                if b.startDate <= aEnd {
                    report(EntityKey(.enrollments, b.id), "il fruitore \(b.beneficiaryId) è già iscritto a \(b.serviceId) in quel periodo (iscrizione \(a.id))")
                }
            }
        }
    }

    mutating func checkTransportEnrollment(_ e: Enrollment, key: EntityKey, routesByID: [String: Route], service: Service) {
        guard let routeID = e.routeId else {
            report(key, "manca la linea («route») per l'iscrizione al trasporto")
            return
        }
        guard let route = routesByID[routeID] else {
            if isRejected(.routes, routeID) { return }
            report(key, blaming: .routes, "la linea \(routeID) non esiste")
            return
        }
        if route.serviceId != service.id {
            report(key, "la linea \(routeID) appartiene al servizio \(route.serviceId), non a \(service.id)")
        }
        if e.outboundStopId == nil && e.returnStopId == nil {
            report(key, "indicare almeno una fermata («outbound-stop» o «return-stop»)")
        }
        let stops = Set(route.stops.map(\.id))
        for stop in [e.outboundStopId, e.returnStopId].compactMap({ $0 }) where !stops.contains(stop) && !isRejected(.stops, stop) {
            report(key, blaming: .stops, "la fermata \(stop) non è sulla linea \(routeID)")
        }
        if e.siteId != nil {
            report(key, "il plesso non si indica per il trasporto: la scuola del bambino va nel campo «school»")
        }
        if let school = e.schoolId, !route.schools.isEmpty, !route.schools.contains(where: { $0.siteId == school }) {
            report(key, "la linea \(routeID) non serve la scuola \(school) (scuole: \(route.schools.map(\.siteId).joined(separator: ", ")))")
        }
    }

    mutating func checkCards(_ s: MasterDataSet, beneficiaries: Set<String>) {
        var activeCard: [String: String] = [:]
        // Cards kept from the database come first (when the files carry cards, the ones the office issued or revoked):
        // a card of the files that would give a child a second active card is then the one reported, on its line.
        let located = document.locations
        let fromFiles = { (card: Card) in located[EntityKey(.cards, card.id)] != nil }
        for card in s.cards.filter({ !fromFiles($0) }) + s.cards.filter(fromFiles) {
            let key = EntityKey(.cards, card.id)
            if !beneficiaries.contains(card.beneficiaryId) {
                report(key, blaming: .beneficiaries, "il fruitore \(card.beneficiaryId) non esiste")
            }
            guard card.revokedOn == nil else { continue }
            if let other = activeCard[card.beneficiaryId] {
                if document.present.contains(.cards) && document.locations[EntityKey(.cards, other)] == nil {
                    report(key, "il fruitore \(card.beneficiaryId) ha già la tessera attiva \(other), emessa dall'ufficio (spunta-server cards), "
                        + "che l'importazione mantiene: togliere questa tessera dal file o indicarla revocata (campo «revoked»)")
                } else {
                    report(key, "il fruitore \(card.beneficiaryId) ha già la tessera attiva \(other): revocare quella vecchia (campo «revoked»)")
                }
            } else {
                activeCard[card.beneficiaryId] = card.id
            }
        }
    }
}
