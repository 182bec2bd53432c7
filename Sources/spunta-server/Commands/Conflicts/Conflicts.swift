import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

/// `spunta-server conflicts [resolve]`.
struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Elenca i conflitti da rivedere (appelli discordanti, assenti che hanno mangiato, …).",
        subcommands: [ListConflicts.self, Resolve.self],
        defaultSubcommand: ListConflicts.self
    )
}

extension AttendanceStatus: ArgumentValue {}
