import Foundation
import SpuntaCLI
import SpuntaDomain

/// How `spunta scan` answers a person (risposte a video): the first word says what to do (OK, GIÀ, NO, ATT.), the
/// rest is whole — names, diets, allergens, reasons — wrapped under it within the width, never cut. A special diet
/// and every warning get lines of their own; bell and colours only on a terminal.
public struct ScanPrinter {
    let output: OutputSink
    /// The columns to lay out for, read at each answer (a terminal may be resized).
    let width: () -> Int

    /// The first word and the text of an answer start at these columns.
    static let indent = 5

    /// A suggested command's words (with the `--home` given on the command line), quoted when laid out.
    let command: (CommandHint) -> [String]

    public init(output: OutputSink, width: @escaping () -> Int,
                command: @escaping (CommandHint) -> [String] = { $0.words(location: []) }) {
        self.output = output
        self.width = width
        self.command = command
    }

    /// Lines of `text` after the word `word` (padded to the indent), styled line by line so colours never bleed.
    /// Only the continuation of a text starts with five spaces; a line of its own always has a mark before.
    /// The text (names, diets: the Comune's data) passes the terminal escaper before it is measured, so a control
    /// character in it is shown as �, never obeyed, and the lines still fit.
    func block(_ word: String, _ text: String, _ styles: [TextStyle] = []) {
        let lead = word.isEmpty ? "" : TextWidth.pad(word, to: Self.indent)
        for line in TextWidth.wrap(TerminalText.line(text), width: max(20, width()), lead: lead, indent: Self.indent) {
            output.writeLine(output.styled(line, styles: styles))
        }
    }

    /// `text` after `word` as `block` lays it, each command on lines of its own, broken only where the shell joins
    /// it back: copied from the screen, it runs as printed.
    func block(_ word: String, _ text: HintedText, _ styles: [TextStyle] = []) {
        let lead = word.isEmpty ? "" : TextWidth.pad(word, to: Self.indent)
        let lines = HintLayout.lines(text, words: command).map { line -> HintLayout.Line in
            guard case .text(let string) = line else { return line }
            return .text(TerminalText.line(string))
        }
        for line in HintLayout.wrapped(lines, width: max(20, width()), lead: lead, indent: Self.indent) {
            output.writeLine(output.styled(line, styles: styles))
        }
    }

    /// The title at the start of the session, with the keys that do more than scan.
    public func banner(_ title: String, canteen: Bool) {
        block("", title, [.bold])
        block("", canteen ? "«-» annulla l'ultima, «#» conteggio, «q» fine." : "«-» annulla l'ultima, «q» fine.", [.dim])
    }

    /// What the person typed, shown back when the terminal does not echo (a payload is not: it would only fill the
    /// screen).
    public func typed(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, !text.uppercased().hasPrefix("SPUNTA") else { return }
        block(">", text, [.dim])
    }

    public func print(_ outcome: ScanOutcome) {
        let who = outcome.who
        // A severe allergy comes before everything else about the child, whole.
        if let plan = outcome.emergencyPlan {
            output.bell()
            block("!!!", "ALLERGIA GRAVE — \(who): \(plan)", [.inverse, .red, .bold])
        }
        switch outcome.result {
        case .ok where outcome.opType != nil:
            // On the bus: whether the child got on or off.
            block("OK", who.isEmpty ? outcome.message : "\(who): \(outcome.message.prefix(1).lowercased())\(outcome.message.dropFirst())",
                  [.green, .bold])
        case .ok:
            let byName = outcome.message.hasPrefix("Registrato per nome") ? " (per nome)" : ""
            block(outcome.dietName == nil ? "OK" : "OK!", (who.isEmpty ? outcome.message : who) + byName, [.green, .bold])
        case .candidates:
            block("?", outcome.message)
            for c in outcome.candidates {
                // Listed all the same: the worker decides, knowing.
                let already = Self.already(c)
                block("  =", "\(c.beneficiaryId) \(c.name)" + (c.className.map { " (\($0))" } ?? "") + (already.map { ": \($0)" } ?? ""),
                      already == nil ? [] : [.yellow, .bold])
            }
        case .duplicate where outcome.servedAt == nil:
            // On the bus: already on (or off) this ride, in the station's words.
            output.bell()
            block("GIÀ", who.isEmpty ? outcome.message : "\(who): \(outcome.message)", [.yellow, .bold])
        case .duplicate:
            output.bell()
            let at = outcome.servedAt.map { " alle \($0)" } ?? ""
            let elsewhere = outcome.elsewhere == true ? " all'altra porta" : ""
            block("GIÀ", "\(who): già servito\(at)\(elsewhere).", [.yellow, .bold])
        case .wrongStop where outcome.recorded, .wrongSchool where outcome.recorded, .notEnrolled where outcome.recorded:
            output.bell()
            let message = Self.withoutWarningWord(outcome.message)
            block("ATT.", who.isEmpty ? message : "\(who): \(message)", [.yellow, .bold])
        case .confirm:
            output.bell()
            block("??", outcome.message, [.yellow, .bold])
        case .voided:
            block("ANN.", outcome.message, [.bold])
        case .notVoided:
            if let hint = outcome.hint { block("--", hint) } else { block("--", outcome.message) }
        case .newDay:
            output.bell()
            block("DATA", outcome.message, [.inverse, .bold])
        case .notServiceDay:
            output.bell()
            block("NO", outcome.message, [.red, .bold])
        case .clockWrong:
            output.bell()
            block("ATT.", outcome.message, [.yellow, .bold])
        case .deviceRevoked:
            output.bell()
            block("!!", outcome.message, [.red, .bold])
        case .unknownCard, .revokedCard, .notEnrolled, .wrongStop, .wrongSchool, .invalidPayload, .error:
            output.bell()
            let reason = Self.reason(outcome)
            block("NO", who.isEmpty ? reason : "\(who): \(reason)", [.red, .bold])
        }
        if let diet = outcome.dietName {
            let allergens = outcome.allergens.isEmpty ? "" : ": " + outcome.allergens.joined(separator: ", ")
            output.bell()
            block("  !!", "DIETA \(diet)\(allergens)".uppercased(), [.inverse, .red, .bold])
        }
        for warning in outcome.warnings {
            output.bell()
            block("ATT.", warning.message, [.yellow, .bold])
        }
        let creditWarned = outcome.warnings.contains { $0.code == .lowCredit || $0.code == .negativeCredit }
        if let credit = outcome.credit, !creditWarned {
            block("  €", "Credito \(Money(cents: credit.balanceCents).italian) \(Self.asOf(credit.asOf)).")
        }
    }

    /// What a candidate of a name search already has today, in capitals: nil when nothing.
    static func already(_ candidate: ScanOutcome.Candidate) -> String? {
        let at = candidate.alreadyAt ?? ""
        switch candidate.already {
        case .served?: return "PASTO GIÀ SERVITO alle \(at)"
        case .aboard?: return "GIÀ A BORDO dalle \(at)"
        case .alighted?: return "DISCESA GIÀ LETTA alle \(at)"
        case nil: return nil
        }
    }

    /// Why a line was refused, whole: what went wrong with the read and what to do about it (the scanner's Caps Lock,
    /// its keyboard layout, the QR to frame), wrapped under «NO» rather than cut to a few words that leave the worker
    /// guessing.
    static func reason(_ outcome: ScanOutcome) -> String {
        switch outcome.result {
        case .notEnrolled: return "non iscritto alla mensa: chiamare l'ufficio."
        case .invalidPayload:
            let message = outcome.message.trimmingCharacters(in: .whitespaces)
            guard let first = message.first else { return "Lettura non valida: riprovare." }
            return first.uppercased() + message.dropFirst() + (message.hasSuffix(".") ? "" : ".")
        case .error: return "NON REGISTRATO. \(outcome.message)"
        default: return outcome.message
        }
    }

    /// The station's message without its own leading "ATTENZIONE:" (kept in `--json`, where no word stands before
    /// it): on the screen the word «ATT.» already says it, and the warning is read once.
    static func withoutWarningWord(_ message: String) -> String {
        let word = "ATTENZIONE:"
        guard message.hasPrefix(word) else { return message }
        return String(message.dropFirst(word.count).drop { $0 == " " })
    }

    /// "al 05/10 ore 08:10": when the credit was last brought up to date (the last sync), in Europe/Rome.
    static func asOf(_ stamp: String?) -> String {
        guard let stamp, let instant = UTCTime.date(stamp) else { return "(mai sincronizzato)" }
        let day = BusinessCalendar.date(of: instant)
        return "al \(day.italian.prefix(5)) ore \(BusinessCalendar.time(of: instant))"
    }

    /// One line after each answer on a terminal: the door's total and the child's class.
    public func status(_ count: CanteenCount, classOf outcome: ScanOutcome?) {
        var text = "Serviti \(count.served) su \(count.expected)"
        if let name = outcome?.className, let line = count.classes.first(where: { $0.className == name }) {
            text += "; \(line.className) \(line.served) su \(line.expected)"
        }
        block("#", text + ".", [.dim])
    }

    /// The count per class: on `#`, and as the summary at the end.
    public func print(_ count: CanteenCount) {
        let title = "\(count.kind == .summary ? "Fine: serviti" : "Serviti") \(count.served) su \(count.expected) (\(count.date.italian))."
        block("#", title, [.bold])
        // Each class on a line of its own, marked by its indent of three (a continuation has five).
        for line in count.classes {
            for text in TextWidth.wrap("\(line.className): \(line.served) su \(line.expected)", width: max(20, width()), lead: "   ", indent: Self.indent) {
                output.writeLine(text)
            }
        }
    }
}
