import Foundation
import SpuntaCLI
import SpuntaDemo

/// `spunta-bench`: Spunta against raw SQLite doing the same writes, in the same run, on this machine.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "spunta-bench",
        abstract: "Misura Spunta rispetto a SQLite grezzo: lettura tessere, ingestione, giornata di città, prima sincronizzazione, propagazione.",
        discussion: "Da compilare in release: swift run -c release spunta-bench. --quick per una prova veloce a scala ridotta."
    )

    @Flag(help: "Scala ridotta (prova veloce, non per i numeri).")
    var quick = false
    @Option(valueName: "cartella", help: "Dove lavorare (predefinita una cartella temporanea, rimossa alla fine).")
    var workspace: String?
    @Option(valueName: "misure", help: "Solo alcune misure: scan, ingest, city (separate da virgole).")
    var only: String?

    public init() {}

    public func run(_ context: CommandContext) async throws {
        let dir = URL(fileURLWithPath: workspace ?? FileManager.default.temporaryDirectory.appendingPathComponent("spunta-bench-\(UUID().uuidString.prefix(8))").path)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let quick = self.quick
        let keep = workspace != nil
        let selected = Set((only ?? "scan,ingest,city").split(separator: ",").map(String.init))
        let table = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<BenchTable, any Error>) in
            Thread {
                continuation.resume(with: Result {
                    var table = BenchTable()
                    let log: (String) -> Void = { context.printError($0) }
                    #if DEBUG
                    log("attenzione: compilato in debug; i numeri valgono solo con swift run -c release spunta-bench")
                    #endif
                    if selected.contains("scan") {
                        try ScanScenario.run(dir: dir, scans: quick ? 300 : 3_000, table: &table, log: log)
                    }
                    if selected.contains("ingest") {
                        try IngestScenario.run(dir: dir, devices: quick ? 8 : 50, opsPerDevice: quick ? 500 : 2_000, table: &table, log: log)
                    }
                    guard selected.contains("city") else { return table }
                    var city = CityScenario.Options()
                    if quick {
                        city.extraSites = 10
                        city.meals = 2_000
                        city.marks = 2_000
                        city.busOps = 800
                        city.devices = 100
                        city.propagationTrials = 5
                    }
                    try CityScenario.run(dir: dir, options: city, runner: .besideThisProgram(), table: &table, log: log)
                    return table
                })
            }.start()
        }
        if !keep { try? FileManager.default.removeItem(at: dir) }
        context.print(table.render())
        context.print("Macchina: \(ProcessInfo.processInfo.activeProcessorCount) core, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB; \(Date())")
    }
}
