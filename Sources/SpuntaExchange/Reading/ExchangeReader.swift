import Foundation
import SpuntaDomain

/// Reads exchange files — one tracciato XML and/or CSV files named after their kind — into one
/// `ExchangeDocument`. Never throws for bad content: every problem is collected with its file and line.
public struct ExchangeReader {
    public static let formatVersion = "1"

    /// The XML sections: container element, item element, kind.
    static let sections: [(container: String, item: String, kind: EntityKind)] = [
        ("school-years", "school-year", .schoolYears),
        ("sites", "site", .sites),
        ("classes", "class", .classes),
        ("services", "service", .services),
        ("diets", "diet", .diets),
        ("tariffs", "tariff", .tariffs),
        ("routes", "route", .routes),
        ("payers", "payer", .payers),
        ("beneficiaries", "beneficiary", .beneficiaries),
        ("enrollments", "enrollment", .enrollments),
        ("cards", "card", .cards),
    ]

    /// CSV files: the file name (without `.csv`) starts with one of these.
    static let csvKinds: [(prefix: String, kind: EntityKind)] = [
        ("sites", .sites), ("classes", .classes), ("diets", .diets), ("tariffs", .tariffs),
        ("routes", .routes), ("stops", .stops), ("payers", .payers), ("beneficiaries", .beneficiaries),
        ("enrollments", .enrollments), ("cards", .cards),
    ]

    private var document = ExchangeDocument()
    private var firstLineOfID: [EntityKey: SourceLocation] = [:]
    /// What the database has: a field a record leaves out keeps its stored value.
    private let stored: StoredRecords

    /// A reader whose records keep, for the fields they leave out, the values of `current` (the database).
    public init(current: MasterDataSet = MasterDataSet()) {
        stored = StoredRecords(current)
    }

    /// Reads the files at `paths` (XML by content or `.xml`, CSV by `.csv`); fields the records leave out
    /// keep their values in `current`.
    public static func read(paths: [String], current: MasterDataSet = MasterDataSet()) -> ExchangeDocument {
        var reader = ExchangeReader(current: current)
        for path in paths {
            reader.readFile(at: path)
        }
        return reader.document
    }

    /// Reads in-memory contents (tests, fuzzing): pairs of display name and bytes.
    public static func read(files: [(name: String, data: Data)], current: MasterDataSet = MasterDataSet()) -> ExchangeDocument {
        var reader = ExchangeReader(current: current)
        for file in files {
            reader.read(data: file.data, name: file.name)
        }
        return reader.document
    }

    private mutating func readFile(at path: String) {
        let name = (path as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            problem(SourceLocation(file: path, line: 0), "file non trovato: controllare il percorso")
            return
        }
        guard !isDirectory.boolValue else {
            problem(SourceLocation(file: path, line: 0), "è una cartella, non un file: indicare i file da importare")
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            problem(SourceLocation(file: path, line: 0), "file non leggibile: controllare i permessi")
            return
        }
        read(data: data, name: name == path ? name : path)
    }

    private mutating func read(data: Data, name: String) {
        let lower = (name as NSString).lastPathComponent.lowercased()
        if lower.hasSuffix(".csv") {
            readCSV(data, file: name)
        } else {
            readXML(data, file: name)
        }
    }

    private mutating func problem(_ location: SourceLocation, _ message: String) {
        document.problems.append(ImportProblem(location, message))
    }

    private mutating func claim(_ kind: EntityKind, at location: SourceLocation) -> Bool {
        if let previous = document.sectionLocations[kind] {
            problem(location, "\(kind.italian) già presenti in \(previous): ogni tipo di dato va in un solo file per importazione")
            return false
        }
        document.present.insert(kind)
        document.sectionLocations[kind] = location
        return true
    }

    /// Records where a record is, reporting an id already used by a record of the same kind.
    private mutating func locate(_ key: EntityKey, at location: SourceLocation) -> Bool {
        if let first = firstLineOfID[key] {
            if key.kind == .cards, let holder = document.records.cards.first(where: { $0.id == key.id })?.beneficiaryId {
                problem(location, "tessera \(key.id): già assegnata al fruitore \(holder) in \(first); una tessera appartiene a un solo fruitore")
            } else {
                problem(location, "\(key.kind.italianSingular) \(key.id): identificativo duplicato (già usato in \(first))")
            }
            return false
        }
        firstLineOfID[key] = location
        document.locations[key] = location
        return true
    }

    private mutating func collect(_ reader: FieldReader) {
        document.problems.append(contentsOf: reader.problems)
        document.warnings.append(contentsOf: reader.warnings)
        for field in reader.kept {
            document.kept[reader.kind, default: [:]][field, default: 0] += 1
        }
        if reader.hasProblems, let id = reader.recordID {
            document.rejected.insert(EntityKey(reader.kind, id))
        }
    }

    // MARK: XML

    private mutating func readXML(_ data: Data, file: String) {
        let root: XMLNode
        switch XMLTree.parse(data, file: file) {
        case .failure(let failure):
            document.problems.append(failure)
            return
        case .success(let node):
            root = node
        }
        guard root.name == "spunta-exchange" else {
            problem(SourceLocation(file: file, line: root.line), "elemento radice <\(root.name)> inatteso: il tracciato inizia con <spunta-exchange version=\"1\">")
            return
        }
        let version = root.attributes["version"]
        guard version == Self.formatVersion else {
            problem(
                SourceLocation(file: file, line: root.line),
                "versione del tracciato «\(version ?? "assente")» non supportata: questa versione di Spunta legge la versione \(Self.formatVersion)"
            )
            return
        }
        for name in root.attributeOrder where name != "version" && name != "generated" {
            problem(SourceLocation(file: file, line: root.line), "attributo sconosciuto «\(name)» in <spunta-exchange>")
        }
        if !root.text.isEmpty {
            problem(SourceLocation(file: file, line: root.line), "testo inatteso dentro <spunta-exchange>: i dati vanno negli attributi degli elementi")
        }
        for child in root.children {
            let location = SourceLocation(file: file, line: child.line)
            if child.name == "municipality" {
                guard claim(.municipality, at: location) else { continue }
                let r = fields(child, file: file, kind: .municipality)
                noChildren(child, file: file)
                document.records.municipality = RecordDecoder.municipality(r)
                collect(r)
                continue
            }
            guard let section = Self.sections.first(where: { $0.container == child.name }) else {
                let known = (["municipality"] + Self.sections.map(\.container)).joined(separator: ", ")
                problem(location, "sezione <\(child.name)> sconosciuta: sezioni ammesse \(known)")
                continue
            }
            guard claim(section.kind, at: location) else { continue }
            if section.kind == .routes {
                _ = claim(.stops, at: location)
            }
            for item in child.children {
                guard item.name == section.item else {
                    problem(SourceLocation(file: file, line: item.line), "elemento <\(item.name)> inatteso in <\(child.name)>: ammesso solo <\(section.item)>")
                    continue
                }
                readXMLItem(item, kind: section.kind, file: file)
            }
        }
    }

    private func fields(_ node: XMLNode, file: String, kind: EntityKind) -> FieldReader {
        FieldReader(values: node.attributes, order: node.attributeOrder, location: SourceLocation(file: file, line: node.line), kind: kind)
    }

    private mutating func noChildren(_ node: XMLNode, file: String) {
        for child in node.children {
            problem(SourceLocation(file: file, line: child.line), "elemento <\(child.name)> inatteso dentro <\(node.name)>")
        }
    }

    private mutating func children(
        of node: XMLNode, named name: String, file: String
    ) -> [XMLNode] {
        var result: [XMLNode] = []
        for child in node.children {
            if child.name == name {
                result.append(child)
            } else {
                problem(SourceLocation(file: file, line: child.line), "elemento <\(child.name)> inatteso dentro <\(node.name)>: ammesso solo <\(name)>")
            }
        }
        return result
    }

    private mutating func readXMLItem(_ item: XMLNode, kind: EntityKind, file: String) {
        let location = SourceLocation(file: file, line: item.line)
        let r = fields(item, file: file, kind: kind)
        switch kind {
        case .schoolYears:
            var closures: [SchoolYear.Closure] = []
            for child in children(of: item, named: "closure", file: file) {
                let cr = fields(child, file: file, kind: .schoolYears)
                if let closure = RecordDecoder.closure(cr) { closures.append(closure) }
                collect(cr)
            }
            if let year = RecordDecoder.schoolYear(r, closures: closures), locate(EntityKey(.schoolYears, year.id), at: location) {
                document.records.schoolYears.append(year)
            }
        case .sites:
            noChildren(item, file: file)
            if let site = RecordDecoder.site(r, stored: stored), locate(EntityKey(.sites, site.id), at: location) {
                document.records.sites.append(site)
            }
        case .classes:
            noChildren(item, file: file)
            if let value = RecordDecoder.schoolClass(r, stored: stored), locate(EntityKey(.classes, value.id), at: location) {
                document.records.classes.append(value)
            }
        case .services:
            var options: [Service.Option] = []
            var optionsOK = true
            for child in children(of: item, named: "option", file: file) {
                let or = fields(child, file: file, kind: .services)
                if let option = RecordDecoder.serviceOption(or, service: item.attributes["id"]) { options.append(option) } else { optionsOK = false }
                collect(or)
            }
            if optionsOK, let value = RecordDecoder.service(r, stored: stored, options: options.isEmpty ? nil : options), locate(EntityKey(.services, value.id), at: location) {
                document.records.services.append(value)
            }
        case .diets:
            noChildren(item, file: file)
            if let value = RecordDecoder.diet(r, stored: stored), locate(EntityKey(.diets, value.id), at: location) {
                document.records.diets.append(value)
            }
        case .tariffs:
            var bands: [Tariff.Band] = []
            var bandsOK = true
            for child in children(of: item, named: "band", file: file) {
                let br = fields(child, file: file, kind: .tariffs)
                if let band = RecordDecoder.band(br) { bands.append(band) } else { bandsOK = false }
                collect(br)
            }
            if let value = RecordDecoder.tariff(r, bands: bandsOK ? bands : nil, stored: stored), locate(EntityKey(.tariffs, value.id), at: location) {
                document.records.tariffs.append(value)
            }
        case .routes:
            var stops: [Stop] = []
            var schools: [RouteSchool] = []
            for child in item.children {
                switch child.name {
                case "stop":
                    let sr = fields(child, file: file, kind: .stops)
                    if let stop = RecordDecoder.stop(sr), locate(EntityKey(.stops, stop.id), at: SourceLocation(file: file, line: child.line)) {
                        stops.append(stop)
                    }
                    collect(sr)
                case "school":
                    let sr = fields(child, file: file, kind: .routes)
                    if let school = RecordDecoder.routeSchool(sr) { schools.append(school) }
                    collect(sr)
                default:
                    problem(SourceLocation(file: file, line: child.line), "elemento <\(child.name)> inatteso dentro <route>: ammessi solo <stop> e <school>")
                }
            }
            if let value = RecordDecoder.route(r, stops: stops, schools: schools, stored: stored), locate(EntityKey(.routes, value.id), at: location) {
                document.records.routes.append(value)
            }
        case .payers:
            noChildren(item, file: file)
            if let value = RecordDecoder.payer(r, stored: stored), locate(EntityKey(.payers, value.id), at: location) {
                document.records.payers.append(value)
            }
        case .beneficiaries:
            var links: [(link: Beneficiary.PayerLink, sharePresent: Bool)] = []
            var linksOK = true
            for child in children(of: item, named: "payer", file: file) {
                let pr = fields(child, file: file, kind: .beneficiaries)
                if let link = RecordDecoder.payerLink(pr) { links.append(link) } else { linksOK = false }
                collect(pr)
            }
            if let value = RecordDecoder.beneficiary(r, payers: links, payersRead: linksOK, stored: stored), locate(EntityKey(.beneficiaries, value.id), at: location) {
                document.records.beneficiaries.append(value)
            }
        case .enrollments:
            noChildren(item, file: file)
            if let value = RecordDecoder.enrollment(r, stored: stored), locate(EntityKey(.enrollments, value.id), at: location) {
                document.records.enrollments.append(value)
            }
        case .cards:
            noChildren(item, file: file)
            if let value = RecordDecoder.card(r, stored: stored), locate(EntityKey(.cards, value.id), at: location) {
                document.records.cards.append(value)
            }
        case .municipality, .stops:
            break
        }
        collect(r)
    }

    // MARK: CSV

    private mutating func readCSV(_ data: Data, file: String) {
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension.lowercased()
        guard let kind = Self.csvKinds.first(where: { base.hasPrefix($0.prefix) })?.kind else {
            let names = Self.csvKinds.map { "\($0.prefix).csv" }.joined(separator: ", ")
            problem(SourceLocation(file: file, line: 0), "dal nome del file non si capisce che cosa contiene: chiamarlo \(names)")
            return
        }
        let table: CSVTable
        switch CSVTable.parse(data, file: file, allowWindows1252: true) {
        case .failure(let failure):
            document.problems.append(failure)
            return
        case .success(let parsed):
            table = parsed
        }
        if table.encoding != .utf8 {
            let example = table.firstNonASCIICell
            document.recoded.append(RecodedFile(file: file, encoding: table.encoding, line: example?.line, example: example?.text))
        }
        let headerLocation = SourceLocation(file: file, line: table.headerLine)
        guard claim(kind, at: headerLocation) else { return }
        var seen: Set<String> = []
        for name in table.header {
            if name.isEmpty {
                problem(headerLocation, "intestazione con una colonna senza nome")
            } else if !seen.insert(name).inserted {
                problem(headerLocation, "colonna «\(name)» ripetuta nell'intestazione")
            }
        }
        var stopsByRoute: [(route: String, stops: [Stop])] = []
        for record in table.records {
            let location = SourceLocation(file: file, line: record.line)
            if record.fields.count != table.header.count {
                problem(location, "\(record.fields.count) colonne invece delle \(table.header.count) dell'intestazione (separatore «\(table.separator)»): controllare virgolette e separatori")
                continue
            }
            var values: [String: String] = [:]
            for (name, value) in zip(table.header, record.fields) { values[name] = value }
            let r = FieldReader(values: values, order: table.header, location: location, kind: kind)
            switch kind {
            case .sites:
                if let v = RecordDecoder.site(r, stored: stored), locate(EntityKey(kind, v.id), at: location) { document.records.sites.append(v) }
            case .classes:
                if let v = RecordDecoder.schoolClass(r, stored: stored), locate(EntityKey(kind, v.id), at: location) { document.records.classes.append(v) }
            case .diets:
                if let v = RecordDecoder.diet(r, stored: stored), locate(EntityKey(kind, v.id), at: location) { document.records.diets.append(v) }
            case .tariffs:
                if let v = RecordDecoder.tariff(r, bands: nil, stored: stored), locate(EntityKey(kind, v.id), at: location) { document.records.tariffs.append(v) }
            case .routes:
                if let v = RecordDecoder.route(r, stops: [], schoolsColumn: true), locate(EntityKey(kind, v.id), at: location) {
                    document.records.routes.append(v)
                    if r.isPresent("schools") { document.schoolsGiven.insert(v.id) }
                }
            case .stops:
                let route = r.id("route")
                if let v = RecordDecoder.stop(r), let route, locate(EntityKey(kind, v.id), at: location) {
                    if let index = stopsByRoute.firstIndex(where: { $0.route == route }) {
                        stopsByRoute[index].stops.append(v)
                    } else {
                        stopsByRoute.append((route, [v]))
                    }
                }
            case .payers:
                if let v = RecordDecoder.payer(r, stored: stored), locate(EntityKey(kind, v.id), at: location) { document.records.payers.append(v) }
            case .beneficiaries:
                if let v = RecordDecoder.beneficiary(r, payers: nil, stored: stored), locate(EntityKey(kind, v.id), at: location) { document.records.beneficiaries.append(v) }
            case .enrollments:
                if let v = RecordDecoder.enrollment(r, stored: stored), locate(EntityKey(kind, v.id), at: location) { document.records.enrollments.append(v) }
            case .cards:
                if let v = RecordDecoder.card(r, stored: stored), locate(EntityKey(kind, v.id), at: location) { document.records.cards.append(v) }
            case .municipality, .schoolYears, .services:
                break
            }
            collect(r)
        }
        if kind == .stops {
            for (route, stops) in stopsByRoute {
                document.stopsByRoute[route] = stops
            }
        }
    }
}
