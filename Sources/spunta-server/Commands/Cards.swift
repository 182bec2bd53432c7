import Foundation
import SpuntaCards
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// `spunta-server cards print|reissue|list`: the children's QR cards.
struct Cards: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tessere con codice QR: stampa per classe, plesso, linea o bambini; sostituzione di una tessera smarrita; elenco.",
        subcommands: [Print.self, Reissue.self, ListCards.self]
    )

    /// `cards print`: A4 sheets and one SVG per card.
    struct Print: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stampa le tessere: fogli A4 in HTML (da stampare dal browser) e un file SVG per tessera.",
            discussion: """
                Scegliere una sola selezione: --class, --site, --route oppure --child (ripetibile). Ai bambini senza tessera \
                attiva ne viene emessa una nuova (resta nel registro di audit). Sulla tessera: nome, classe, plesso, anno \
                scolastico, Comune e codice QR; nessun dato di dieta, salute o codice fiscale. Stampare al 100% (senza \
                adattare alla pagina) e tagliare lungo i segni di taglio.
                Esempio: spunta-server cards print --db comune.sqlite --class S01-1A --output tessere-1A
                """
        )

        @OptionGroup var database: DatabaseOption
        @Option(name: "class", valueName: "classe", help: "Tutti i bambini di questa classe.")
        var schoolClass: String?
        @Option(valueName: "plesso", help: "Tutti i bambini del plesso (per classe o per iscrizione).")
        var site: String?
        @Option(valueName: "linea", help: "Tutti gli iscritti a questa linea dello scuolabus.")
        var route: String?
        @Option(valueName: "bambino", help: "Un bambino.")
        var child: [String] = []
        @Option(valueName: "cartella", help: "Cartella dove scrivere tessere.html e i file SVG (creata se manca, leggibile solo dal proprietario).")
        var output: String
        @Option(name: "per-page", valueName: "8|10", help: "Tessere per foglio A4.")
        var perPage = 10
        @OptionGroup var actor: ActorOption
        @Flag(help: "Stampa in JSON l'elenco delle tessere e dei file.")
        var json = false

        var selection: CardSelection? {
            if let schoolClass { return .schoolClass(schoolClass) }
            if let site { return .site(site) }
            if let route { return .route(route) }
            return child.isEmpty ? nil : .children(child)
        }

        mutating func validate() throws {
            let chosen = [schoolClass != nil, site != nil, route != nil, !child.isEmpty].filter { $0 }.count
            guard chosen == 1 else {
                throw ValidationError("indicare una sola selezione: --class, --site, --route oppure --child (ripetibile).")
            }
            guard CardSheet.Layout(rawValue: perPage) != nil else {
                throw ValidationError("--per-page «\(perPage)» non valido: 8 oppure 10 tessere per foglio.")
            }
        }

        struct Printed: Encodable {
            let document: String
            let cards: [PrintedCard]
            let issued: [String]
        }

        struct PrintedCard: Encodable {
            let card: CardFace
            let file: String
        }

        func run(_ context: CommandContext) async throws {
            guard let selection, let layout = CardSheet.Layout(rawValue: perPage) else { return }
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            // The files are drawn inside the transaction: a card that cannot be drawn issues nothing.
            let folder = URL(fileURLWithPath: output)
            let (faces, issued, files) = try queue.write { db in
                let (faces, issued) = try CardDesk.faces(db, selection, actor: who, now: context.now)
                let municipality = faces.first?.municipality ?? ""
                let document = try CardSheet.document(faces, title: "Tessere — \(municipality) — \(selection.italian)", layout: layout)
                var files: [(String, String)] = [("tessere.html", document)]
                for face in faces {
                    files.append((CardFiles.name(face), try CardSheet.standalone(face)))
                }
                try CardFiles.write(files, to: folder)
                return (faces, issued, files.map(\.0))
            }
            let document = folder.appendingPathComponent("tessere.html").path
            if json {
                let cards = zip(faces, files.dropFirst()).map { PrintedCard(card: $0, file: folder.appendingPathComponent($1).path) }
                return try context.printJSON(Printed(document: document, cards: cards, issued: issued))
            }
            let pages = (faces.count + layout.rawValue - 1) / layout.rawValue
            context.print("\(Counted.italian(faces.count, "tessera", "tessere")) (\(selection.italian)) su \(Counted.italian(pages, "foglio", "fogli")) A4: \(document)")
            context.print("Una tessera per file SVG nella stessa cartella (tessera-ID.svg).")
            if !issued.isEmpty {
                context.print("Emesse per chi non ne aveva una attiva: \(Counted.italian(issued.count, "tessera nuova", "tessere nuove")).")
            }
            context.print("Aprire il file nel browser e stampare al 100% (senza adattare alla pagina), poi tagliare lungo i segni.")
        }
    }

    /// `cards reissue`: a lost or damaged card replaced.
    struct Reissue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sostituisce la tessera di un bambino (smarrita, rovinata): revoca la vecchia ed emette la nuova.",
            discussion: """
                I dispositivi rifiutano la tessera vecchia come revocata dopo la loro prossima sincronizzazione e accettano \
                la nuova; poi si stampa con cards print.
                Esempi:
                spunta-server cards reissue B0007 --db comune.sqlite --reason "smarrita"
                spunta-server cards print --db comune.sqlite --child B0007 --output tessera-B0007
                """
        )

        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "bambino", help: "Identificativo del bambino (es. B0007).")
        var child: String
        @Option(valueName: "motivo", help: "Perché la tessera viene sostituita (obbligatorio, resta nel registro di audit).")
        var reason: String?
        @OptionGroup var actor: ActorOption
        @Flag(help: "Stampa in JSON.")
        var json = false

        mutating func validate() throws {
            guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError(CardError.missingReason.userMessage)
            }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            let done = try queue.write { db in
                try CardDesk.reissue(db, child: child, reason: reason ?? "", actor: who, now: context.now)
            }
            if json { return try context.printJSON(done) }
            if done.revoked.isEmpty {
                context.print("\(child) non aveva una tessera attiva: emessa la tessera \(done.issued).")
            } else {
                context.print("Tessera \(done.revoked.joined(separator: ", ")) di \(child) revocata; nuova tessera \(done.issued).")
                context.print("I dispositivi rifiuteranno la vecchia dopo la prossima sincronizzazione.")
            }
            context.print("Stamparla con: " + context.rendered(CommandHint.server("cards", "print", arguments: ["--child", child, "--output", "CARTELLA"])))
        }
    }

    /// `cards list`.
    struct ListCards: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Elenca le tessere attive e revocate di ogni bambino, con date e motivo (ora italiana).",
            discussion: "Esempio: spunta-server cards list --db comune.sqlite --class S01-1A"
        )

        @OptionGroup var database: DatabaseOption
        @Option(name: "class", valueName: "classe", help: "Solo i bambini di questa classe.")
        var schoolClass: String?
        @Option(valueName: "bambino", help: "Solo questo bambino.")
        var child: String?
        @Flag(help: "Stampa in JSON (un array; istanti in UTC).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let rows = try queue.read { try CardDesk.list($0, schoolClass: schoolClass, child: child) }
            if json { return try context.printJSON(rows) }
            var table = TextTable(columns: [
                .init("Bambino"), .init("Nome", maxWidth: 30), .init("Classe"), .init("Tessera"), .init("Stato"), .init("Emessa"),
                .init("Revocata"), .init("Motivo", maxWidth: 30),
            ])
            for r in rows {
                table.addRow([
                    r.beneficiaryId, "\(r.surname) \(r.givenName)", r.classId ?? "-", r.cardId, r.active ? "attiva" : "revocata",
                    Self.when(r.issuedAt, day: r.issuedOn), r.revokedOn.map { Self.when(r.revokedAt, day: $0) } ?? "-", r.reason ?? "-",
                ])
            }
            context.print(table.render(width: max(context.terminalWidth, 132)))
            let active = rows.filter(\.active).count
            context.print("\(Counted.italian(rows.count, "tessera", "tessere")): \(Counted.italian(active, "attiva", "attive")), "
                          + "\(Counted.italian(rows.count - active, "revocata", "revocate")).")
        }

        /// The instant in Rome's time when known, else the day.
        static func when(_ stored: String?, day: String) -> String {
            if let stored { return ItalianTime.dateTime(stored: stored) }
            return LocalDate(day)?.italian ?? day
        }
    }
}

/// The files of a print run, written whole or not at all as far as the folder allows: each to a temporary name, then
/// renamed.
enum CardFiles {
    /// `tessera-B0007.svg`, with anything but letters, digits, `-` and `_` in the child's id replaced by `_`.
    static func name(_ face: CardFace) -> String {
        let safe = String(face.beneficiaryId.unicodeScalars.map { scalar -> Character in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")) ? Character(scalar) : "_"
        })
        return "tessera-\(safe).svg"
    }

    static func write(_ files: [(String, String)], to folder: URL) throws {
        do {
            // The folder, and the files in it, private (0700, 0600) whatever the umask: a card carries the child's
            // name, school and class.
            try PrivateFile.createFolder(folder.path)
            for (name, text) in files {
                try PrivateFile.write(Data(text.utf8), to: folder.appendingPathComponent(name).path)
            }
        } catch let error as PrivateFileError {
            throw CardPrintError(folder: folder.path, reason: "\(error.path): \(error.reason)")
        } catch {
            throw CardPrintError(folder: folder.path, reason: error.localizedDescription)
        }
    }
}

/// The output folder could not be written.
struct CardPrintError: UserFacingError {
    let folder: String
    let reason: String
    var code: String { "output_not_writable" }
    var userMessage: String {
        "impossibile scrivere le tessere in \(folder) (\(reason)): indicare con --output una cartella scrivibile. Nessuna tessera è stata emessa."
    }
}
