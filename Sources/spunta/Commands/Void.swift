import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

struct Void: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Annulla una registrazione scelta dall'elenco di spunta recent (o indicata con --op), con un motivo.",
        discussion: """
            Prima spunta recent, che numera le ultime registrazioni (1 = la più recente); poi spunta void N --reason «…». \
            Il numero è quello dell'elenco mostrato: una lettura fatta nel frattempo non lo sposta. Senza N né --op non \
            annulla nulla. Subito dopo una lettura, dentro spunta scan basta «-».
            """
    )

    @OptionGroup var home: HomeOption
    @Argument(valueName: "N", help: "Il numero nell'ultimo elenco di spunta recent.")
    var number: Int?
    @Option(valueName: "id", help: "La registrazione da annullare, per identificativo (anche solo l'inizio).")
    var op: String?
    @Option(valueName: "motivo", help: "Perché si annulla.")
    var reason: String

    mutating func validate() throws {
        switch (number, op) {
        case (nil, nil):
            throw ValidationError("indicare cosa annullare: spunta recent elenca le ultime registrazioni con un numero, poi spunta void N --reason «…».")
        case (.some, .some):
            throw ValidationError("indicare il numero oppure --op, non entrambi.")
        case (nil, let id?) where id.trimmingCharacters(in: .whitespaces).isEmpty:
            throw ValidationError("--op vuoto: indicare l'identificativo della registrazione, oppure spunta recent e poi spunta void N --reason «…».")
        case (let n?, nil) where n < 1:
            throw ValidationError("il numero \(n) non è valido: i numeri di spunta recent partono da 1.")
        default:
            break
        }
    }

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let (described, inForce) = try queue.recording { db -> (String, String?) in
            let target = try number.map { try RecentOps.shown(db, number: $0) } ?? op ?? ""
            let op: Op
            do {
                op = try DeviceReports.void(db, device: device, opID: target, reason: reason, now: context.deviceClock()).target
            } catch ClientError.alreadyVoided(let described, nil) where number != nil {
                // Named back as the user named it: the number typed, with what it was.
                throw ClientError.alreadyVoided(described: described, number: number)
            }
            // What the register says now: an earlier mark (this device's or the co-teacher's) is back in force, or none.
            guard op.type == .attendanceMarked, let child = op.body.beneficiaryId else { return (try RecentOps.describe(db, op), nil) }
            let inForce = try RollCall.markInForce(db, device: device, beneficiary: child, date: op.businessDate) ?? "nessun segno"
            return (try RecentOps.describe(db, op), inForce)
        }
        context.printWrapped("Annullata: \(described).")
        if let inForce { context.printWrapped("Ora vale: \(inForce).") }
    }
}
