import Foundation
import SpuntaTestSupport
import Testing
import SpuntaHTTP
import SpuntaProtocol
#if canImport(Glibc)
import Glibc
#endif

/// Whole days with real processes: the server and several devices of the sample Comune on one machine.
@Suite("Field client end to end", .serialized)
struct EndToEndTests {
    static func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("an offline day: scans and roll call with no server, then one sync brings every op across exactly once")
    func offlineDay() async throws {
        do {
            let d = try Deployment()
            try d.startServer()
            let door = try d.device("mensa", role: .canteen, scope: "site:S01")
            let teacher = try d.device("maestra", role: .teacher, scope: "class:S01-1A")
            let port = d.port
            d.stopServer()
            let cards = try d.canteenCards(site: "S01").prefix(30)
            let scans = try d.spunta(door, ["scan", "--service", "canteen", "--date", schoolDay, "--json"],
                                     input: cards.map { $0.payload + "\n" }.joined())
            #expect(scans.status == 0)
            let ok = scans.output.map(Self.json).filter { $0["result"] as? String == "ok" }
            #expect(ok.count == cards.count)
            let roll = try d.spunta(teacher, ["roll-call", "--class", "S01-1A", "--date", schoolDay, "--absent", "B0001", "--rest-present"])
            #expect(roll.status == 0, "\(roll.errors)")
            let offline = try d.spunta(door, ["sync"])
            #expect(offline.status == 1)
            #expect(offline.errors.contains("offline"))
            let status = try d.spunta(door, ["status", "--json"])
            #expect(Self.json(status.output.joined())["pending_ops"] as? Int == cards.count)

            // The server comes back at its address.
            try d.startServer(port: port)
            #expect(try d.spunta(door, ["sync"]).status == 0)
            #expect(try d.spunta(teacher, ["sync"]).status == 0)
            // A second sync sends nothing again.
            #expect(try d.spunta(door, ["sync", "--json"]).output.map(Self.json).first?["pushed"] as? Int == 0)
            let meals: Int? = try d.query("SELECT COUNT(*) FROM meal WHERE business_date = ?", [schoolDay])
            let ops: Int? = try d.query("SELECT COUNT(*) FROM op WHERE type = 'meal_scanned'")
            #expect(meals == cards.count)
            #expect(ops == cards.count)
            let register: Int? = try d.query("SELECT COUNT(*) FROM attendance WHERE business_date = ?", [schoolDay])
            let classSize: Int? = try d.query("SELECT COUNT(*) FROM beneficiary WHERE class_id = 'S01-1A'")
            #expect(register == classSize)
            let absent: String? = try d.query("SELECT status FROM attendance WHERE beneficiary_id = 'B0001'")
            #expect(absent == "absent")
        }
    }

    @Test("two canteen doors scanning the same child: the second refuses once it knows, one meal is billed")
    func twoDoors() async throws {
        do {
            let d = try Deployment()
            try d.startServer()
            let door1 = try d.device("porta1", role: .canteen, scope: "site:S01")
            let door2 = try d.device("porta2", role: .canteen, scope: "site:S01")
            let card = try #require(try d.canteenCards(site: "S01").first)
            // Both offline: both serve the child.
            #expect(Self.json(try d.spunta(door1, ["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: card.payload + "\n").output.first ?? "")["result"] as? String == "ok")
            #expect(Self.json(try d.spunta(door2, ["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: card.payload + "\n").output.first ?? "")["result"] as? String == "ok")
            #expect(try d.spunta(door1, ["sync"]).status == 0)
            #expect(try d.spunta(door2, ["sync"]).status == 0)
            let meals: Int? = try d.query("SELECT COUNT(*) FROM meal WHERE beneficiary_id = ?", [card.beneficiary])
            let duplicates: Int? = try d.query("SELECT COUNT(*) FROM op WHERE beneficiary_id = ? AND merge_status = 'duplicate'", [card.beneficiary])
            #expect(meals == 1)
            #expect(duplicates == 1)
            // Door 1, now in sync, refuses the child: door 2's scan reached it.
            #expect(try d.spunta(door1, ["sync"]).status == 0)
            let again = Self.json(try d.spunta(door1, ["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: card.payload + "\n").output.first ?? "")
            #expect(again["result"] as? String == "duplicate")
        }
    }

    @Test("co-teachers who disagree: one conflict on the server")
    func coTeachers() async throws {
        do {
            let d = try Deployment()
            try d.startServer()
            let t1 = try d.device("maestra1", role: .teacher, scope: "class:S01-1A")
            let t2 = try d.device("maestra2", role: .teacher, scope: "class:S01-1A")
            #expect(try d.spunta(t1, ["roll-call", "--class", "S01-1A", "--date", schoolDay, "--absent", "B0002", "--rest-present"]).status == 0)
            #expect(try d.spunta(t2, ["roll-call", "--class", "S01-1A", "--date", schoolDay, "--absent", "B0001", "--rest-present"]).status == 0)
            #expect(try d.spunta(t1, ["sync"]).status == 0)
            #expect(try d.spunta(t2, ["sync"]).status == 0)
            let conflicts: Int? = try d.query("SELECT COUNT(*) FROM conflict WHERE kind = 'attendance_disagreement' AND status = 'open'")
            #expect(conflicts == 2)
            let listed = try d.admin(["conflicts", "--db", d.db])
            #expect(listed.output.contains("appello discordante"))
        }
    }

    @Test("kill -9 in the middle of a burst of scans: every acknowledged scan reaches the server exactly once")
    func killDuringBurst() async throws {
        do {
            let d = try Deployment()
            try d.startServer()
            let door = try d.device("porta", role: .canteen, scope: "site:S01")
            let cards = try d.canteenCards(site: "S01")
            let scanner = try ChildProcess("spunta", ["scan", "--service", "canteen", "--date", schoolDay, "--json", "--home", door])
            var acknowledged: Set<String> = []
            for (index, card) in cards.prefix(120).enumerated() {
                scanner.send(card.payload + "\n")
                if index == 80 {
                    // Wait for some answers, then kill without warning while lines are still arriving.
                    #expect(scanner.waitForLine(containing: "\"result\"", seconds: 60) != nil, "no answer before the kill: \(scanner.errors)")
                    scanner.signal(SIGKILL)
                    break
                }
            }
            scanner.wait()
            for line in scanner.output {
                let object = Self.json(line)
                if object["recorded"] as? Bool == true, let op = object["op_id"] as? String { acknowledged.insert(op) }
            }
            #expect(!acknowledged.isEmpty)
            // The device restarts and syncs (twice: the second must send nothing).
            #expect(try d.spunta(door, ["sync"]).status == 0)
            #expect(try d.spunta(door, ["sync"]).status == 0)
            let server = try Set(d.listOps())
            #expect(acknowledged.isSubset(of: server), "acknowledged scans missing on the server")
            let total: Int? = try d.query("SELECT COUNT(*) FROM op")
            let distinct: Int? = try d.query("SELECT COUNT(DISTINCT beneficiary_id) FROM op")
            #expect(total == server.count)
            #expect(total == distinct, "a scan reached the server twice")
        }
    }

    @Test("with sync --watch on two canteen devices, a child served at one is refused at the other within seconds, not at the next poll")
    func propagation() async throws {
        do {
            let d = try Deployment()
            try d.startServer()
            let door1 = try d.device("porta1", role: .canteen, scope: "site:S01")
            let door2 = try d.device("porta2", role: .canteen, scope: "site:S01")
            let watch1 = try ChildProcess("spunta", ["sync", "--watch", "--home", door1])
            let watch2 = try ChildProcess("spunta", ["sync", "--watch", "--home", door2])
            defer {
                watch1.signal(SIGKILL)
                watch2.signal(SIGKILL)
                watch1.wait()
                watch2.wait()
            }
            // Both devices are in sync when the server holds their two long polls.
            try await d.waitForLongPolls(2)
            let card = try #require(try d.canteenCards(site: "S01").dropFirst(3).first)
            let today = schoolDay
            #expect(Self.json(try d.spunta(door1, ["scan", "--service", "canteen", "--date", today, "--json"], input: card.payload + "\n").output.first ?? "")["result"] as? String == "ok")
            let started = Date()
            var refused = false
            while Date().timeIntervalSince(started) < 30 {
                let answer = Self.json(try d.spunta(door2, ["scan", "--service", "canteen", "--date", today, "--json"], input: card.payload + "\n").output.first ?? "")
                if answer["result"] as? String == "duplicate" {
                    refused = true
                    break
                }
                // The probe recorded a meal if it said ok: void it so the next probe asks again.
                if answer["result"] as? String == "ok", let op = answer["op_id"] as? String {
                    _ = try d.spunta(door2, ["void", "--op", op, "--reason", "prova"])
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(refused)
            // The long poll waits 25 s: a refusal well before that came by its wake-up (each probe is a process of its
            // own, which takes its time on a loaded machine).
            #expect(elapsed < 15, "propagation took \(elapsed) s")
        }
    }

    @Test("a scanner left open all lunch: each scan reaches the server within seconds under sync --watch, not at the next timeout")
    func longScanSession() async throws {
        do {
            let d = try Deployment()
            try d.startServer()
            let door = try d.device("porta", role: .canteen, scope: "site:S01")
            let watch = try ChildProcess("spunta", ["sync", "--watch", "--home", door])
            let scanner = try ChildProcess("spunta", ["scan", "--service", "canteen", "--date", schoolDay, "--json", "--home", door])
            defer {
                for process in [watch, scanner] {
                    process.signal(SIGKILL)
                    process.wait()
                }
            }
            try await d.waitForLongPolls(1)
            // One scan at a time, as children come to the counter: each must be on the server before the next.
            for (index, card) in try d.canteenCards(site: "S01").prefix(4).enumerated() {
                scanner.send(card.payload + "\n")
                #expect(scanner.waitForLine(containing: card.beneficiary) != nil)
                let started = Date()
                var arrived = false
                while Date().timeIntervalSince(started) < 30 {
                    let meals: Int? = try d.query("SELECT COUNT(*) FROM meal WHERE business_date = ?", [schoolDay])
                    if meals == index + 1 {
                        arrived = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let elapsed = Date().timeIntervalSince(started)
                // The pushing loop's own timeout is 30 s: well before it, the scan came by the device's signal.
                #expect(arrived && elapsed < 15, "scan \(index + 1) reached the server after \(elapsed) s")
            }
        }
    }
}

extension Deployment {
    /// Waits until the server holds `count` long polls (its metrics say so); throws when it never does.
    func waitForLongPolls(_ count: Int, seconds: Double = 60) async throws {
        let client = try HTTPClient(baseURL: url)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let metrics = String(decoding: try client.send(method: "GET", path: "/metrics").body, as: UTF8.self)
            if metrics.contains("spunta_pulls_waiting \(count)") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DeploymentError.command("the server did not hold \(count) long polls within \(Int(seconds)) s")
    }

    /// Ids of every op on the server.
    func listOps() throws -> [String] {
        let output = try admin(["audit", "--db", db, "--json"]).output
        return output.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["kind"] as? String == "op" else { return nil }
            return object["subject"] as? String
        }
    }
}
