import Foundation

/// The benchmark's one table: each measure beside raw SQLite doing the same writes in the same run, the
/// ratio, the target, and whether it was met.
public struct BenchTable: Sendable {
    public struct Row: Sendable {
        public let measure: String
        public let spunta: String
        public let baseline: String
        public let ratio: String
        public let target: String
        public let met: Bool?
        /// By how much a missed target was missed.
        public let shortfall: String?
    }

    public private(set) var rows: [Row] = []

    public init() {}

    public mutating func add(
        _ measure: String, spunta: String, baseline: String = "—", ratio: String = "—", target: String, met: Bool?, shortfall: String? = nil
    ) {
        rows.append(Row(measure: measure, spunta: spunta, baseline: baseline, ratio: ratio, target: target, met: met, shortfall: shortfall))
    }

    public func render() -> String {
        let header = ["misura", "Spunta", "SQLite grezzo", "rapporto", "obiettivo", "esito"]
        let cells = rows.map { row in
            [row.measure, row.spunta, row.baseline, row.ratio, row.target,
             row.met.map { $0 ? "raggiunto" : "MANCATO" + (row.shortfall.map { " di \($0)" } ?? "") } ?? "—"]
        }
        var widths = header.map(\.count)
        for row in cells {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ row: [String]) -> String {
            "| " + row.enumerated().map { i, cell in cell + String(repeating: " ", count: widths[i] - cell.count) }.joined(separator: " | ") + " |"
        }
        var out = [line(header), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
        out += cells.map(line)
        return out.joined(separator: "\n")
    }
}

/// Small statistics helpers.
enum Stats {
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))
        return sorted[index]
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
    static func s(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }
    static func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }
}

/// Peak resident memory of a process (VmHWM), in bytes.
enum Memory {
    static func peak(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    static func mb(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }

    /// Small sizes on disk (a device's folder) in KiB, where MB would round them to nothing.
    static func kib(_ bytes: Int) -> String { "\(bytes / 1024) KiB" }
}
