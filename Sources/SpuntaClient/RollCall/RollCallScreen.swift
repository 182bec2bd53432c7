import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol

/// The interactive roll call on a 40-column terminal (schermata dell'appello): one key per child, each mark
/// saved before the screen shows it.
public final class RollCallScreen {
    let rollCall: RollCall
    let output: OutputSink
    let input: InputSource
    /// The widest the screen is drawn, whatever the terminal.
    let widest: Int
    var width: Int
    var height: Int
    /// The terminal's size now, read before each redraw so that a resized terminal gets a screen that fits.
    let terminalSize: (() -> (columns: Int, rows: Int)?)?
    var entries: [RollCall.Entry] = []
    var selected = 0
    var message = ""

    public init(
        rollCall: RollCall, output: OutputSink, input: InputSource, width: Int = 40, height: Int = 24,
        terminalSize: (() -> (columns: Int, rows: Int)?)? = nil
    ) {
        self.rollCall = rollCall
        self.output = output
        self.input = input
        self.widest = max(30, min(width, 60))
        self.width = widest
        self.height = max(12, height)
        self.terminalSize = terminalSize
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
        try reload()
        if let closure = try rollCall.closure() {
            message = "Attenzione: oggi \(closure)."
        }
        while true {
            draw()
            guard let key = nextKey() else { return }
            if try !handle(key) { break }
        }
        output.clearScreen()
        let marked = entries.filter { $0.status != nil }.count
        output.writeLine("Appello salvato: \(marked) di \(entries.count) segnati.")
    }

    func reload() throws {
        entries = try rollCall.entries()
        selected = min(selected, max(0, entries.count - 1))
    }

    /// Returns false to leave.
    func handle(_ key: Key) throws -> Bool {
        message = ""
        switch key {
        case .up, .character("k"): selected = max(0, selected - 1)
        case .down, .character("j"): selected = min(entries.count - 1, selected + 1)
        case .pageUp: selected = max(0, selected - (height - 8))
        case .pageDown: selected = min(entries.count - 1, selected + (height - 8))
        case .character("q"), .escape, .control("d"): return false
        case .character("p"), .character(" "): try mark(.present)
        case .character("a"): try mark(.absent)
        case .character("e"): try mark(.lateEntry, askTime: "Entrata alle (HH:MM, invio = adesso): ")
        case .character("u"): try mark(.earlyExit, askTime: "Uscita alle (HH:MM, invio = adesso): ")
        case .character("g"): try justify()
        case .character("t"):
            var count = 0
            for entry in entries where entry.status == nil {
                try rollCall.mark(entry.beneficiaryId, .present)
                count += 1
            }
            try reload()
            message = "\(count) segnati presenti."
        default:
            message = "Tasto non previsto."
        }
        return true
    }

    func mark(_ status: AttendanceStatus, askTime prompt: String? = nil) throws {
        guard entries.indices.contains(selected) else { return }
        var time: LocalTime?
        if let prompt {
            let answer = ask(prompt)
            if !answer.isEmpty {
                guard let parsed = LocalTime(answer) else {
                    message = "Orario «\(answer)» non valido: HH:MM."
                    return
                }
                time = parsed
            }
        }
        let entry = entries[selected]
        try rollCall.mark(entry.beneficiaryId, status, time: time)
        try reload()
        message = "\(TextWidth.truncate(entry.name, to: 20)): \(status.italian)."
        selected = min(entries.count - 1, selected + 1)
    }

    func justify() throws {
        guard entries.indices.contains(selected) else { return }
        let entry = entries[selected]
        guard !entry.unjustified.isEmpty else {
            message = "Nessuna assenza da giustificare."
            return
        }
        let days = entry.unjustified.map(\.italian).joined(separator: ", ")
        let reason = ask("Motivo per \(days) (invio = famiglia): ")
        for day in entry.unjustified {
            try rollCall.justify(entry.beneficiaryId, absence: day, reason: reason.isEmpty ? "giustificata dalla famiglia" : reason)
        }
        try reload()
        message = "Giustificate \(entry.unjustified.count) assenze."
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

    static func short(_ status: AttendanceStatus?) -> String {
        switch status {
        case .present?: return "PRES"
        case .absent?: return "ASS."
        case .lateEntry?: return "ENTR"
        case .earlyExit?: return "USC."
        case nil: return "  ? "
        }
    }

    /// The next key; while none comes, a resized terminal is redrawn within half a second.
    private func nextKey() -> Key? {
        guard let terminalSize else { return input.readKey() }
        while true {
            if let key = input.readKey(timeoutMilliseconds: 500) { return key }
            if input.isAtEnd { return nil }
            if let size = terminalSize(), size.columns != drawnSize?.columns || size.rows != drawnSize?.rows { draw() }
        }
    }

    /// The terminal size the screen was last drawn for.
    private var drawnSize: (columns: Int, rows: Int)?

    func draw() {
        drawnSize = terminalSize?()
        if let size = drawnSize {
            width = max(30, min(size.columns, widest))
            height = max(12, size.rows)
        }
        output.clearScreen()
        let title = (try? rollCall.className()) ?? rollCall.classID
        output.writeLine(output.styled(TextWidth.truncate(TerminalText.line("Appello \(title) — \(rollCall.date.italian)"), to: width), .bold))
        let count = { (s: AttendanceStatus?) in self.entries.filter { $0.status == s }.count }
        output.writeLine("P \(count(.present))  A \(count(.absent))  E \(count(.lateEntry))  U \(count(.earlyExit))  ? \(count(nil))")
        output.writeLine(String(repeating: "-", count: width))
        let rows = height - 7
        let first = max(0, min(selected - rows / 2, entries.count - rows))
        for index in first..<min(entries.count, first + rows) {
            let e = entries[index]
            let flag = e.unjustified.isEmpty ? "  " : " g"
            let other = e.markedElsewhere ? "*" : " "
            let name = TextWidth.pad(TextWidth.truncate(TerminalText.line(e.name), to: width - 10), to: width - 10)
            var line = (index == selected ? ">" : " ") + name + other + Self.short(e.status) + flag
            line = TextWidth.truncate(line, to: width)
            if index == selected {
                output.writeLine(output.styled(line, .inverse))
            } else if e.status == .absent {
                output.writeLine(output.styled(line, .red))
            } else {
                output.writeLine(line)
            }
        }
        output.writeLine(String(repeating: "-", count: width))
        output.writeLine(TextWidth.truncate(message.isEmpty ? "* segnato da altri  g assenze da giust." : TerminalText.line(message), to: width))
        output.writeLine(TextWidth.truncate("p pres a ass e entra u esce", to: width))
        output.write(TextWidth.truncate("g giustif. t tutti pres. q fine", to: width))
    }
}
