import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Scan latency: from the payload line read to the op committed durably and the answer printed.
enum ScanScenario {
    static func run(dir: URL, scans: Int, table: inout BenchTable, log: (String) -> Void) throws {
        let home = DeviceHome(path: dir.appendingPathComponent("scan-device").path)
        let queue = try home.open()
        let device = EnrolledDevice(deviceId: "D-BENCH", name: "Banco", role: .canteen, scope: [ScopeItem(kind: .site, id: "S1")],
                                    serverURL: "http://127.0.0.1:9", token: "x", municipality: "Bench", epoch: "e", cursor: nil)
        try queue.write { db in try device.save(db, enrolledAt: Date()) }
        var changes: [ReplicaChange] = [
            .upsert(.service(Service(id: "MENSA", kind: .canteen, name: "Mensa", billingMode: .postpaid, chargeBasis: .scan, yearId: "Y",
                                     startDate: LocalDate(year: 2026, month: 9, day: 1)!, endDate: LocalDate(year: 2027, month: 6, day: 30)!,
                                     weekdays: [1, 2, 3, 4, 5], siteIds: ["S1"], cutoff: nil))),
            .upsert(.diet(Diet(id: "D1", name: "Senza glutine", allergens: [.gluten], notes: ""))),
        ]
        var generator = SeededGenerator(seed: 7)
        var lines: [String] = []
        for i in 0..<scans {
            let id = "B\(i)"
            let card = CardID.random(using: &generator)
            changes.append(.upsert(.beneficiary(ReplicaBeneficiary(id: id, surname: "Cognome\(i)", givenName: "Nome", classId: nil))))
            changes.append(.upsert(.enrollment(ReplicaEnrollment(id: "E\(i)", beneficiaryId: id, serviceId: "MENSA", siteId: "S1",
                                                                 dietId: i % 12 == 0 ? "D1" : nil, routeId: nil, outboundStopId: nil,
                                                                 returnStopId: nil, startDate: LocalDate(year: 2026, month: 9, day: 1)!, endDate: nil))))
            changes.append(.upsert(.card(Card(id: card.text, beneficiaryId: id, issuedOn: LocalDate(year: 2026, month: 9, day: 1)!, revokedOn: nil))))
            lines.append(CardPayload.encode(card))
        }
        let page = PullResponse(epoch: "e", cursor: "c:1", hasMore: false, reset: true, changes: changes, ops: [], serverTimeMs: 0)
        try queue.write { db in try ReplicaStore(db).apply(page, now: Date()) }
        let station = try ScanStation(queue: queue, device: device, setup: ScanSetup(place: .canteen, date: LocalDate(year: 2026, month: 10, day: 30)!))
        let sink = FileHandle(forWritingAtPath: "/dev/null") ?? FileHandle.nullDevice
        let output = JSONOutput()
        // Each scan is followed by one raw durable commit of a row of the same size, so that both meet the same
        // moments of a shared machine; the first scan's answer gives the row its size.
        let committer = try RawSQLiteBaseline.DurableCommitter(path: dir.appendingPathComponent("raw-scan.sqlite").path)
        var latencies: [Double] = []
        var raw: [Double] = []
        var sample = ""
        for (index, line) in lines.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            let outcome = station.handle(line)
            let text = (try? output.line(outcome)) ?? ""
            sink.write(Data((text + "\n").utf8))
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if outcome.result != .ok { throw RawSQLiteBaseline.Failure(description: "scan refused: \(outcome.message)") }
            if sample.isEmpty { sample = text }
            raw.append(try committer.commit(row: index, body: sample))
        }
        let p50 = Stats.percentile(latencies, 0.5), p99 = Stats.percentile(latencies, 0.99)
        let r50 = Stats.percentile(raw, 0.5), r99 = Stats.percentile(raw, 0.99)
        log("scan: p50 \(Stats.ms(p50)) p99 \(Stats.ms(p99)); SQLite grezzo p50 \(Stats.ms(r50)) p99 \(Stats.ms(r99))")
        table.add("lettura tessera p50 (\(scans) letture)", spunta: Stats.ms(p50), baseline: Stats.ms(r50), ratio: Stats.ratio(p50 / r50),
                  target: "—", met: nil)
        table.add("lettura tessera p99", spunta: Stats.ms(p99), baseline: Stats.ms(r99), ratio: Stats.ratio(p99 / r99),
                  target: "≤ 3×", met: p99 / r99 <= 3)
    }
}
