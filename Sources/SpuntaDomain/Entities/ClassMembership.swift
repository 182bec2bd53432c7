/// Appartenenza a una classe: a child is in `classId` from `from` through `to` (nil: open on that side). The one
/// rule the roll call, the canteen door's and the kitchen's counts, the server's scope checks and billing read
/// to know whether a child is in a class's register on a day.
public struct ClassMembership: Hashable, Sendable {
    public let classId: String
    public let from: LocalDate?
    public let to: LocalDate?

    public init(classId: String, from: LocalDate?, to: LocalDate?) {
        self.classId = classId
        self.from = from
        self.to = to
    }

    /// Whether the child is in the class on `date`.
    public func covers(_ date: LocalDate) -> Bool {
        (from.map { $0 <= date } ?? true) && (to.map { date <= $0 } ?? true)
    }

    /// Whether a child with this membership (nil: no class, as nursery children) is at school on `date` as far as
    /// the class is concerned: a child without a class is not held back by one; a pupil outside the dates of
    /// their class is not expected at school (not yet started, or left).
    public static func isAtSchool(_ membership: ClassMembership?, on date: LocalDate) -> Bool {
        membership?.covers(date) ?? true
    }
}
