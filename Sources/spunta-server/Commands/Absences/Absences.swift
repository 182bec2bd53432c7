import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server absences add|list|void`: absence periods entered or cancelled at the office.
struct Absences: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Periodi di assenza: un bambino sarà assente per uno o più giorni (registro, conteggio pasti, addebiti).",
        subcommands: [Add.self, ListPeriods.self, VoidPeriod.self],
        defaultSubcommand: ListPeriods.self
    )
}
