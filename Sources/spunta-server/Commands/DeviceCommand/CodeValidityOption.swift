import SpuntaCLI
import SpuntaSync

/// `--expires-hours`: how long an enrollment code `device add` or `device reinstate` prints stays usable, from an
/// hour to thirty days.
struct CodeValidityOption: ParsableArguments {
    @Option(name: "expires-hours", valueName: "ore", help: "Ore di validità del codice.")
    var hours = DeviceRegistry.defaultCodeValidityHours

    func validate() throws {
        guard (1...24 * 30).contains(hours) else { throw ValidationError("--expires-hours va da 1 a 720.") }
    }
}
