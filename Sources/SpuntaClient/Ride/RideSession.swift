import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// The ride of `spunta ride` (corsa): the lines typed on the bus one after the other. A card read (or `=nome`)
/// gets a child on where the bus is, or off if the child is aboard; a few short lines move the ride — `>` to the
/// next stop, `<` back, a number or `@nome` to a stop, `v` to the other direction, `#` who is aboard, `q` to close
/// the ride, which asks first, naming them, when children are still aboard. Everything about a child goes through
/// the scanning session (one rule for `scan` and the ride; `-` cancels the last line shown).
///
/// A ride is one trip: it keeps the day it started on (`--date`, or today at the start) whatever the clock says. A
/// ride left open past midnight records its boardings, alightings and its close on that day, so that the children
/// still aboard from the evening stay on screen and `q` names them; the attendant is told once when midnight passes.
public final class RideSession {
    public enum Reply: Sendable, Equatable {
        case scan(ScanOutcome)
        case ride(RideEvent)
        /// The ride is closed (or `q` on a closed one): the program ends.
        case end
    }

    let queue: DatabaseQueue
    let device: EnrolledDevice
    let routeId: String
    let clock: @Sendable () -> Date
    private let scan: ScanSession
    public private(set) var direction: Direction
    /// The stop the bus is at, in the current direction's plan.
    public private(set) var index = 0
    /// `q` asked whether to close with these children aboard: the next line answers.
    private var closing: [RideEvent.Child]?
    public private(set) var isClosed = false
    /// Opened without `--date`: the ride's day is the start's today, and midnight may pass during it.
    private let startedToday: Bool
    /// Whether the attendant was told that midnight passed and the ride keeps its day.
    private var midnightTold = false

    public init(
        queue: DatabaseQueue, device: EnrolledDevice, route: String, direction: Direction?, date: LocalDate?,
        allowsClosedDay: Bool = false, clock: @escaping @Sendable () -> Date = WallClock.now
    ) throws {
        let today = BusinessCalendar.date(of: clock())
        try queue.read { db in
            try RidePlan.requireRideDay(db, route: route, on: date ?? today, today: today, allowsClosedDay: allowsClosedDay)
        }
        self.queue = queue
        self.device = device
        self.routeId = route
        self.clock = clock
        startedToday = date == nil
        let direction = direction ?? RidePlan.direction(at: clock())
        self.direction = direction
        // The ride's day is fixed at the start: the session never moves to the next day on its own.
        scan = try ScanSession(queue: queue, device: device, place: .bus(route: route, stop: Ride.school, direction: direction, boarding: nil),
                               date: date ?? today, clock: clock)
        index = try resumedStop()
        try scan.move(to: place())
    }

    /// Where a ride reopened the same day stands: the stop of this device's last boarding or alighting on it (a
    /// handheld restarted mid-ride goes on from there), else the first stop.
    private func resumedStop() throws -> Int {
        let day = scan.date
        let last: String? = try queue.read { db in
            try db.scalar("""
                SELECT json_extract(json, '$.stop_id') FROM outbox WHERE type IN ('boarding', 'alighting') AND route_id = ?
                    AND direction = ? AND business_date = ? ORDER BY seq DESC LIMIT 1
                """, [routeId, direction.rawValue, day.description])
        }
        return last.flatMap { scan.plan?.index(ofStop: $0) } ?? 0
    }

    public var date: LocalDate { scan.date }

    /// The plan of the current direction (the session's station always has one on the bus).
    public var plan: RidePlan {
        get throws {
            guard let plan = scan.plan else { throw ClientError.notInScope("La linea \(routeId)") }
            return plan
        }
    }

    private func place() throws -> ScanSetup.Place {
        let stops = scan.plan?.stops ?? []
        let stop = stops.indices.contains(index) ? stops[index].id : Ride.school
        return .bus(route: routeId, stop: stop, direction: direction, boarding: nil)
    }

    /// The wrong-clock warning for the start, as at the canteen door.
    public func clockCheck() -> ScanOutcome? { scan.clockCheck() }

    /// The revoked-device warning for the start, as at the canteen door: the ride still works — the attendant needs
    /// who is aboard — but nothing of it reaches the office.
    public func revocationCheck() -> ScanOutcome? { scan.revocationCheck() }

    /// Whether the office hears of this ride's close: not from a revoked device, whose ops the server refuses.
    private var officeIsTold: Bool { !DeviceRevocation.isRevoked(queue) }

    // MARK: Lines

    public func handle(_ line: String) -> [Reply] {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        var replies: [Reply] = []
        if let aboard = closing {
            closing = nil
            switch ScanSession.answer(text) {
            case true?: return [close(aboard)]
            case false?: return [notClosed("Corsa non chiusa.")]
            case nil:
                // Not an answer: the ride goes on, and the line counts as itself.
                replies.append(notClosed("Nessuna risposta s/n: corsa non chiusa."))
            }
        }
        if scan.isAsking { return replies + scan.handle(line).compactMap(Self.reply) }
        guard !text.isEmpty else { return replies }
        if let midnight = midnightPassed() { replies.append(midnight) }
        switch text {
        case ">", "+":
            replies += move(to: index + 1)
        case "<":
            replies += move(to: index - 1)
        case "v", "V":
            replies += switchDirection()
        case "#":
            replies.append(aboardView())
        case "q", "Q":
            replies.append(askToClose())
        default:
            if text.hasPrefix("@") || text.allSatisfy(\.isNumber) {
                replies += choose(text.hasPrefix("@") ? String(text.dropFirst()) : text)
            } else {
                let answers = scan.handle(line).compactMap(Self.reply)
                replies += answers
                let recorded = answers.compactMap { reply -> ScanOutcome? in
                    if case .scan(let outcome) = reply, outcome.recorded { return outcome }
                    return nil
                }
                if !recorded.isEmpty { replies.append(progress(afterAlert: recorded.contains(where: \.isAlert))) }
            }
        }
        return replies
    }

    private static func reply(_ reply: ScanSession.Reply) -> Reply? {
        switch reply {
        case .outcome(let outcome): return .scan(outcome)
        case .count: return nil
        case .end: return .end
        }
    }

    /// The first line after midnight (the clock's day past the ride's): the stop, saying the ride keeps its day.
    private func midnightPassed() -> Reply? {
        guard startedToday, !midnightTold, BusinessCalendar.date(of: clock()) > date else { return nil }
        midnightTold = true
        return view(.stop, "Passata la mezzanotte: questa corsa resta del \(date.italian), il giorno in cui è partita, "
            + "fino alla chiusura («q»). Per una corsa di oggi chiudere questa e riaprire spunta ride.")
    }

    // MARK: Moving

    /// The screen of the stop the ride is at.
    public func current() -> Reply { view(.stop, "") }

    private func move(to target: Int) -> [Reply] {
        guard let plan = try? plan else { return [error("Linea \(routeId) non presente sul dispositivo: sincronizzare.")] }
        guard plan.stops.indices.contains(target) else {
            let message = target < 0 ? "Questa è la prima fermata." : "Questa è l'ultima fermata: «q» chiude la corsa."
            return [view(.stop, message)]
        }
        var replies: [Reply] = []
        if target > index, let left = leftBehind() { replies.append(left) }
        index = target
        do {
            try scan.move(to: place())
        } catch {
            return replies + [self.error("Cambio di fermata non riuscito: chiudere e riaprire spunta ride.")]
        }
        replies.append(view(.stop, ""))
        return replies
    }

    private func choose(_ text: String) -> [Reply] {
        guard let plan = try? plan else { return [error("Linea \(routeId) non presente sul dispositivo: sincronizzare.")] }
        switch plan.stop(matching: text) {
        case .stop(let target):
            return move(to: target)
        case .ambiguous(let numbers):
            var event = base(.stopChoice, "«\(text)» indica più fermate: scrivere il numero o più lettere.")
            event.candidates = numbers.map { plan.stops[$0] }
            return [.ride(event)]
        case .none:
            return [.ride(base(.stopChoice, "Nessuna fermata «\(text)» su questa corsa: le fermate vanno da 1 a \(plan.stops.count)."))]
        }
    }

    private func switchDirection() -> [Reply] {
        let aboardBefore = (try? state())?.aboard ?? []
        direction = direction == .outbound ? .return : .outbound
        index = 0
        do {
            // The first move loads the new direction's plan (at a stop both directions share); the second goes to
            // that plan's first stop.
            try scan.move(to: place())
            try scan.move(to: place())
        } catch {
            return [self.error("Cambio di verso non riuscito: chiudere e riaprire spunta ride.")]
        }
        var message = "Ora: \(direction.italian)."
        if !aboardBefore.isEmpty {
            message += " ATTENZIONE: all'\(direction == .return ? "andata" : "ritorno") risultano ancora a bordo "
                + aboardBefore.map(\.who).joined(separator: ", ") + "."
        }
        return [view(.stop, message)]
    }

    // MARK: Who is where

    /// Who got on and off in this ride (route, day, direction), from the device's own ops and the other devices'.
    struct State {
        var boarded: [String: String] = [:]
        var alighted: [String: String] = [:]
        var aboard: [RideEvent.Child] = []
    }

    func state() throws -> State {
        let plan = try plan
        return try queue.read { db in
            var state = State()
            for (child, facts) in try LocalFacts(db: db, deviceId: device.deviceId).factsByChild(date: date) {
                let ride = facts.filter { $0.routeId == routeId && $0.direction == direction }
                if let on = ride.first(where: { $0.type == .boarding }) { state.boarded[child] = on.stopId ?? "" }
                if let off = ride.first(where: { $0.type == .alighting }) { state.alighted[child] = off.stopId ?? "" }
            }
            let replica = ReplicaStore(db)
            for child in state.boarded.keys.sorted() where state.alighted[child] == nil {
                let named = try plan.named(child, replica)
                state.aboard.append(RideEvent.Child(
                    beneficiaryId: child, name: named.name, className: named.className, schoolName: named.schoolName, status: .aboard,
                    stop: plan.rider(child)?.alightStop.map { plan.name(of: $0) }
                ))
            }
            state.aboard.sort { ($0.name, $0.beneficiaryId) < ($1.name, $1.beneficiaryId) }
            return state
        }
    }

    private func child(_ rider: RidePlan.Rider, _ status: RideEvent.Status) -> RideEvent.Child {
        RideEvent.Child(beneficiaryId: rider.beneficiaryId, name: rider.name, className: rider.className, schoolName: rider.schoolName,
                        status: status, stop: nil, school: rider.school)
    }

    private func base(_ result: RideEvent.Result, _ message: String) -> RideEvent {
        let plan = try? plan
        return RideEvent(result: result, message: message, routeId: routeId, direction: direction, date: date,
                         stop: plan.flatMap { $0.stops.indices.contains(index) ? $0.stops[index] : nil }, stops: plan?.stops.count ?? 0)
    }

    /// The stop the ride is at: who gets on and off here, and who of those getting on is not aboard.
    private func view(_ result: RideEvent.Result, _ message: String) -> Reply {
        var event = base(result, message)
        guard let plan = try? plan, let state = try? state() else { return .ride(event) }
        event.boarding = plan.boarding(at: index).map { child($0, state.boarded[$0.beneficiaryId] == nil ? .missing : .boarded) }
        event.alighting = plan.alighting(at: index).map { rider in
            let id = rider.beneficiaryId
            return child(rider, state.alighted[id] != nil ? .alighted : (state.boarded[id] != nil ? .aboard : .notBoarded))
        }
        event.missing = event.boarding.filter { $0.status == .missing }
        event.aboard = state.aboard
        return .ride(event)
    }

    /// Where the stop stands after a line: who expected here is still missing, and how many are aboard.
    ///
    /// After a line the attendant must act on (a child of another stop or school, recorded with a warning) the
    /// missing are only counted: their names, a whole school's at its stop, would push the warning off a small
    /// screen. The stop's number shows them again (`missing` keeps them all for `--json`).
    private func progress(afterAlert: Bool) -> Reply {
        guard case .ride(let view) = view(.progress, "") else { return view(.progress, "") }
        var event = view
        let expected = event.boarding.count
        let aboard = "A bordo: \(event.aboard.count)."
        if expected == 0 {
            event.message = aboard
        } else if event.missing.isEmpty {
            event.message = "Qui tutti a bordo (\(expected)). " + aboard
        } else if afterAlert {
            let list = event.stop.map { " («\($0.number)» li elenca)" } ?? ""
            event.message = "Qui mancano ancora \(event.missing.count) di \(expected)\(list). " + aboard
        } else {
            event.message = "Qui mancano: " + event.missing.map { $0.who(at: event.stop) }.joined(separator: ", ") + ". " + aboard
        }
        return .ride(event)
    }

    /// Leaving the stop: who was expected to get on and is not aboard, and who was expected off and is still aboard.
    private func leftBehind() -> Reply? {
        guard let plan = try? plan, let state = try? state(), plan.stops.indices.contains(index) else { return nil }
        let missing = plan.boarding(at: index).filter { state.boarded[$0.beneficiaryId] == nil }.map { child($0, .missing) }
        let stillAboard = plan.alighting(at: index).filter {
            state.boarded[$0.beneficiaryId] != nil && state.alighted[$0.beneficiaryId] == nil
        }.map { child($0, .aboard) }
        guard !missing.isEmpty || !stillAboard.isEmpty else { return nil }
        let stop = plan.stops[index], here = stop.name
        var parts: [String] = []
        if !missing.isEmpty { parts.append("partiti da \(here) senza " + missing.map { $0.who(at: stop) }.joined(separator: ", ")) }
        if !stillAboard.isEmpty {
            parts.append("ancora a bordo dopo \(here), dove \(stillAboard.count == 1 ? "doveva" : "dovevano") scendere: "
                + stillAboard.map { $0.who(at: stop) }.joined(separator: ", "))
        }
        let sentence = parts.joined(separator: "; ")
        var event = base(.leftStop, sentence.prefix(1).uppercased() + sentence.dropFirst() + ".")
        event.missing = missing
        event.notAlighted = stillAboard
        return .ride(event)
    }

    private func aboardView() -> Reply {
        guard let aboard = try? state().aboard else { return error("Elenco di chi è a bordo non leggibile: riprovare.") }
        var event = base(.aboard, aboard.isEmpty ? "Nessuno a bordo." : "A bordo: \(aboard.count).")
        event.aboard = aboard
        return .ride(event)
    }

    // MARK: Closing

    private func askToClose() -> Reply {
        guard let aboard = try? state().aboard else { return error("Elenco di chi è a bordo non leggibile: corsa non chiusa.") }
        guard !aboard.isEmpty else { return close([]) }
        closing = aboard
        var event = base(.confirmClose, "Ancora a bordo: " + aboard.map(\.who).joined(separator: ", ")
            + ". Chiudere la corsa con \(aboard.count == 1 ? "questo bambino" : "questi bambini") a bordo? "
            + (officeIsTold ? "L'ufficio sarà avvisato. s/n" : "L'ufficio NON sarà avvisato (dispositivo revocato). s/n"))
        event.aboard = aboard
        return .ride(event)
    }

    /// Records the end of the ride with the children left aboard (on disk before anything is shown).
    private func close(_ aboard: [RideEvent.Child]) -> Reply {
        do {
            let body = OpBody.rideClosed(RideClosed(routeId: routeId, direction: direction, aboard: aboard.map(\.beneficiaryId)))
            let op = try queue.recording { db in try OpRecorder.record(db, device: device, body: body, businessDate: date, now: clock()) }
            isClosed = true
            let told = officeIsTold
            var message = aboard.isEmpty
                ? "Corsa chiusa (\(direction.italian)): nessuno a bordo."
                : "Corsa chiusa (\(direction.italian)) con a bordo: " + aboard.map(\.who).joined(separator: ", ") + ". "
                    + (told ? "L'ufficio sarà avvisato alla prossima sincronizzazione: avvisarlo anche a voce."
                        : DeviceRevocation.phoneTheOffice)
            // Even an empty bus: the office does not learn that this ride ended.
            if aboard.isEmpty && !told { message += " Dispositivo revocato: l'ufficio non riceve questa corsa." }
            var event = base(.rideClosed, message)
            event.aboard = aboard
            event.opId = op.id
            return .ride(event)
        } catch {
            return self.error("Errore dell'archivio del dispositivo: corsa non chiusa. Riprovare con «q».")
        }
    }

    private func notClosed(_ message: String) -> Reply {
        .ride(base(.notClosed, message + " Far scendere i bambini (leggere la tessera) o riprovare con «q»."))
    }

    private func error(_ message: String) -> Reply {
        .scan(ScanOutcome(.error, message))
    }
}
