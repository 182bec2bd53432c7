import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server meals`: the meals to prepare per site, as the caterer receives them, and what was sent.
struct MealsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meals",
        abstract: "Pasti da preparare per plesso (per classe e per dieta), come li riceve la ditta, e cosa le è stato inviato.",
        discussion: """
            I numeri sono quelli di adesso: iscritti meno assenti nei registri sincronizzati meno i periodi di assenza. \
            Il conteggio parte da sé all'ora limite di ogni plesso mentre gira spunta-server serve; \
            spunta-server meals send invia subito quello che è dovuto (per chi preferisce cron).
            """,
        subcommands: [Show.self, Send.self],
        defaultSubcommand: Show.self
    )
}
