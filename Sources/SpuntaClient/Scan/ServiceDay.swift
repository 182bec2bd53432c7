import Foundation
import SpuntaDomain
import SpuntaStore

/// The day a bus or a canteen door may record for, one rule for `spunta ride` and `spunta scan`: a scan or a ride
/// on a day its service does not run is almost always a wrong `--date`, and recorded as it was it would show up as
/// a meal or a ride nobody expected («Serviti 0 su 0»). `SchoolDay.closure(of:on:year:)` says why a service does
/// not run; this says what the field device does about it.
public enum ServiceDay {
    /// What the day would hold, for the words of the refusal.
    public enum Use: Sendable, Equatable {
        /// A bus ride, opened by `spunta ride` or scanned stop by stop.
        case ride
        /// Meals scanned at the canteen door.
        case canteen

        /// What the service does not do on a closed day, after its name: "non viaggia", "non serve pasti".
        var notRunning: String {
            switch self {
            case .ride: return "non viaggia"
            case .canteen: return "non serve pasti"
            }
        }
    }

    /// Refuses, before anything is recorded, a day still to come, whatever the person says.
    public static func requireNotFuture(_ date: LocalDate, today: LocalDate, use: Use) throws {
        if date > today { throw ClientError.futureDay(day: date, today: today, use: use) }
    }

    /// Refuses a day `service` (named `title` to the person) does not run: outside its dates always (the server
    /// would refuse it), a weekend, a holiday or a closing day unless the person confirmed it (`--force`). The refusal
    /// speaks of today when `date` is `today`: nobody typed a date to correct.
    static func require(_ service: Service, year: SchoolYear?, title: String, use: Use, on date: LocalDate, today: LocalDate,
                        allowsClosedDay: Bool) throws {
        guard let closure = SchoolDay.closure(of: service, on: date, year: year) else { return }
        if closure == .outsideSchoolYear {
            throw ClientError.outsideService(line: title, day: date, from: service.startDate, to: service.endDate, today: date == today)
        }
        guard !allowsClosedDay else { return }
        throw ClientError.notServiceDay("\(date.weekdayName) \(date.italian) \(title) \(use.notRunning) (\(closure.italian))", use: use,
                                        today: date == today)
    }

    /// The day of a scan at `place`: the canteen door's rule below, or on the bus the ride's
    /// (`RidePlan.requireRideDay`), so that a stop scanned by itself is refused exactly where the ride would be.
    public static func requireScanDay(_ db: Database, device: EnrolledDevice, place: ScanSetup.Place, on date: LocalDate,
                                      today: LocalDate, allowsClosedDay: Bool) throws {
        switch place {
        case .canteen:
            try requireCanteenDay(db, device: device, on: date, today: today, allowsClosedDay: allowsClosedDay)
        case .bus(let route, _, _, _):
            try RidePlan.requireRideDay(db, route: route, on: date, today: today, allowsClosedDay: allowsClosedDay)
        }
    }

    /// The canteen door's day: refused when none of the meal services at the device's sites serves on it, with the
    /// reason of the first (by id) that is closed rather than outside its dates — the one `--force` could open. A
    /// replica without any meal service at the device's sites cannot tell, and lets the scan start.
    static func requireCanteenDay(_ db: Database, device: EnrolledDevice, on date: LocalDate, today: LocalDate,
                                  allowsClosedDay: Bool) throws {
        try requireNotFuture(date, today: today, use: .canteen)
        let replica = ReplicaStore(db)
        let sites = Set(device.siteIDs)
        var closed: [(service: Service, year: SchoolYear?, closure: SchoolDay.Closure)] = []
        for service in try replica.records(.services, as: Service.self).sorted(by: { $0.id < $1.id })
        where service.kind.servesMeals && !sites.isDisjoint(with: service.siteIds) {
            let year = try replica.record(.schoolYears, service.yearId, as: SchoolYear.self)
            guard let closure = SchoolDay.closure(of: service, on: date, year: year) else { return }
            closed.append((service, year, closure))
        }
        guard let named = closed.first(where: { $0.closure != .outsideSchoolYear }) ?? closed.first else { return }
        try require(named.service, year: named.year, title: "la mensa «\(named.service.name)»", use: .canteen, on: date, today: today,
                    allowsClosedDay: allowsClosedDay)
    }
}
