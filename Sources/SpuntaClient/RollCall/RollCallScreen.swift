import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol

/// The interactive roll call on a 40-column terminal (schermata dell'appello): one key per child, each mark
/// saved before the screen shows it.
///
/// It opens on the first child still to mark (a roll call half done is picked up where it was left), lists on top
/// the children with a severe allergy and their emergency plan, shows the times of late entries and early exits, and below the list the selected child whole — name, mark, days to
/// justify — or the last message, wrapped over as many rows as it needs: what the teacher must read is never
/// cut. Left open past midnight it moves to the new day by itself, unless it was opened for a given date.
public final class RollCallScreen {
    private(set) var rollCall: RollCall
    let output: OutputSink
    let input: InputSource
    /// The widest the screen is drawn, whatever the terminal.
    let widest: Int
    var width: Int
    var height: Int
    /// The terminal's size now, read before each redraw so that a resized terminal gets a screen that fits.
    let terminalSize: (() -> (columns: Int, rows: Int)?)?
    /// Whether the screen follows the calendar (opened for today) rather than a date given on the command line.
    let followsToday: Bool
    var entries: [RollCall.Entry] = []
    var selected = 0
    var message = ""

    public init(
        rollCall: RollCall, output: OutputSink, input: InputSource, width: Int = 40, height: Int = 24,
        terminalSize: (() -> (columns: Int, rows: Int)?)? = nil, followsToday: Bool = false
    ) {
        self.rollCall = rollCall
        self.output = output
        self.input = input
        self.widest = max(30, min(width, 60))
        self.width = widest
        self.height = max(12, height)
        self.terminalSize = terminalSize
        self.followsToday = followsToday
    }

    /// Runs until `q`; the terminal is put back as it was even on Ctrl-C.
    public func run() throws {
        try rollCall.requireSchoolYear()
        let raw = try RawMode.enable(fileDescriptor: input.fileDescriptor ?? STDIN_FILENO)
        defer {
            raw.restore()
            output.writeControl(ANSI.showCursor)
        }
        output.writeControl(ANSI.hideCursor)
        try open()
        while true {
            draw()
            guard let key = nextKey() else { return }
            _ = try followToday()
            if try !handle(key) { break }
        }
        output.clearScreen()
        let marked = entries.filter { $0.status != nil }.count
        output.writeLine("Appello salvato: \(marked) di \(entries.count) segnati.")
    }

    /// Loads the register and puts the cursor on the first child still to mark.
    func open() throws {
        try reload()
        selected = RollCall.firstUnmarked(entries)
        message = [rollCall.revocationWarning(), try rollCall.clockWarning(), try closureWarning()].compactMap { $0 }.joined(separator: " ")
    }

    func reload() throws {
        entries = try rollCall.entries()
        selected = min(selected, max(0, entries.count - 1))
    }

    /// The warning for a day without school, nil on a school day. `reached`: the screen moved to the day at midnight,
    /// so a `--force` for it means closing the screen and opening it again.
    private func closureWarning(reachedAtMidnight reached: Bool = false) throws -> String? {
        guard let closure = try rollCall.closure() else { return nil }
        let sentence = SchoolDay.sentence(rollCall.date, closure)
        // Outside the school year even --force does not help: the server would refuse the marks.
        if closure == .outsideSchoolYear { return "Attenzione: \(sentence): non si può segnare." }
        if rollCall.allowsClosedDay { return "Attenzione: \(sentence)." }
        let how = reached ? "chiudere l'appello (q) e riaprirlo con --force" : "--force"
        return "Attenzione: \(sentence): non si può segnare (per farlo: \(how))."
    }

    /// Moves to the new business day when the screen follows today and midnight has passed; returns whether it
    /// moved. The cursor goes to the first child to mark, and the message says what happened.
    @discardableResult
    func followToday() throws -> Bool {
        let today = rollCall.today
        guard followsToday, today != rollCall.date else { return false }
        rollCall = try rollCall.on(today)
        try reload()
        selected = RollCall.firstUnmarked(entries)
        message = "È passata la mezzanotte: ora l'appello è di \(today.weekdayName) \(today.italian)."
        if let warning = try closureWarning(reachedAtMidnight: true) { message += " " + warning }
        return true
    }

    /// Returns false to leave. A mark the register refuses (a day without school, a missing time) is explained
    /// on screen and nothing is saved.
    func handle(_ key: Key) throws -> Bool {
        message = ""
        do {
            return try act(on: key)
        } catch let error as ClientError {
            message = error.userMessage
            return true
        }
    }

    private func act(on key: Key) throws -> Bool {
        switch key {
        case .up, .character("k"): selected = max(0, selected - 1)
        case .down, .character("j"): selected = max(0, min(entries.count - 1, selected + 1))
        case .pageUp: selected = max(0, selected - max(1, listRows - 1))
        case .pageDown: selected = max(0, min(entries.count - 1, selected + max(1, listRows - 1)))
        case .character("q"), .escape, .control("d"): return false
        case .character("p"), .character(" "): try mark(.present)
        case .character("a"): try mark(.absent)
        case .character("e"): try mark(.lateEntry, askTime: "Entrata")
        case .character("u"): try mark(.earlyExit, askTime: "Uscita")
        case .character("g"): try justify()
        case .character("v"): try absencePeriod()
        case .character("t"):
            let count = try rollCall.markRestPresent()
            try reload()
            message = count == 0 ? "Tutti hanno già un segno: nessuno segnato presente."
                : count == 1 ? "1 bambino segnato presente." : "\(count) segnati presenti."
        case .character("*"): message = Self.elsewhereLegend
        default:
            message = "Tasto non previsto."
        }
        return true
    }

    func mark(_ status: AttendanceStatus, askTime what: String? = nil) throws {
        guard entries.indices.contains(selected) else { return }
        var time: LocalTime?
        if let what {
            let today = rollCall.date == rollCall.today
            let answer = ask(today ? "\(what) alle (HH:MM, invio = adesso):" : "\(what) alle (HH:MM) del \(rollCall.date.italian):")
            if !answer.isEmpty {
                guard let parsed = LocalTime(answer) else {
                    message = "Orario «\(answer)» non valido: HH:MM."
                    return
                }
                time = parsed
            }
        }
        let entry = entries[selected]
        let op = try rollCall.mark(entry.beneficiaryId, status, time: time)
        try reload()
        if case .attendanceMarked(let marked) = op.body {
            message = "\(entry.name): \(marked.status.italian(at: marked.time))."
        }
        selected = max(0, min(entries.count - 1, selected + 1))
    }

    func justify() throws {
        guard entries.indices.contains(selected) else { return }
        let entry = entries[selected]
        guard !entry.unjustified.isEmpty else {
            // An absence is justified when the child is back: today's is not yet among those.
            message = "\(entry.name): nessuna assenza dei giorni passati da giustificare (si giustifica al rientro)."
            return
        }
        let days = entry.unjustified.map(\.italian).joined(separator: ", ")
        let reason = ask("Motivo per \(days) (invio = famiglia): ")
        for day in entry.unjustified {
            try rollCall.justify(entry.beneficiaryId, absence: day, reason: reason.isEmpty ? "giustificata dalla famiglia" : reason)
        }
        try reload()
        message = entry.unjustified.count == 1 ? "Giustificata 1 assenza." : "Giustificate \(entry.unjustified.count) assenze."
    }

    /// `v`: the selected child will be away from the register's day through the day typed (periodo di assenza).
    func absencePeriod() throws {
        guard entries.indices.contains(selected) else { return }
        let entry = entries[selected]
        let answer = ask("Fino al (\(LocalDate.typedForms)):")
        guard !answer.isEmpty else { return }
        guard let to = LocalDate(typed: answer) else {
            message = LocalDate.invalidTyped(answer)
            return
        }
        let reason = ask("Motivo dell'assenza (invio = famiglia):")
        let recorded = try rollCall.recordAbsence(child: entry.beneficiaryId, from: rollCall.date, to: to,
                                                  reason: reason.isEmpty ? "comunicata dalla famiglia" : reason)
        try reload()
        if case .absencePeriodRecorded(let p) = recorded.op.body { message = "\(recorded.name): assente \(p.italianSpan)." }
    }

    /// A line typed on the bottom row, the prompt on the row above: a long prompt (the dates of a
    /// justification) never hides what is typed, and the end of a long answer stays in view.
    func ask(_ prompt: String) -> String {
        var text = ""
        while true {
            output.writeControl(ANSI.moveCursor(row: height - 1, column: 1) + ANSI.eraseLine)
            output.write(TextWidth.truncate(TerminalText.line(prompt), to: width))
            output.writeControl(ANSI.moveCursor(row: height, column: 1) + ANSI.eraseLine)
            output.write("> " + TextWidth.tail(TerminalText.line(text), to: width - 2))
            guard let key = input.readKey() else { return text }
            switch key {
            case .enter: return text.trimmingCharacters(in: .whitespaces)
            case .escape: return ""
            case .backspace, .delete: if !text.isEmpty { text.removeLast() }
            case .character(let c): text.append(c)
            default: break
            }
        }
    }

    /// The mark column: four letters, and the time of an entry or exit.
    static func short(_ entry: RollCall.Entry) -> String {
        switch entry.status {
        case .present?: return "PRES"
        case .absent?: return "ASS."
        case .lateEntry?: return "ENTR" + (entry.time.map { " \($0)" } ?? "")
        case .earlyExit?: return "USC." + (entry.time.map { " \($0)" } ?? "")
        case nil: return "?"
        }
    }

    /// The next key; while none comes, a resized terminal is redrawn within half a second, and so is the
    /// screen when midnight passes.
    private func nextKey() -> Key? {
        guard let terminalSize else { return input.readKey() }
        while true {
            if let key = input.readKey(timeoutMilliseconds: 500) { return key }
            if input.isAtEnd { return nil }
            if (try? followToday()) == true {
                draw()
            } else if let size = terminalSize(), size.columns != drawnSize?.columns || size.rows != drawnSize?.rows {
                draw()
            }
        }
    }

    /// The terminal size the screen was last drawn for.
    private var drawnSize: (columns: Int, rows: Int)?
    /// How many children the last drawing listed.
    private var listRows = 1

    /// The keys, and what the one sign of the list that is not a key means: `*` after a name is explained (and
    /// explains itself when pressed), not offered as a command.
    static let help = ["p pres a ass e entra u esce g giust.", "v periodo t tutti * = da altri q fine"]

    /// What `*` after a name means, shown when `*` is pressed.
    static let elsewhereLegend = "«*» dopo il nome: segno messo da un altro dispositivo (es. la collega). Si può cambiare da qui."

    /// What the rows under the list say: the last message, else the selected child whole.
    func info() -> String {
        if !message.isEmpty { return message }
        guard entries.indices.contains(selected) else { return "Nessun bambino in questa classe." }
        let e = entries[selected]
        var text = e.emergencyPlan.map { "ALLERGIA GRAVE: \($0) — " } ?? ""
        text += "\(e.name): \(e.markItalian)"
        if e.markedElsewhere { text += " (da un altro dispositivo)" }
        if !e.unjustified.isEmpty { text += "; da giustificare: " + e.unjustified.map(\.italian).joined(separator: ", ") }
        return text
    }

    /// Allergie gravi, on top of the screen: each child of the class with a severe allergy and what to do, whole
    /// (devices show severe allergies first). When the whole plans would leave the list fewer than `minimumListRows`
    /// rows, the block names the children only, and the plan stays in the selected child's lines under the list.
    func allergyBlock(rowsLeft: Int) -> [String] {
        let severe = entries.filter { $0.emergencyPlan != nil }
        guard !severe.isEmpty else { return [] }
        let whole = ["ALLERGIE GRAVI:"] + severe.flatMap { e in
            TextWidth.wrap(TerminalText.line("\(e.name): \(e.emergencyPlan ?? "")"), width: width, lead: "! ", indent: 2)
        }
        if rowsLeft - whole.count >= Self.minimumListRows { return whole }
        let names = severe.map { TerminalText.line($0.name) }.joined(separator: ", ")
        return TextWidth.wrap("ALLERGIE GRAVI (piano con il bambino selezionato): \(names)", width: width, lead: "! ", indent: 2)
    }

    /// The fewest children the list shows when the allergy block takes room above it.
    static let minimumListRows = 4

    func draw() {
        drawnSize = terminalSize?()
        if let size = drawnSize {
            width = max(30, min(size.columns, widest))
            height = max(12, size.rows)
        }
        output.clearScreen()
        let title = (try? rollCall.className()) ?? rollCall.classID
        // Names and messages come from master data: escaped before they are measured.
        let header = TextWidth.wrap(TerminalText.line("Appello \(title) — \(rollCall.date.weekdayName) \(rollCall.date.italian)"), width: width)
        // A wrong clock stays in view until a sync finds it right: every mark's day and time come from it.
        // So does a revoked device: nothing marked here reaches the office.
        let revoked = rollCall.revocationWarning() == nil ? [] : TextWidth.wrap(DeviceRevocation.banner, width: width)
        let clock = revoked + (((try? rollCall.clockOffset()) ?? nil).flatMap { ClockCheck.error(offsetMs: $0) }
            .map { TextWidth.wrap("!! OROLOGIO SBAGLIATO: \($0)", width: width) } ?? [])
        let info = TextWidth.wrap(TerminalText.line(info()), width: width)
        let help = Self.help.map { TextWidth.truncate($0, to: width) }
        let allergies = allergyBlock(rowsLeft: height - header.count - clock.count - 3 - info.count - help.count)
        for line in header { output.writeLine(output.styled(line, .bold)) }
        for line in clock { output.writeLine(output.styled(line, .bold, .red)) }
        for line in allergies { output.writeLine(output.styled(line, .bold, .red)) }
        let count = { (s: AttendanceStatus?) in self.entries.filter { $0.status == s }.count }
        output.writeLine("P \(count(.present))  A \(count(.absent))  E \(count(.lateEntry))  U \(count(.earlyExit))  ? \(count(nil))")
        output.writeLine(String(repeating: "-", count: width))
        let rows = max(1, height - header.count - clock.count - allergies.count - 3 - info.count - help.count)
        listRows = rows
        let first = max(0, min(selected - rows / 2, entries.count - rows))
        let nameWidth = width - 14
        for index in first..<min(entries.count, first + rows) {
            let e = entries[index]
            let name = TextWidth.pad(TextWidth.truncate(TerminalText.line(e.name), to: nameWidth), to: nameWidth)
            let mark = TextWidth.pad(Self.short(e), to: 10)
            let flag = (e.emergencyPlan == nil ? " " : "!") + (e.unjustified.isEmpty ? " " : "g")
            let line = (index == selected ? ">" : " ") + name + (e.markedElsewhere ? "*" : " ") + mark + flag
            if index == selected {
                output.writeLine(output.styled(line, .inverse))
            } else if e.status == .absent {
                output.writeLine(output.styled(line, .red))
            } else {
                output.writeLine(line)
            }
        }
        for _ in min(entries.count, first + rows)..<(first + rows) { output.writeLine() }
        output.writeLine(String(repeating: "-", count: width))
        for line in info { output.writeLine(line) }
        output.writeLine(help[0])
        output.write(help[1])
    }
}
