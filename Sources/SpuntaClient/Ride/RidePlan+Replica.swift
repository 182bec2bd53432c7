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
            let site = ReplicaStore.schoolSite(of: child, enrollment: e, on: date)
            if let site { schools.insert(site) }
            children.append(Child(
                beneficiaryId: child.id, name: child.fullName, className: child.classId.map { classes[$0]?.name ?? $0 },
                schoolSite: site, outboundStop: e.outboundStopId, returnStop: e.returnStopId
            ))
        }
        return RidePlan(route: route, direction: direction, schools: Self.schools(of: route, direction: direction, on: date, names: siteNames,
                                                                                  others: schools), children: children)
    }

    /// The schools of `route` in the order the bus reaches them in `direction` on `date`: those the line's data
    /// describes come first, in its order and with that day's times (arrival in the morning, departure in the
    /// afternoon); a school of a child the line does not describe (`others`) still gets its stop at the end. The
    /// afternoon runs the list backwards. `names`: the sites' names, by id.
    public static func schools(of route: Route, direction: Direction, on date: LocalDate, names: [String: String],
                               others: Set<String> = []) -> [School] {
        var list: [School] = route.schools.map { school in
            School(site: school.siteId, name: names[school.siteId] ?? school.siteId,
                   time: direction == .outbound ? school.arrival : school.returnTime(on: date))
        }
        let described = Set(list.map(\.site))
        list += others.subtracting(described).map { School(site: $0, name: names[$0] ?? $0) }
        return direction == .outbound ? list : list.reversed()
    }

    /// A child as the ride names it: name and class from the line's list, else from the replica (a child who is not
    /// on the list, scanned all the same), and the school where the class name alone is ambiguous on this line.
    struct Named {
        let name: String
        let className: String?
        let schoolName: String?
    }

    func named(_ beneficiaryId: String, _ replica: ReplicaStore) throws -> Named {
        if let rider = rider(beneficiaryId) {
            return Named(name: rider.name, className: rider.className, schoolName: rider.schoolName)
        }
        guard let known = try replica.beneficiary(beneficiaryId) else { return Named(name: beneficiaryId, className: nil, schoolName: nil) }
        let className = try known.classId.map { try replica.className($0) }
        var school: String?
        if let site = known.classSiteId, isAmbiguous(className: className, site: site) {
            school = try schoolName(site: site) ?? replica.record(.sites, site, as: Site.self)?.name ?? site
        }
        return Named(name: known.fullName, className: className, schoolName: school)
    }

    /// Refuses, before anything is recorded, a ride on a day it cannot have run — the roll call's rule for the
    /// register (`SchoolDay`), asked of the line's service: a day still to come, or outside the service's dates (the
    /// server would refuse the close), whatever the person says; a day the service does not run (a weekend, a
    /// holiday, a closing day) unless the person confirmed it (`--force`). A replica without the line's service
    /// cannot tell, and lets the ride open.
    public static func requireRideDay(_ db: Database, route routeId: String, on date: LocalDate, today: LocalDate,
                                      allowsClosedDay: Bool) throws {
        try ServiceDay.requireNotFuture(date, today: today, use: .ride)
        let replica = ReplicaStore(db)
        guard let route = try replica.record(.routes, routeId, as: Route.self),
              let service = try replica.record(.services, route.serviceId, as: Service.self) else { return }
        let year = try replica.record(.schoolYears, service.yearId, as: SchoolYear.self)
        try ServiceDay.require(service, year: year, title: Route.title(id: route.id, name: route.name), use: .ride, on: date, today: today,
                               allowsClosedDay: allowsClosedDay)
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
