import SpuntaDomain

/// What goes wrong on the device, in words for the person holding it (errori del dispositivo).
public enum ClientError: UserFacingError, HintingError, Equatable {
    case notEnrolled
    /// The device folder holds no device (a mistyped --home): the folder named as given.
    case noDevice(String)
    case alreadyEnrolled(String)
    case serverRequired
    case homeNotWritable(String)
    case revoked
    case blocked
    case unknownToServer
    case server(code: String, message: String)
    /// The server answered `503 server_busy` to every attempt of one request: nothing of it was applied.
    case serverBusy(attempts: Int)
    case incompatibleServer(String)
    /// The server could not be reached; `problem` is what went wrong without what a device in service does about it.
    case offline(String, problem: String? = nil)
    /// `spunta enroll` could not reach the server on a folder that holds no device yet: nothing can go on offline.
    case notEnrolledOffline(problem: String, server: String, code: String)
    case wrongRole(expected: String, actual: String)
    case notInScope(String)
    case unknownBeneficiary(String)
    case noListing
    case notListed(number: Int, count: Int)
    case unknownOp(String)
    /// The beginning of an id given to `spunta void --op` that several registrations share: none is chosen for the user.
    case ambiguousOp(String, count: Int)
    /// The registration named is already cancelled: `described` as `spunta recent` shows it, `number` the one typed
    /// after `spunta void` (nil when named by `--op`).
    case alreadyVoided(described: String, number: Int?)
    case invalidDate(String)
    case missingReason
    /// An absence period whose last day comes before its first.
    case periodReversed(from: LocalDate, to: LocalDate)
    /// A register op for a day outside the class's school year: the server would refuse it (`out_of_scope`).
    /// `today`: the day is the device's today (no other was typed), so the words speak of today, not of a date.
    case outsideSchoolYear(day: LocalDate, year: SchoolYear, today: Bool = false)
    /// A mark on a day without school, not confirmed: the sentence names the day and why (`today` as above).
    case notSchoolDay(String, today: Bool = false)
    /// A ride for a day still to come: nothing can have been recorded on it.
    case futureDay(day: LocalDate, today: LocalDate, use: ServiceDay.Use = .ride)
    /// A ride of a line on a day outside its service's dates: the server would refuse its close. `today`: the day is
    /// the device's today, so the words speak of today and of the device's clock, never of a `--date` nobody typed.
    case outsideService(line: String, day: LocalDate, from: LocalDate, to: LocalDate, today: Bool = false)
    /// A ride on a day the line's service does not run, not confirmed: the sentence names the day and why (`today`
    /// as above).
    case notServiceDay(String, use: ServiceDay.Use = .ride, today: Bool = false)
    /// A late entry or an early exit on a day that is not today, without its time.
    case timeRequired(what: String, child: String, code: String, date: LocalDate)
    /// A code or name that is no child of the class.
    case unknownChild(String, className: String)
    /// A name that fits several children of the class.
    case ambiguousChild(String, candidates: [String])
    /// The same child in two options (or twice in one) of one command.
    case namedTwice(String, options: String)
    /// A void of the end of a ride: the office is alerted of it (`sent`: the server has it already, else at the next sync).
    case rideClosedFinal(sent: Bool)
    /// A device whose scope holds several routes, without --route.
    case routeRequired([String])

    public var code: String {
        switch self {
        case .notEnrolled, .noDevice: return "not_enrolled"
        case .alreadyEnrolled: return "already_enrolled"
        case .serverRequired: return "server_required"
        case .homeNotWritable: return "home_not_writable"
        case .revoked: return "device_revoked"
        case .blocked: return "device_blocked"
        case .unknownToServer: return "unknown_to_server"
        case .server(let code, _): return code
        case .serverBusy: return "server_busy"
        case .incompatibleServer: return "protocol_version_unsupported"
        case .offline, .notEnrolledOffline: return "offline"
        case .wrongRole: return "wrong_role"
        case .notInScope: return "not_in_scope"
        case .unknownBeneficiary: return "unknown_beneficiary"
        case .noListing: return "no_listing"
        case .notListed: return "not_listed"
        case .unknownOp: return "unknown_op"
        case .ambiguousOp: return "ambiguous_op"
        case .alreadyVoided: return "already_voided"
        case .invalidDate: return "invalid_date"
        case .missingReason: return "missing_reason"
        case .periodReversed: return "invalid_period"
        case .outsideSchoolYear: return "outside_school_year"
        case .notSchoolDay: return "not_school_day"
        case .futureDay: return "future_day"
        case .outsideService: return "outside_service"
        case .notServiceDay: return "not_service_day"
        case .timeRequired: return "time_required"
        case .unknownChild: return "unknown_child"
        case .ambiguousChild: return "ambiguous_child"
        case .namedTwice: return "named_twice"
        case .rideClosedFinal: return "ride_closed_final"
        case .routeRequired: return "route_required"
        }
    }

    public var userMessage: String { hintedMessage.description }

    /// What to do when today is refused although the service (or the school) runs: the device's clock may be wrong,
    /// or its copy of the dates old.
    static var checkTheClock: HintedText {
        "controllare l'orologio del dispositivo (data e ora), poi sincronizzare (\(CommandHint.client("sync"))) o chiamare l'ufficio scuola."
    }

    public var hintedMessage: HintedText {
        switch self {
        case .notEnrolled:
            return "Dispositivo non ancora registrato: usare \(CommandHint.client("enroll", arguments: ["--server", "URL", "--code", "CODICE"]))."
        case .noDevice(let path):
            return "Nessun dispositivo registrato nella cartella \(path): controllare --home o SPUNTA_HOME, oppure registrarlo con "
                + "\(CommandHint.client("enroll", arguments: ["--server", "URL", "--code", "CODICE"]))."
        case .alreadyEnrolled(let id):
            return "Questo dispositivo è già registrato come \(id) e il server lo riconosce: il codice non è stato usato. "
                + "Per registrarne un altro usare una cartella diversa (--home)."
        case .serverRequired:
            return "Indicare il server con --server URL (es. --server http://10.0.0.5:8080)."
        case .homeNotWritable(let path):
            return "Cartella del dispositivo \(path) non scrivibile: controllare --home o SPUNTA_HOME."
        case .revoked:
            return "Questo dispositivo è stato revocato: non sincronizza più. Consegnarlo all'ufficio scuola."
        case .blocked:
            return "Il server ha bloccato il dispositivo (copia o ripristino di un altro): chiedere un nuovo codice all'ufficio "
                + "e registrarlo di nuovo con \(CommandHint.client("enroll", arguments: ["--code", "CODICE"]))."
        case .unknownToServer:
            return "Il server non riconosce più questo dispositivo (forse ripristinato da una copia): chiedere un nuovo codice "
                + "all'ufficio e registrarlo di nuovo con \(CommandHint.client("enroll", arguments: ["--code", "CODICE"])). Le registrazioni restano sul dispositivo."
        case .server(_, let message):
            return "\(message)"
        case .serverBusy(let attempts):
            return "Il server è occupato: non ha accettato l'invio dopo \(attempts) tentativi. Nulla è andato perso né è stato "
                + "contato: le registrazioni restano su questo dispositivo e partono alla prossima sincronizzazione. "
                + "Riprovare tra qualche minuto (\(CommandHint.client("sync")))."
        case .incompatibleServer(let message):
            return "\(message)"
        case .offline(let message, _):
            return "\(message)"
        case .notEnrolledOffline(let problem, let server, let code):
            return "\(problem) Il dispositivo non è ancora registrato: senza registrazione non si lavora, nemmeno offline. "
                + "Quando il server è raggiungibile, ripetere: \(CommandHint.client("enroll", arguments: ["--server", server, "--code", code]))"
        case .wrongRole(let expected, let actual):
            return "Comando per dispositivi \(expected): questo è un dispositivo \(actual). Controllare --home o SPUNTA_HOME."
        case .notInScope(let what):
            return "\(what) non è nell'ambito di questo dispositivo."
        case .unknownBeneficiary(let id):
            return "Bambino \(id) non presente sul dispositivo."
        case .noListing:
            return "Nessun elenco da cui scegliere: prima \(CommandHint.client("recent")), poi \(CommandHint.client("void", arguments: ["N", "--reason", "MOTIVO"]))."
        case .notListed(let number, let count):
            return "Il numero \(number) non è nell'ultimo elenco di spunta recent (da 1 a \(count)): ripetere \(CommandHint.client("recent"))."
        case .unknownOp(let id):
            return "Registrazione \(id) non trovata su questo dispositivo: nulla è stato annullato. Per sceglierla dall'elenco: "
                + "\(CommandHint.client("recent")), poi \(CommandHint.client("void", arguments: ["N", "--reason", "MOTIVO"]))."
        case .ambiguousOp(let text, let count):
            return "«\(text)» è l'inizio di \(count) registrazioni: nulla è stato annullato. Scrivere l'identificativo intero, "
                + "oppure \(CommandHint.client("recent")) e poi \(CommandHint.client("void", arguments: ["N", "--reason", "MOTIVO"]))."
        case .alreadyVoided(let described, let number?):
            return "La numero \(number) dell'elenco è già annullata: \(described). Nulla da fare."
        case .alreadyVoided(let described, nil):
            return "Questa registrazione è già annullata: \(described). Nulla da fare."
        case .invalidDate(let text):
            return "\(LocalDate.invalidTyped(text))"
        case .periodReversed(let from, let to):
            return "Periodo dal \(from.italian) al \(to.italian): l'ultimo giorno viene prima del primo. Correggere le date."
        case .missingReason:
            return "Indicare il motivo con --reason."
        case .outsideSchoolYear(let day, let year, false):
            return "Il \(day.italian) è fuori dall'anno scolastico della classe (dal \(year.startDate.italian) al \(year.endDate.italian)): "
                + "nulla registrato. Controllare la data."
        case .outsideSchoolYear(let day, let year, true):
            return "Oggi, \(day.weekdayName) \(day.italian), è fuori dall'anno scolastico della classe (dal \(year.startDate.italian) al "
                + "\(year.endDate.italian)): nulla registrato. Se oggi c'è scuola, \(Self.checkTheClock)"
        case .notSchoolDay(let sentence, let today):
            return "\(sentence.prefix(1).uppercased())\(sentence.dropFirst()): nulla è stato salvato. "
                + "Se si deve segnare \(today ? "davvero oggi" : "proprio quel giorno"), ripetere con --force."
        case .futureDay(let day, let today, let use):
            return "Il \(day.italian) non è ancora arrivato (oggi è \(today.weekdayName) \(today.italian)): "
                + (use == .ride ? "una corsa si registra il giorno in cui si fa" : "i pasti si registrano il giorno in cui si servono")
                + ". Nulla registrato: controllare la data (--date)."
        case .outsideService(let line, let day, let from, let to, false):
            return "\(line.prefix(1).uppercased())\(line.dropFirst()) non è in servizio il \(day.italian) (servizio dal \(from.italian) al \(to.italian)): "
                + "nulla registrato. Controllare la data (--date)."
        case .outsideService(let line, let day, let from, let to, true):
            return "\(line.prefix(1).uppercased())\(line.dropFirst()) non è in servizio oggi, \(day.weekdayName) \(day.italian) (servizio dal "
                + "\(from.italian) al \(to.italian)): nulla registrato. Se il servizio c'è davvero, \(Self.checkTheClock)"
        case .notServiceDay(let sentence, let use, let today):
            let when = today ? "davvero oggi" : "proprio quel giorno"
            return "\(sentence.prefix(1).uppercased())\(sentence.dropFirst()): "
                + (use == .ride ? "corsa non aperta, nulla registrato. Se lo scuolabus viaggia \(when), ripetere con --force."
                    : "nulla registrato. Se la mensa serve \(when), ripetere con --force.")
        case .timeRequired(let what, let child, let code, let date):
            return "Manca l'orario dell'\(what) di \(child): il \(date.italian) non è oggi, quindi va indicato "
                + "(es. \(code)@09:15). Nulla è stato salvato."
        case .unknownChild(let text, let className):
            return "«\(text)»: nessun bambino della classe \(className) con questo codice o cognome. "
                + "L'elenco: \(CommandHint.client("roll-call", arguments: ["--class", className, "--list"])). Nulla è stato salvato."
        case .ambiguousChild(let text, let candidates):
            return "«\(text)» indica più bambini: \(candidates.joined(separator: ", ")). "
                + "Scrivere più lettere (anche il nome) o il codice. Nulla è stato salvato."
        case .namedTwice(let child, let options):
            return "\(child) è indicato due volte (\(options)): indicarlo una volta sola. Nulla è stato salvato."
        case .rideClosedFinal(let sent):
            // Until the device syncs the office knows nothing: the message says so rather than claim it was told.
            return "La fine corsa non si annulla: "
                + (sent ? "l'ufficio ne è già stato avvisato. " : "è salvata qui e l'ufficio ne sarà avvisato alla prossima sincronizzazione. ")
                + "Nulla è stato annullato; se la corsa è stata chiusa per errore, dirlo all'ufficio."
        case .routeRequired(let routes):
            return "Questo dispositivo ha più linee (\(routes.joined(separator: ", "))): indicare quale con --route."
        }
    }
}
