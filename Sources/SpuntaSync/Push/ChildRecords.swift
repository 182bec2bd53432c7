import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// What the master data says about the children a pushed batch names: which class each belongs to on which
/// dates, and what each is enrolled in. Loaded for all the children of a batch in two queries per few hundred
/// children, so that checking an op against its child costs no query (the checks run on the server's single
/// writer for every op). A push handler may read them beside the writer (`PushService.prepare`): they are values,
/// handed to the writer with the master data's version they were read at.
struct ChildRecords: Sendable {
    /// Appartenenza a una classe: the child belongs to `classId` from `from` through `through`.
    ///
    /// A child has one class (`beneficiary.class_id`) for the span of that class's school year, narrowed by the
    /// membership's own dates (`class_from`, `class_to`: a child who starts on 16 November is not in the register
    /// from 1 November). Should a child one day move class during the year, the loader gives one spell per period
    /// and the checks stay the same.
    struct ClassSpell: Equatable, Sendable {
        let classId: String
        let from: LocalDate
        let through: LocalDate

        func covers(_ date: LocalDate) -> Bool { from <= date && date <= through }
    }

    /// Iscrizione as the checks need it: the service (and whether it serves meals), where, and when.
    struct EnrollmentSpell: Equatable, Sendable {
        let serviceId: String
        let servesMeals: Bool
        let siteId: String?
        let routeId: String?
        let from: LocalDate
        let through: LocalDate?

        func covers(_ date: LocalDate) -> Bool { from <= date && through.map { date <= $0 } ?? true }
    }

    /// One child: present in the master data (possibly removed since, then with no class and no enrollment).
    struct Child: Equatable, Sendable {
        var classes: [ClassSpell] = []
        var enrollments: [EnrollmentSpell] = []
    }

    private var children: [String: Child] = [:]
    private var loaded: Set<String> = []
    /// The school-year span of each class read so far (nil: the class or its year is removed, or a date unreadable),
    /// and the kind of each live service: a batch's children share a few classes and the city has a few services, so
    /// these are read once per batch instead of joined again for every child.
    private var classSpans: [String: (start: LocalDate, end: LocalDate)?] = [:]
    private var serviceKinds: [String: String]?

    /// The child's records, or nil when the master data has never known the child.
    subscript(_ id: String) -> Child? { children[id] }

    /// The children an op names: its child, or every child a ride's end lists aboard.
    static func children(of ops: some Sequence<Op>) -> [String] {
        var children: [String] = []
        for op in ops {
            if case .rideClosed(let r) = op.body {
                children += r.aboard
            } else if let child = op.body.beneficiaryId {
                children.append(child)
            }
        }
        return children
    }

    /// Reads the records of the children of `ids` not read yet.
    mutating func load(_ db: Database, _ ids: some Sequence<String>) throws {
        let missing = Set(ids).subtracting(loaded).sorted()
        guard !missing.isEmpty else { return }
        if serviceKinds == nil {
            var kinds: [String: String] = [:]
            try db.forEach("SELECT id, kind FROM service WHERE deleted = 0") { row in
                if case .text(let id) = row.value(at: 0), case .text(let kind) = row.value(at: 1) { kinds[id] = kind }
            }
            serviceKinds = kinds
        }
        for start in stride(from: 0, to: missing.count, by: 500) {
            let chunk = Array(missing[start..<min(missing.count, start + 500)])
            let (list, args) = ReplicaProjector.inList(chunk)
            // The children first, with the class each belongs to; then the spans of the classes not seen yet.
            var members: [(id: String, classID: String, joined: String?, left: String?)] = []
            var live: Set<String> = []
            try db.forEach("SELECT id, deleted, class_id, class_from, class_to FROM beneficiary WHERE id IN \(list)", args) { row in
                guard case .text(let id) = row.value(at: 0) else { return }
                children[id] = Child()
                guard case .integer(0) = row.value(at: 1) else { return }
                live.insert(id)
                if case .text(let classID) = row.value(at: 2) {
                    members.append((id, classID, Self.text(row.value(at: 3)), Self.text(row.value(at: 4))))
                }
            }
            let unseen = Array(Set(members.map(\.classID)).filter { classSpans[$0] == nil }).sorted()
            if !unseen.isEmpty {
                for id in unseen { classSpans[id] = .some(nil) }
                let (classList, classArgs) = ReplicaProjector.inList(unseen)
                try db.forEach("""
                    SELECT c.id, y.start_date, y.end_date FROM school_class c JOIN school_year y ON y.id = c.year_id AND y.deleted = 0
                    WHERE c.deleted = 0 AND c.id IN \(classList)
                    """, classArgs) { row in
                    guard case .text(let id) = row.value(at: 0), let yearStart = Self.text(row.value(at: 1)).flatMap({ LocalDate($0) }),
                          let yearEnd = Self.text(row.value(at: 2)).flatMap({ LocalDate($0) }) else { return }
                    classSpans[id] = .some((yearStart, yearEnd))
                }
            }
            for member in members {
                guard let span = classSpans[member.classID] ?? nil else { continue }
                // A membership date the store cannot read grants nothing (the import never writes one).
                let from = member.joined.map { LocalDate($0) ?? span.end.adding(days: 1) }.map { max($0, span.start) } ?? span.start
                let through = member.left.map { LocalDate($0) ?? span.start.adding(days: -1) }.map { min($0, span.end) } ?? span.end
                if from <= through {
                    children[member.id]?.classes.append(ClassSpell(classId: member.classID, from: from, through: through))
                }
            }
            let kinds = serviceKinds ?? [:]
            try db.forEach("""
                SELECT beneficiary_id, service_id, site_id, route_id, start_date, end_date FROM enrollment
                WHERE deleted = 0 AND beneficiary_id IN \(list)
                """, args) { row in
                // Only the enrollments of a live child in a live service count.
                guard case .text(let child) = row.value(at: 0), live.contains(child), case .text(let service) = row.value(at: 1),
                      let kind = kinds[service] else { return }
                let throughText = Self.text(row.value(at: 5))
                let through = throughText.flatMap { LocalDate($0) }
                // A date the store cannot read grants nothing (the import never writes one).
                guard let from = Self.text(row.value(at: 4)).flatMap({ LocalDate($0) }), (throughText == nil) == (through == nil) else { return }
                children[child]?.enrollments.append(EnrollmentSpell(
                    serviceId: service, servesMeals: Service.Kind(rawValue: kind)?.servesMeals ?? false,
                    siteId: Self.text(row.value(at: 2)), routeId: Self.text(row.value(at: 3)), from: from, through: through
                ))
            }
        }
        loaded.formUnion(missing)
    }

    private static func text(_ value: DatabaseValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
}
