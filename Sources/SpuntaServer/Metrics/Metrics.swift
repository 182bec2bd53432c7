import Foundation
import Synchronization

/// Counters and latency histograms of the server, rendered in the Prometheus text format (GET /metrics).
public final class Metrics: Sendable {
    private struct SeriesKey: Hashable, Comparable {
        let name: String
        let labels: String

        static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool { (lhs.name, lhs.labels) < (rhs.name, rhs.labels) }
    }

    private struct Histogram {
        var buckets: [Int]
        var count = 0
        var sum = 0.0
    }

    /// Latency buckets in seconds: from a millisecond to a long poll.
    public static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    private struct State {
        var counters: [SeriesKey: Double] = [:]
        var histograms: [SeriesKey: Histogram] = [:]
        var help: [String: (type: String, text: String)] = [:]
        var gauges: [String: @Sendable () -> Double] = [:]
    }

    private let state = Mutex(State())

    public init() {
        describe("spunta_http_requests_total", type: "counter", "HTTP requests by route and status.")
        describe("spunta_enroll_attempts_total", type: "counter",
                 "Enrollment attempts by result (enrolled, repeated, failed, refused: address locked out).")
        describe("spunta_ops_total", type: "counter", "Ops received by push result (applied, duplicate, rejected).")
        describe("spunta_ops_merged_total", type: "counter", "Ops applied by merge outcome (applied, duplicate, superseded, conflict, voided).")
        describe("spunta_group_commits_total", type: "counter", "Transactions of the writer (each may hold many pushes).")
        describe("spunta_group_commit_jobs_total", type: "counter", "Jobs committed by the writer.")
        describe("spunta_push_seconds", type: "histogram", "Time to answer a push, durable commit included.")
        describe("spunta_pull_seconds", type: "histogram", "Time to answer a pull, long-poll wait excluded.")
    }

    private func describe(_ name: String, type: String, _ text: String) {
        state.withLock { $0.help[name] = (type, text) }
    }

    /// Declares a counter kept by another part of the server, so that it is rendered with its help text.
    public func counter(_ name: String, help text: String) {
        state.withLock { $0.help[name] = ("counter", text) }
    }

    /// A gauge read when the metrics are rendered.
    public func gauge(_ name: String, help text: String, _ read: @escaping @Sendable () -> Double) {
        state.withLock { state in
            state.help[name] = ("gauge", text)
            state.gauges[name] = read
        }
    }

    public func increment(_ name: String, _ labels: [String: String] = [:], by amount: Double = 1) {
        let key = SeriesKey(name: name, labels: Self.render(labels))
        state.withLock { $0.counters[key, default: 0] += amount }
    }

    public func observe(_ name: String, seconds: Double, _ labels: [String: String] = [:]) {
        let key = SeriesKey(name: name, labels: Self.render(labels))
        state.withLock { state in
            var h = state.histograms[key] ?? Histogram(buckets: Array(repeating: 0, count: Self.buckets.count))
            for (i, bound) in Self.buckets.enumerated() where seconds <= bound { h.buckets[i] += 1 }
            h.count += 1
            h.sum += seconds
            state.histograms[key] = h
        }
    }

    /// The current value of a counter (tests, status).
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        state.withLock { $0.counters[SeriesKey(name: name, labels: Self.render(labels))] ?? 0 }
    }

    /// Labels as the exposition format writes them (`name="value"`, sorted, escaped).
    static func render(_ labels: [String: String]) -> String {
        labels.keys.sorted().map { key in
            let value = (labels[key] ?? "").replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(value)\""
        }.joined(separator: ",")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// The exposition text.
    public func render() -> String {
        let (counters, histograms, help, gauges) = state.withLock { ($0.counters, $0.histograms, $0.help, $0.gauges) }
        var out = ""
        var described: Set<String> = []
        func header(_ name: String) {
            guard described.insert(name).inserted, let h = help[name] else { return }
            out += "# HELP \(name) \(h.text)\n# TYPE \(name) \(h.type)\n"
        }
        for name in help.keys.sorted() where help[name]?.type == "counter" {
            header(name)
            for (key, value) in counters.filter({ $0.key.name == name }).sorted(by: { $0.key < $1.key }) {
                out += key.labels.isEmpty ? "\(name) \(Self.number(value))\n" : "\(name){\(key.labels)} \(Self.number(value))\n"
            }
        }
        for name in gauges.keys.sorted() {
            header(name)
            out += "\(name) \(Self.number(gauges[name]?() ?? 0))\n"
        }
        for name in help.keys.sorted() where help[name]?.type == "histogram" {
            header(name)
            for (key, h) in histograms.filter({ $0.key.name == name }).sorted(by: { $0.key < $1.key }) {
                let prefix = key.labels.isEmpty ? "" : key.labels + ","
                for (i, bound) in Self.buckets.enumerated() {
                    out += "\(name)_bucket{\(prefix)le=\"\(bound)\"} \(h.buckets[i])\n"
                }
                out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(h.count)\n"
                let labels = key.labels.isEmpty ? "" : "{\(key.labels)}"
                out += "\(name)_sum\(labels) \(h.sum)\n\(name)_count\(labels) \(h.count)\n"
            }
        }
        return out
    }
}
