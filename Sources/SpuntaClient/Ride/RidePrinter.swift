import Foundation
import SpuntaCLI
import SpuntaDomain

/// How the ride speaks to the attendant (schermata della corsa), in the words and layout of the door's answers
/// (`ScanPrinter`): the stop reached, who gets on and off there, who is missing, every name and reason whole,
/// wrapped within the width, never cut.
public struct RidePrinter {
    let scan: ScanPrinter

    public init(output: OutputSink, width: @escaping () -> Int,
                command: @escaping (CommandHint) -> [String] = { $0.words(location: []) }) {
        scan = ScanPrinter(output: output, width: width, command: command)
    }

    public func banner(_ title: String) {
        scan.block("", title, [.bold])
        scan.block("", "«>» avanti, «<» indietro, N o @nome: fermata; «v» verso; «#» a bordo; «q» fine corsa.", [.dim])
    }

    /// A line of its own that is neither a scan nor a stop (the ride left open at the end of input).
    public func notice(_ text: String) {
        scan.block("--", text)
    }

    public func print(_ outcome: ScanOutcome) {
        scan.print(outcome)
    }

    /// Who gets on (or off) at a stop, one child a line under the count, so that the attendant reads the names at a
    /// glance. When the stop serves children of several schools every child is listed under the school's name, said
    /// once for its group — except the children of the school whose own stop this is, which the stop's name says
    /// already; children of one school stand alone, named as everywhere in the ride (`who(at:)`: the school beside a
    /// "2B" of two schools on the line). ✓ beside those already done.
    func list(_ word: String, _ title: String, _ children: [RideEvent.Child], at stop: RidePlan.Stop?,
              done: (RideEvent.Child) -> Bool) {
        scan.block(word, "\(title) (\(children.count)):")
        func mark(_ child: RideEvent.Child) -> String { done(child) ? " ✓" : "" }
        // At a school's own stop its children need no header; a child whose school the device does not know is
        // grouped too, so that nobody looks as if of the school above.
        let ownSchool = stop.flatMap { $0.isSchool ? $0.name : nil }
        let header = { (child: RideEvent.Child) -> String? in
            child.school == ownSchool && ownSchool != nil ? nil : (child.school ?? "Scuola non indicata")
        }
        guard Set(children.map { $0.school ?? "" }).count > 1 else {
            for child in children { item(child.who(at: stop) + mark(child), depth: 0) }
            return
        }
        for child in children where header(child) == nil {
            item(RidePlan.who(child.name, className: child.className, schoolName: nil) + mark(child), depth: 0)
        }
        let grouped = Dictionary(grouping: children.filter { header($0) != nil }) { header($0) ?? "" }
        for name in grouped.keys.sorted() {
            item(name + ":", depth: 0)
            for child in grouped[name] ?? [] {
                item(RidePlan.who(child.name, className: child.className, schoolName: nil) + mark(child), depth: 2)
            }
        }
    }

    /// A line of a stop's list, `depth` columns deeper than the answers' text, wrapped under itself, never cut.
    private func item(_ text: String, depth: Int) {
        let lead = String(repeating: " ", count: ScanPrinter.indent + depth)
        for line in TextWidth.wrap(TerminalText.line(text), width: max(20, scan.width()), lead: lead, indent: lead.count + 2) {
            scan.output.writeLine(line)
        }
    }

    public func print(_ event: RideEvent) {
        switch event.result {
        case .stop:
            if !event.message.isEmpty { scan.block("--", event.message, event.message.contains("ATTENZIONE") ? [.yellow, .bold] : []) }
            if let stop = event.stop {
                let time = stop.time.map { ", \($0)" } ?? ""
                scan.block(">>", "Fermata \(stop.number) di \(event.stops): \(stop.name) (\(event.direction.italian)\(time))", [.inverse, .bold])
            }
            if !event.boarding.isEmpty {
                list("SU", "Salgono qui", event.boarding, at: event.stop) { $0.status == .boarded }
            }
            // Who never got on is not waited for here: they were missing at their own stop.
            let off = event.alighting.filter { $0.status != .notBoarded }
            if !off.isEmpty {
                list("GIÙ", "Scendono qui", off, at: event.stop) { $0.status == .alighted }
            }
            if event.boarding.isEmpty && off.isEmpty {
                scan.block("", "Nessuno sale o scende qui.", [.dim])
            }
            // Everybody expected is missing on arrival: said once, by "Salgono qui".
            if !event.missing.isEmpty && event.missing.count < event.boarding.count {
                scan.block("ATT.", "Mancano: " + event.missing.map { $0.who(at: event.stop) }.joined(separator: ", ") + ".", [.yellow, .bold])
            }
            scan.block("#", "A bordo: \(event.aboard.count).", [.dim])
        case .progress:
            scan.block("#", event.message, [.dim])
        case .leftStop:
            scan.output.bell()
            scan.block("ATT.", event.message, [.yellow, .bold])
        case .stopChoice:
            scan.output.bell()
            scan.block("NO", event.message, [.red, .bold])
            for stop in event.candidates {
                scan.block("   ", "\(stop.number) \(stop.name)")
            }
        case .aboard:
            scan.block("#", event.message, [.bold])
            for child in event.aboard {
                scan.block("   ", child.who + (child.stop.map { ": scende a \($0)" } ?? ""))
            }
        case .confirmClose:
            scan.output.bell()
            scan.block("??", event.message, [.yellow, .bold])
        case .rideClosed:
            if !event.aboard.isEmpty { scan.output.bell() }
            scan.block("FINE", event.message, event.aboard.isEmpty ? [.bold] : [.red, .bold])
        case .notClosed:
            scan.block("--", event.message)
        }
    }
}
