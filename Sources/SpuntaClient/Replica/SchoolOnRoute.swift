import SpuntaDomain

/// La scuola di un bambino su una linea in un giorno (`ReplicaStore.school(of:route:on:)`): the plesso, the stop
/// where the child gets off in the morning and on in the afternoon, and the times of that day.
public struct SchoolOnRoute: Hashable, Sendable {
    public let siteId: String
    /// The stop of the school on the line: alighting in the morning elsewhere is alighting at the wrong school.
    public let stopId: String
    public let arrival: LocalTime
    /// The bus leaves the school at this time that day (the short return on a day without afternoon school).
    public let returnTime: LocalTime
    /// Whether the enrollment named the school (false: the plesso of the child's class was taken).
    public let fromEnrollment: Bool

    public init(siteId: String, stopId: String, arrival: LocalTime, returnTime: LocalTime, fromEnrollment: Bool) {
        self.siteId = siteId
        self.stopId = stopId
        self.arrival = arrival
        self.returnTime = returnTime
        self.fromEnrollment = fromEnrollment
    }
}
