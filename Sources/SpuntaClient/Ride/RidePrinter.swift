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

    public func print(_ event: RideEvent) {
        switch event.result {
        case .stop:
            if !event.message.isEmpty { scan.block("--", event.message, event.message.contains("ATTENZIONE") ? [.yellow, .bold] : []) }
            if let stop = event.stop {
                let time = stop.time.map { ", \($0)" } ?? ""
                scan.block(">>", "Fermata \(stop.number) di \(event.stops): \(stop.name) (\(event.direction.italian)\(time))", [.inverse, .bold])
            }
            if !event.boarding.isEmpty {
                scan.block("SU", "Salgono qui: " + event.boarding.map { $0.who + ($0.status == .boarded ? " ✓" : "") }.joined(separator: ", ") + ".")
            }
            // Who never got on is not waited for here: they were missing at their own stop.
            let off = event.alighting.filter { $0.status != .notBoarded }
            if !off.isEmpty {
                scan.block("GIÙ", "Scendono qui: " + off.map { $0.who + ($0.status == .alighted ? " ✓" : "") }.joined(separator: ", ") + ".")
            }
            if event.boarding.isEmpty && off.isEmpty {
                scan.block("", "Nessuno sale o scende qui.", [.dim])
            }
            // Everybody expected is missing on arrival: said once, by "Salgono qui".
            if !event.missing.isEmpty && event.missing.count < event.boarding.count {
                scan.block("ATT.", "Mancano: " + event.missing.map(\.who).joined(separator: ", ") + ".", [.yellow, .bold])
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
