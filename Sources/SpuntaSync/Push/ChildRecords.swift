import SpuntaDomain
import SpuntaStore

/// What the master data says about the children a pushed batch names: which class each belongs to on which
/// dates, and what each is enrolled in. Loaded for all the children of a batch in two queries per few hundred
/// children, so that checking an op against its child costs no query (the checks run on the server's single
/// writer for every op).
struct ChildRecords {
    /// Appartenenza a una classe: the child belongs to `classId` from `from` through `through`.
    ///
    /// A child has one class (`beneficiary.class_id`) for the span of that class's school year, narrowed by the
    /// membership's own dates (`class_from`, `class_to`: a child who starts on 16 November is not in the register
    /// from 1 November). Should a child one day move class during the year, the loader gives one spell per period
    /// and the checks stay the same.
    struct ClassSpell: Equatable {
        let classId: String
        let from: LocalDate
        let through: LocalDate

        func covers(_ date: LocalDate) -> Bool { from <= date && date <= through }
    }

    /// Iscrizione as the checks need it: the service (and whether it serves meals), where, and when.
    struct EnrollmentSpell: Equatable {
        let serviceId: String
        let servesMeals: Bool
        let siteId: String?
        let routeId: String?
        let from: LocalDate
        let through: LocalDate?

        func covers(_ date: LocalDate) -> Bool { from <= date && through.map { date <= $0 } ?? true }
    }

    /// One child: present in the master data (possibly removed since, then with no class and no enrollment).
    struct Child {
        var classes: [ClassSpell] = []
        var enrollments: [EnrollmentSpell] = []
    }

    private var children: [String: Child] = [:]
    private var loaded: Set<String> = []

    /// The child's records, or nil when the master data has never known the child.
    subscript(_ id: String) -> Child? { children[id] }

    /// Reads the records of the children of `ids` not read yet.
    mutating func load(_ db: Database, _ ids: some Sequence<String>) throws {
        let missing = Set(ids).subtracting(loaded).sorted()
        guard !missing.isEmpty else { return }
        for start in stride(from: 0, to: missing.count, by: 500) {
            let chunk = Array(missing[start..<min(missing.count, start + 500)])
            let (list, args) = ReplicaProjector.inList(chunk)
            try db.forEach("""
                SELECT b.id, b.deleted, c.id, y.start_date, y.end_date, b.class_from, b.class_to FROM beneficiary b
                    LEFT JOIN school_class c ON c.id = b.class_id AND c.deleted = 0
                    LEFT JOIN school_year y ON y.id = c.year_id AND y.deleted = 0
                WHERE b.id IN \(list)
                """, args) { row in
                let id: String = try row[0]
                var child = Child()
                if (try row[1] as Int64) == 0, let classID: String = try row[2],
                   let yearStart = LocalDate(try row[3] as String? ?? ""), let yearEnd = LocalDate(try row[4] as String? ?? "") {
                    // A membership date the store cannot read grants nothing (the import never writes one).
                    let joined: String? = try row[5], left: String? = try row[6]
                    let from = joined.map { LocalDate($0) ?? yearEnd.adding(days: 1) }.map { max($0, yearStart) } ?? yearStart
                    let through = left.map { LocalDate($0) ?? yearStart.adding(days: -1) }.map { min($0, yearEnd) } ?? yearEnd
                    if from <= through {
                        child.classes.append(ClassSpell(classId: classID, from: from, through: through))
                    }
                }
                children[id] = child
            }
            try db.forEach("""
                SELECT e.beneficiary_id, e.service_id, s.kind, e.site_id, e.route_id, e.start_date, e.end_date
                FROM enrollment e JOIN service s ON s.id = e.service_id AND s.deleted = 0
                    JOIN beneficiary b ON b.id = e.beneficiary_id AND b.deleted = 0
                WHERE e.deleted = 0 AND e.beneficiary_id IN \(list)
                """, args) { row in
                let throughText: String? = try row[6]
                let through = throughText.flatMap { LocalDate($0) }
                // A date the store cannot read grants nothing (the import never writes one).
                guard let from = LocalDate(try row[5] as String), (throughText == nil) == (through == nil) else { return }
                children[try row[0] as String]?.enrollments.append(EnrollmentSpell(
                    serviceId: try row[1], servesMeals: Service.Kind(rawValue: try row[2])?.servesMeals ?? false,
                    siteId: try row[3], routeId: try row[4], from: from, through: through
                ))
            }
        }
        loaded.formUnion(missing)
    }
}
