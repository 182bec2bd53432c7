import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

extension RidePlan {
    /// The plan of `route` in `direction` on `date` from the device's replica: the line's stops, the children on its
    /// list that day, and the schools they attend (the line's school stops). nil when the replica lacks the line.
    public static func load(_ db: Database, route routeId: String, direction: Direction, date: LocalDate) throws -> RidePlan? {
        let replica = ReplicaStore(db)
        guard let route = try replica.record(.routes, routeId, as: Route.self) else { return nil }
        var classes: [String: SchoolClass] = [:]
        for c in try replica.records(.classes, as: SchoolClass.self) { classes[c.id] = c }
        var siteNames: [String: String] = [:]
        for s in try replica.records(.sites, as: Site.self) { siteNames[s.id] = s.name }
        var children: [Child] = []
        var seen: Set<String> = []
        var schools: Set<String> = []
        for e in try replica.allEnrollments() where e.routeId == routeId && e.isActive(on: date) {
            guard seen.insert(e.beneficiaryId).inserted, let child = try replica.beneficiary(e.beneficiaryId) else { continue }
            let site = school(of: child, enrollment: e, classes: classes)
            if let site { schools.insert(site) }
            children.append(Child(
                beneficiaryId: child.id, name: child.fullName, className: child.classId.map { classes[$0]?.name ?? $0 },
                schoolSite: site, outboundStop: e.outboundStopId, returnStop: e.returnStopId
            ))
        }
        return RidePlan(route: route, direction: direction, schools: schools.map { School(site: $0, name: siteNames[$0] ?? $0) },
                        children: children)
    }

    /// The school a child on the line goes to (the site the bus takes them to). What the data holds today is the
    /// child's class and its site; where an enrollment names the child's school itself, that is the one to return
    /// here, before the class's — every check of the ride reads the school from this one place.
    static func school(of child: ReplicaBeneficiary, enrollment: ReplicaEnrollment, classes: [String: SchoolClass]) -> String? {
        child.classId.flatMap { classes[$0]?.siteId }
    }

    /// The device's route when it has exactly one, else the one given; an error naming the choices otherwise.
    public static func route(of device: EnrolledDevice, given: String?) throws -> String {
        if let given {
            guard device.routeIDs.contains(given) else { throw ClientError.notInScope("La linea \(given)") }
            return given
        }
        guard device.routeIDs.count == 1, let only = device.routeIDs.first else {
            if device.routeIDs.isEmpty { throw ClientError.wrongRole(expected: "scuolabus", actual: device.role.italian) }
            throw ClientError.routeRequired(device.routeIDs)
        }
        return only
    }
}
