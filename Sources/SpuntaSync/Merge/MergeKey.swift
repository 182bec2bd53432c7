import SpuntaDomain
import SpuntaProtocol

/// The unit the merge recomputes: all ops about one fact, whatever their order of arrival.
enum MergeKey: Hashable, Comparable {
    /// The register of one child on one day.
    case attendance(ChildDay)
    /// The justification of one absence (the child and the day of the absence).
    case justification(ChildDay)
    /// The meal of one child in one service on one day.
    case meal(beneficiary: String, service: String, date: LocalDate)
    /// One ride of one child: route, day, direction.
    case ride(beneficiary: String, route: String, date: LocalDate, direction: Direction)

    /// The facts an op touches: one for most ops; for an absence period, the register and the justification of
    /// each of its days (the period is the fallback of those days' register).
    static func keys(of op: Op) -> [MergeKey] {
        switch op.body {
        case .attendanceMarked(let a): return [.attendance(ChildDay(beneficiaryId: a.beneficiaryId, date: op.businessDate))]
        case .absenceJustified(let a): return [.justification(ChildDay(beneficiaryId: a.beneficiaryId, date: a.absenceDate))]
        case .absencePeriodRecorded(let p): return periodKeys(beneficiary: p.beneficiaryId, from: p.fromDate, to: p.toDate)
        case .mealScanned(let m), .mealRecorded(let m):
            return [.meal(beneficiary: m.beneficiaryId, service: m.serviceId, date: op.businessDate)]
        case .boarding(let r), .alighting(let r):
            return [.ride(beneficiary: r.beneficiaryId, route: r.routeId, date: op.businessDate, direction: r.direction)]
        case .void, .rideClosed: return []
        }
    }

    static func keys(of stored: StoredOp) -> [MergeKey] {
        guard let b = stored.beneficiaryId else { return [] }
        switch stored.type {
        case .attendanceMarked: return [.attendance(ChildDay(beneficiaryId: b, date: stored.businessDate))]
        case .absenceJustified:
            guard let d = stored.absenceDate else { return [] }
            return [.justification(ChildDay(beneficiaryId: b, date: d))]
        case .absencePeriodRecorded:
            guard let from = stored.absenceDate, let to = stored.absenceTo else { return [] }
            return periodKeys(beneficiary: b, from: from, to: to)
        case .mealScanned, .mealRecorded:
            guard let s = stored.serviceId else { return [] }
            return [.meal(beneficiary: b, service: s, date: stored.businessDate)]
        case .boarding, .alighting:
            guard let r = stored.routeId, let d = stored.direction else { return [] }
            return [.ride(beneficiary: b, route: r, date: stored.businessDate, direction: d)]
        case .void, .rideClosed: return []
        }
    }

    /// The longest period whose days the merge expands: a period is checked to lie within a school year when it is
    /// pushed or entered, so this only bounds a row altered by hand.
    static let maxPeriodDays = 400

    private static func periodKeys(beneficiary: String, from: LocalDate, to: LocalDate) -> [MergeKey] {
        guard from <= to, to.dayNumber - from.dayNumber < maxPeriodDays else { return [] }
        return LocalDate.days(from: from, through: to).flatMap { day in
            [MergeKey.attendance(ChildDay(beneficiaryId: beneficiary, date: day)), .justification(ChildDay(beneficiaryId: beneficiary, date: day))]
        }
    }

    /// Order: kind, then child, then the rest; compared field by field, never through formatted strings.
    private var rank: Int {
        switch self {
        case .attendance: return 0
        case .justification: return 1
        case .meal: return 2
        case .ride: return 3
        }
    }

    /// Each side is matched on its own rather than as a pair: a tuple of the two keys copies both (the merge sorts the
    /// keys of every push).
    static func < (lhs: MergeKey, rhs: MergeKey) -> Bool {
        switch lhs {
        case .attendance(let a):
            if case .attendance(let b) = rhs { return a < b }
        case .justification(let a):
            if case .justification(let b) = rhs { return a < b }
        case .meal(let b1, let s1, let d1):
            if case .meal(let b2, let s2, let d2) = rhs { return (b1, s1, d1) < (b2, s2, d2) }
        case .ride(let b1, let r1, let d1, let x1):
            if case .ride(let b2, let r2, let d2, let x2) = rhs { return (b1, r1, d1, x1.rawValue) < (b2, r2, d2, x2.rawValue) }
        }
        return lhs.rank < rhs.rank
    }
}
