import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol

/// `spunta scan`: one scan per line on standard input, one answer per scan, each recorded before it is shown.
struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Legge le tessere (una per riga, come le scrive il lettore) e risponde subito a ognuna.",
        discussion: """
            Mensa: spunta scan --service canteen
            Scuolabus: spunta scan --service transport --route L1 --stop L1-03 --direction outbound --boarding
            A scuola: --stop school (discesa al mattino, salita al pomeriggio).
            Senza tessera: «?cognome» cerca il bambino, «=CODICE» lo registra per nome.
            Risultati --json: ok, duplicate, unknown_card, revoked_card, not_enrolled, wrong_stop, invalid_payload.
            """
    )

    enum ServiceKind: String, CaseIterable, ArgumentValue {
        case canteen, transport
    }

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Option(valueName: "servizio", help: "canteen (mensa) o transport (scuolabus).")
    var service: ServiceKind
    @Option(valueName: "linea", help: "Linea dello scuolabus.")
    var route: String?
    @Option(valueName: "fermata", help: "Fermata dove si è (o school).")
    var stop: String?
    @Option(valueName: "verso", help: "outbound (andata) o return (ritorno).")
    var direction: Direction?
    @Flag(help: "Salite (predefinito sullo scuolabus).")
    var boarding = false
    @Flag(help: "Discese.")
    var alighting = false
    @Flag(help: "Una riga JSON per lettura.")
    var json = false

    mutating func validate() throws {
        if service == .transport {
            guard route != nil, stop != nil, direction != nil else {
                throw ValidationError("per lo scuolabus servono --route, --stop e --direction.")
            }
            if boarding && alighting { throw ValidationError("scegliere --boarding oppure --alighting, non entrambi.") }
        } else if route != nil || stop != nil || direction != nil || boarding || alighting {
            throw ValidationError("--route, --stop, --direction, --boarding e --alighting valgono solo per --service transport.")
        }
    }

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let place: ScanSetup.Place
        if service == .canteen {
            place = .canteen
        } else if let route, let stop, let direction {
            place = .bus(route: route, stop: stop, direction: direction, boarding: !alighting)
        } else {
            return
        }
        let station = try ScanStation(queue: queue, device: device, setup: ScanSetup(place: place, date: day.day))
        let out = context.standardOutput
        if !json && out.isTerminal {
            context.print(out.styled(TextWidth.truncate(TerminalText.line(Self.banner(place, device)), to: 40), .bold))
        }
        while let line = context.standardInput.readLine() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let outcome = station.handle(line)
            if json {
                try context.printJSON(outcome)
            } else {
                Self.render(outcome, to: out)
            }
        }
    }

    static func banner(_ place: ScanSetup.Place, _ device: EnrolledDevice) -> String {
        switch place {
        case .canteen: return "Mensa \(device.siteIDs.joined(separator: ",")): leggere le tessere"
        case .bus(let route, let stop, let direction, let boarding):
            return "Linea \(route) \(direction.italian) \(stop): \(boarding ? "salite" : "discese")"
        }
    }

    /// One line per scan, at most 40 columns; a child with a special diet gets a second, highlighted line so
    /// that nobody can miss it. The full message is in `--json`. Names, classes and diets come from the
    /// Comune's data: each line passes the terminal escaper before it is measured, so that a control character
    /// in them is shown (as �), never obeyed, and the line still fits.
    static func render(_ outcome: ScanOutcome, to out: OutputSink) {
        let who = [outcome.name, outcome.className.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        func line(_ word: String, _ text: String, _ styles: TextStyle...) {
            out.writeLine(out.styled(TextWidth.truncate(TerminalText.line(word + text), to: 40), styles: styles))
        }
        switch outcome.result {
        case .ok:
            let note = outcome.recorded && outcome.opId != nil && outcome.message.hasPrefix("Registrato per nome") ? " (nome)" : ""
            line(outcome.dietName == nil ? "OK   " : "OK!  ", (who.isEmpty ? outcome.message : who) + note, .green, .bold)
        case .candidates:
            line("?    ", outcome.message)
            for c in outcome.candidates {
                line("     ", "=\(c.beneficiaryId) \(c.name) \(c.className ?? "")")
            }
        case .duplicate:
            out.bell()
            line("GIÀ  ", "\(outcome.servedAt ?? "")\(outcome.elsewhere == true ? "*" : "") \(who)", .yellow, .bold)
        case .wrongStop where outcome.recorded, .notEnrolled where outcome.recorded:
            out.bell()
            line("ATT. ", "\(who): \(short(outcome))", .yellow, .bold)
        default:
            out.bell()
            line("NO   ", who.isEmpty ? short(outcome) : "\(who): \(short(outcome))", .red, .bold)
        }
        if let diet = outcome.dietName {
            let allergens = outcome.allergens.isEmpty ? "" : ": " + outcome.allergens.joined(separator: ", ")
            out.bell()
            line("  !! ", "DIETA \(diet)\(allergens)".uppercased(), .inverse, .red, .bold)
        }
    }

    /// The reason in a few words, to fit the line.
    static func short(_ outcome: ScanOutcome) -> String {
        switch outcome.result {
        case .duplicate:
            return outcome.message.replacingOccurrences(of: "Già servito oggi alle", with: "già servito alle")
                .replacingOccurrences(of: " all'altra postazione", with: " (altra porta)").replacingOccurrences(of: ".", with: "")
        case .unknownCard: return "Tessera sconosciuta"
        case .revokedCard: return "tessera revocata"
        case .notEnrolled: return outcome.recorded ? "NON ISCRITTO a questa linea" : "non iscritto qui oggi"
        case .wrongStop: return "fermata sbagliata"
        case .invalidPayload:
            switch outcome.reason {
            case "lowercase": return "Lettore in minuscolo: Caps Lock?"
            case "keyboard_layout": return "Lettore: layout tastiera errato"
            case "wrong_prefix": return "Non è una tessera Spunta"
            case "wrong_length": return "Lettura incompleta: riprovare"
            case "bad_check", "invalid_character": return "Lettura errata: riprovare"
            case "leading_characters": return "Prefisso del lettore da togliere"
            case "unsupported_version": return "Tessera di un'altra versione"
            default: return "Lettura non valida: riprovare"
            }
        case .error: return "NON REGISTRATO: riprovare"
        case .ok, .candidates: return outcome.message
        }
    }
}

extension Direction: ArgumentValue {}
