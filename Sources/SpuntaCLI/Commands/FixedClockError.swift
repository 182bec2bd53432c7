/// `SPUNTA_NOW` holds something that is not an instant.
public struct FixedClockError: Error, Equatable, Sendable {
    public let value: String

    public var userMessage: String {
        "\(CommandContext.fixedClockVariable)=«\(value)» non valido: indicare data, ora e fuso come 2026-11-02T09:00:00+01:00, "
            + "oppure togliere la variabile per usare l'orologio del sistema."
    }
}
