import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol

/// `spunta absence`: a child of the class will be away for some days (periodo di assenza).
struct AbsenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "absence",
        abstract: "Periodo di assenza: un bambino della classe sarà assente per uno o più giorni.",
        discussion: """
            Esempio: spunta absence --child Coppola --from 2026-12-02 --to 2026-12-04 --reason "influenza". \
            Il bambino si indica per codice o per l'inizio del cognome, come nell'appello. In quei giorni il \
            registro lo segna assente giustificato (un segno del giorno vale più del periodo) e la cucina non \
            conta il suo pasto. Si annulla con spunta recent e spunta void N. Nell'appello interattivo: tasto v.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(name: "class", valueName: "classe", help: "La classe (codice o nome); non serve se il dispositivo ne ha una sola.")
    var classID: String?
    @OptionGroup var period: AbsencePeriodOptions
    @Flag(help: "Stampa in JSON.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        guard device.role == .teacher else { throw ClientError.wrongRole(expected: "insegnante", actual: device.role.italian) }
        guard let (first, last) = period.days else { return }
        let classID = try RollCallCommand.chooseClass(self.classID, among: try RollCall.classes(queue: queue, device: device))
        let rollCall = try RollCall(queue: queue, device: device, classID: classID, date: first, clock: context.deviceClock)
        let recorded = try rollCall.recordAbsence(child: period.child, from: first, to: last, reason: period.reason)
        guard case .absencePeriodRecorded(let period) = recorded.op.body else { return }
        if json {
            return try context.printJSON(AbsenceRecorded(opId: recorded.op.id, beneficiaryId: period.beneficiaryId, name: recorded.name,
                                                         classId: period.classId, fromDate: period.fromDate, toDate: period.toDate,
                                                         reason: period.reason))
        }
        context.printWrapped("\(recorded.name): assente \(period.italianSpan) (\(period.reason)). Registrato; sarà inviato alla prossima sincronizzazione.")
    }

    /// The `--json` answer.
    struct AbsenceRecorded: Encodable {
        let opId: String
        let beneficiaryId: String
        let name: String
        let classId: String
        let fromDate: LocalDate
        let toDate: LocalDate
        let reason: String

        enum CodingKeys: String, CodingKey {
            case opId = "op_id", beneficiaryId = "beneficiary_id", name, classId = "class_id", fromDate = "from_date", toDate = "to_date", reason
        }
    }
}
