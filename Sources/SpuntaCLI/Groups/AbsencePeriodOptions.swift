import SpuntaDomain

/// `--child`, `--from`, `--to`, `--reason`: a periodo di assenza as the teacher's `spunta absence` and the office's
/// `spunta-server absences add` both take it, with the same checks and the same Italian words.
public struct AbsencePeriodOptions: ParsableArguments {
    @Option(valueName: "bambino", help: "Il bambino (codice o inizio del cognome).")
    public var child: String
    @Option(valueName: "data", help: "Primo giorno di assenza, AAAA-MM-GG o GG/MM/AAAA.")
    public var from: String
    @Option(valueName: "data", help: "Ultimo giorno di assenza, AAAA-MM-GG o GG/MM/AAAA (predefinito: il primo).")
    public var to: String?
    @Option(valueName: "motivo", help: "Motivo (es. «influenza», «viaggio della famiglia»).")
    public var reason: String

    public init() {}

    public mutating func validate() throws {
        guard let first = LocalDate(typed: from) else { throw ValidationError(LocalDate.invalidTyped(from, subject: "--from")) }
        if let to {
            guard let last = LocalDate(typed: to) else { throw ValidationError(LocalDate.invalidTyped(to, subject: "--to")) }
            guard first <= last else {
                throw ValidationError("--to \(last.italian) viene prima di --from \(first.italian): correggere le date.")
            }
        }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason: indicare il motivo dell'assenza.") }
    }

    /// The first and last day, once validated (the last defaults to the first).
    public var days: (from: LocalDate, to: LocalDate)? {
        guard let first = LocalDate(typed: from) else { return nil }
        return (first, to.flatMap { LocalDate(typed: $0) } ?? first)
    }
}
