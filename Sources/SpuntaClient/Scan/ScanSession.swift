import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// A scanning session at a door (sessione di lettura): the lines of `spunta scan` one after the other, with what
/// only a session knows — the last line shown (so that `-` cancels exactly that, after a question naming the
/// child), the business day (which moves on at midnight unless the day was given), the running count (`#`) and
/// the end (`q`).
public final class ScanSession {
    /// What the session answers to one line.
    public enum Reply: Sendable, Equatable {
        case outcome(ScanOutcome)
        case count(CanteenCount)
        /// `q`: the person ended the session.
        case end
    }

    let queue: DatabaseQueue
    let device: EnrolledDevice
    private(set) var place: ScanSetup.Place
    /// The day given with `--date`, kept whatever the clock says; nil to follow today in Europe/Rome.
    let fixedDate: LocalDate?
    let clock: @Sendable () -> Date
    private(set) var station: ScanStation
    /// The last answer shown about a child: the only thing `-` may cancel.
    private var lastShown: ScanOutcome?
    /// The question asked by `-`, waiting for s/n on the next line.
    private var question: ScanOutcome?
    /// Past midnight on a day the service does not run (or when the new day could not be set up): the answer to
    /// every line that would record. nil while the session's day is open.
    private var closedDay: ScanOutcome?
    /// The days the session was on, the start's first (without `--date` it moves on at midnight).
    private var days: [LocalDate]
    /// The days this session recorded something for.
    private var recordedDays: Set<LocalDate> = []

    public init(
        queue: DatabaseQueue, device: EnrolledDevice, place: ScanSetup.Place, date: LocalDate?,
        clock: @escaping @Sendable () -> Date = WallClock.now
    ) throws {
        self.queue = queue
        self.device = device
        self.place = place
        self.fixedDate = date
        self.clock = clock
        station = try ScanStation(queue: queue, device: device, setup: ScanSetup(place: place, date: date ?? BusinessCalendar.date(of: clock())),
                                  clock: clock)
        days = [station.date]
    }

    /// The business day lines are recorded for now.
    public var date: LocalDate { station.date }

    /// The ride's plan at the current stop (nil at the canteen).
    public var plan: RidePlan? { station.plan }

    /// On the bus: moves the session to another stop or direction, same day; `-` still cancels the last line shown.
    public func move(to place: ScanSetup.Place) throws {
        station = try ScanStation(queue: queue, device: device, setup: ScanSetup(place: place, date: station.date), clock: clock)
        self.place = place
    }

    /// Whether the next line answers the question "cancel …? s/n".
    public var isAsking: Bool { question != nil }

    /// The counts for the end of the session, one per day it served: the start's day, and a later day (past
    /// midnight) only if the session recorded something for it. Empty on the bus.
    public func summaries() -> [CanteenCount] {
        guard case .canteen = place else { return [] }
        return days.enumerated().filter { $0.offset == 0 || recordedDays.contains($0.element) }.compactMap { _, day in
            guard var count = try? queue.read({ db in try CanteenCount.compute(db, device: device, date: day) }) else { return nil }
            count.kind = .summary
            return count
        }
    }

    /// The running count now; nil on the bus.
    public func count() -> CanteenCount? {
        try? station.count()
    }

    /// Handles one line: an answer to a pending question, `q`, `#`, `-`, or a scan.
    public func handle(_ line: String) -> [Reply] {
        var replies: [Reply] = []
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if let asked = question {
            question = nil
            switch Self.answer(text) {
            case true?:
                replies.append(.outcome(shown(cancel(asked))))
                return replies
            case false?:
                replies.append(.outcome(shown(notCancelled(asked, "Non annullato."))))
                return replies
            case nil:
                // Not an answer (the scanner fired, or `q`): nothing is cancelled, and the line counts as itself.
                replies.append(.outcome(shown(notCancelled(asked, "Nessuna risposta s/n: non annullato."))))
            }
        }
        guard !text.isEmpty else { return replies }
        if let newDay = rollOver() { replies.append(.outcome(newDay)) }
        switch text {
        case "q", "Q":
            replies.append(.end)
        case "#":
            if let count = count() {
                replies.append(.count(count))
            } else {
                replies.append(.outcome(ScanOutcome(.error, "Il conteggio (#) vale alla mensa: sullo scuolabus usare spunta on-board.")))
            }
        case "-":
            replies.append(.outcome(shown(ask())))
        default:
            // A search records nothing and still helps; a card or a name would record on a day without service.
            if let refusal = closedDay, !text.hasPrefix("?") {
                replies.append(.outcome(shown(refusal)))
            } else {
                replies.append(.outcome(shown(station.handle(line))))
            }
        }
        return replies
    }

    private func shown(_ outcome: ScanOutcome) -> ScanOutcome {
        lastShown = outcome
        if outcome.recorded { recordedDays.insert(outcome.date ?? station.date) }
        return outcome
    }

    /// s/sì/si/y is yes, n/no is no, anything else is no answer.
    static func answer(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "s", "si", "sì", "y", "yes": return true
        case "n", "no": return false
        default: return nil
        }
    }

    // MARK: Undo

    /// The question about the last line shown, or why there is nothing to cancel. Never an earlier line.
    private func ask() -> ScanOutcome {
        guard let last = lastShown else { return ScanOutcome(.notVoided, "Nessuna lettura da annullare.") }
        if last.result == .voided {
            return Self.copy(last, into: ScanOutcome(.notVoided, hinted: """
                L'ultima lettura è già annullata. Per annullarne una precedente, trovarne il numero con \(CommandHint.client("recent")), \
                poi annullarla con \(CommandHint.client("void", arguments: ["N", "--reason", "MOTIVO"])).
                """))
        }
        guard let target = last.opId ?? last.targetOpId else {
            return ScanOutcome(.notVoided, "L'ultima riga non ha registrato nulla: niente da annullare.")
        }
        let type: String? = try? queue.read { db in try db.scalar("SELECT type FROM outbox WHERE id = ?", [target]) }
        let noun = Self.noun(type.flatMap(OpType.init(rawValue:)))
        let who = last.who.isEmpty ? "" : " di \(last.who)"
        var asked = Self.copy(last, into: ScanOutcome(.confirm, "Annullare \(noun)\(who)? s/n"))
        asked.targetOpId = target
        question = asked
        return asked
    }

    private func cancel(_ asked: ScanOutcome) -> ScanOutcome {
        guard let target = asked.targetOpId else { return notCancelled(asked, "Non annullato.") }
        do {
            let (void, described) = try queue.recording { db -> (Op, String) in
                let (void, op) = try DeviceReports.void(db, device: device, opID: target,
                                                        reason: "annullata alla postazione con «-» subito dopo la lettura", now: clock())
                return (void, try RecentOps.describe(db, op))
            }
            var outcome = Self.copy(asked, into: ScanOutcome(.voided, "Annullato: \(described).", recorded: true))
            outcome.opId = void.id
            outcome.targetOpId = target
            return outcome
        } catch let error as any UserFacingError {
            return notCancelled(asked, error.userMessage)
        } catch {
            return notCancelled(asked, "Errore dell'archivio del dispositivo: non annullato. Riprovare.")
        }
    }

    private func notCancelled(_ asked: ScanOutcome, _ message: String) -> ScanOutcome {
        var outcome = Self.copy(asked, into: ScanOutcome(.notVoided, message))
        outcome.targetOpId = asked.targetOpId
        return outcome
    }

    /// `into` about the same child and day as `from`.
    private static func copy(_ from: ScanOutcome, into: ScanOutcome) -> ScanOutcome {
        var outcome = into
        outcome.beneficiaryId = from.beneficiaryId
        outcome.name = from.name
        outcome.className = from.className
        outcome.schoolName = from.schoolName
        outcome.date = from.date
        return outcome
    }

    /// "il pasto", "la salita"…: what `-` would cancel, as said in the question.
    static func noun(_ type: OpType?) -> String {
        switch type {
        case .mealScanned?, .mealRecorded?: return "il pasto"
        case .boarding?: return "la salita"
        case .alighting?: return "la discesa"
        case .attendanceMarked?: return "la presenza"
        case .absenceJustified?: return "la giustificazione"
        case .rideClosed?: return "la fine corsa"
        case .absencePeriodRecorded?: return "il periodo di assenza"
        case .void?, nil: return "la registrazione"
        }
    }

    // MARK: The clock and the day

    /// The warning for the start of the session when the last sync found this device's clock off by more than the
    /// tolerance: the day of every scan and the time of every answer come from it. nil when it was right (or never
    /// measured).
    public func clockCheck() -> ScanOutcome? {
        guard let offset = (try? queue.read({ try ClockCheck.offset($0) })) ?? nil, let error = ClockCheck.error(offsetMs: offset) else {
            return nil
        }
        var outcome = ScanOutcome(.clockWrong, "L'orologio di questo dispositivo è \(error) rispetto "
            + "al server (ultima sincronizzazione): giorno e ore delle letture possono essere sbagliati. Correggerlo o avvisare l'ufficio.")
        outcome.clockOffsetMs = offset
        return outcome
    }

    /// The first line on a revoked device, before anything is recorded: what is read here stays here. nil when the
    /// device is in good standing.
    public func revocationCheck() -> ScanOutcome? {
        DeviceRevocation.isRevoked(queue) ? ScanOutcome(.deviceRevoked, DeviceRevocation.warning) : nil
    }

    // MARK: The day

    /// Past midnight (and no `--date`): a station for the new day, and the line that says so. The new day is checked
    /// by the rule the start applied (`ServiceDay.requireScanDay`), before any line of it is recorded, and without the
    /// start's `--force`, which confirmed the start's day only: a day the service does not run refuses every scan
    /// until the person closes and starts again.
    private func rollOver() -> ScanOutcome? {
        guard fixedDate == nil else { return nil }
        let today = BusinessCalendar.date(of: clock())
        guard today != station.date else { return nil }
        let refusal: ScanOutcome?
        do {
            refusal = try dayRefusal(today)
            station = try ScanStation(queue: queue, device: device, setup: ScanSetup(place: place, date: today), clock: clock)
        } catch {
            // The old station stays, and the next line tries again; meanwhile nothing goes to either day.
            closedDay = ScanOutcome(.error, "Cambio di giorno non riuscito: nulla registrato. Chiudere (q) e riaprire.")
            return nil
        }
        closedDay = refusal
        if !days.contains(today) { days.append(today) }
        var outcome: ScanOutcome
        if let refusal {
            outcome = ScanOutcome(.newDay, "Passata la mezzanotte: \(today.weekdayName) \(today.italian) il servizio non c'è, "
                + "le letture non vengono registrate. Chiudere (q).")
            outcome.reason = refusal.reason
        } else {
            outcome = ScanOutcome(.newDay, "Passata la mezzanotte: da ora le letture valgono per il \(today.italian).")
        }
        outcome.date = today
        return outcome
    }

    /// The answer to every scan of `day` when its service does not run there, nil when it does.
    private func dayRefusal(_ day: LocalDate) throws -> ScanOutcome? {
        do {
            try queue.read { db in
                try ServiceDay.requireScanDay(db, device: device, place: place, on: day, today: day, allowsClosedDay: false)
            }
            return nil
        } catch let error as ClientError {
            var outcome = ScanOutcome(.notServiceDay, Self.closedDayMessage(error))
            outcome.reason = error.code
            outcome.date = day
            return outcome
        }
    }

    /// Why the new day records nothing, and what to do: close, and start again with `--force` only if the service
    /// really runs today.
    static func closedDayMessage(_ error: ClientError) -> String {
        let closeIt = "nulla registrato. Chiudere (q) e riaprire"
        switch error {
        case .notServiceDay(let sentence, let use, _):
            let runs = use == .ride ? "lo scuolabus viaggia" : "la mensa serve"
            return "\(sentence.prefix(1).uppercased())\(sentence.dropFirst()): \(closeIt); con --force solo se \(runs) davvero oggi."
        case .outsideService(let line, let day, let from, let to, _):
            return "\(line.prefix(1).uppercased())\(line.dropFirst()) non è in servizio oggi, \(day.weekdayName) \(day.italian) (servizio dal "
                + "\(from.italian) al \(to.italian)): nulla registrato. Chiudere (q); se il servizio c'è davvero, controllare l'orologio del "
                + "dispositivo (data e ora) e sincronizzare."
        default:
            return "\(error.userMessage) \(closeIt)."
        }
    }
}
