import SpuntaDomain

/// The records the database has, by id: what a field that a file leaves out keeps (see `FieldReader.keeping`).
struct StoredRecords {
    let sites: [String: Site]
    let classes: [String: SchoolClass]
    let services: [String: Service]
    let diets: [String: Diet]
    let tariffs: [String: Tariff]
    let routes: [String: Route]
    let payers: [String: Payer]
    let beneficiaries: [String: Beneficiary]
    let enrollments: [String: Enrollment]
    let cards: [String: Card]

    init(_ s: MasterDataSet) {
        func index<T>(_ items: [T], _ id: (T) -> String) -> [String: T] {
            Dictionary(items.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
        }
        sites = index(s.sites, \.id)
        classes = index(s.classes, \.id)
        services = index(s.services, \.id)
        diets = index(s.diets, \.id)
        tariffs = index(s.tariffs, \.id)
        routes = index(s.routes, \.id)
        payers = index(s.payers, \.id)
        beneficiaries = index(s.beneficiaries, \.id)
        enrollments = index(s.enrollments, \.id)
        cards = index(s.cards, \.id)
    }
}
