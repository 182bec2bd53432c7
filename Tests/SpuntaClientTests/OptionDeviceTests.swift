import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
import SpuntaTestSupport
import Testing
@testable import SpuntaClient
@testable import SpuntaSync

/// Tariff options on the device: the services' options and each enrollment's option with its changes reach the
/// replica, the device's kitchen count agrees with the caterer's on a three-day pupil's days and off days, and the
/// door serves such a pupil on an off day saying it is a meal more (sample Comune: the canteen MENSA at S02 has a
/// three-day option on Monday, Wednesday and Friday; a nursery child switches to part time on 16 November).
@Suite("Tariff options on the device")
struct OptionDeviceTests {
    static let monday = "2026-10-05"
    static let tuesday = "2026-10-06"
    static let sample = SampleComuneGenerator.generate()

    /// The sample's three-day pupils of the canteen at `site`.
    static func threeDay(site: String) -> Set<String> {
        Set(sample.enrollments.filter { $0.serviceId == "MENSA" && $0.siteId == site && $0.optionId == "3-giorni" }.map(\.beneficiaryId))
    }

    // MARK: The replica

    @Test("the canteen's options and each pupil's option reach the door through a real pull")
    func optionsPulled() throws {
        let door = try FieldDevice(.canteenS02)
        let (service, enrollments) = try door.queue().read { db in
            let replica = ReplicaStore(db)
            return (try replica.record(.services, "MENSA", as: Service.self), try replica.allEnrollments())
        }
        #expect(service?.options == [Service.Option(id: "5-giorni", name: "5 giorni"),
                                     Service.Option(id: "3-giorni", name: "3 giorni", weekdays: [1, 3, 5])])
        let held = Set(enrollments.filter { $0.serviceId == "MENSA" && $0.optionId == "3-giorni" }.map(\.beneficiaryId))
        #expect(!held.isEmpty && held == Self.threeDay(site: "S02"))
        for e in enrollments where e.serviceId == "MENSA" {
            #expect(e.optionId == Self.sample.enrollments.first { $0.id == e.id }?.optionId, "\(e.id)")
        }
    }

    @Test("an enrollment's change of option travels on the wire and the device reads the option of each day as the server does")
    func changeReachesDevice() throws {
        let nursery = try #require(Self.sample.enrollments.first { !$0.optionChanges.isEmpty && $0.siteId != nil })
        let site = try #require(nursery.siteId)
        let server = try ServerDatabase.openReader(path: try SampleDatabase.sample())
        let scope = DeviceScope(deviceId: "D", role: .canteen, items: [ScopeItem(kind: .site, id: site)])
        let records = try server.read { db in
            let projector = ReplicaProjector(scope: scope, db: db)
            return (try projector.project(.services, nursery.serviceId), try projector.project(.enrollments, ids: [nursery.id]).first ?? nil)
        }
        let service = try #require(records.0), enrollment = try #require(records.1)
        let door = try FieldDevice(.canteenS02)
        try door.queue().write { db in
            for record in [service, enrollment] {
                // As the pull carries it: encoded by the server, decoded by the device.
                let wire = try WireCoding.decode(ReplicaChange.self, from: try WireCoding.encode(ReplicaChange.upsert(record)))
                try ReplicaStore(db).apply(wire)
            }
        }
        let (held, options) = try door.queue().read { db in
            let replica = ReplicaStore(db)
            return (try replica.enrollments(of: nursery.beneficiaryId).first { $0.id == nursery.id },
                    try replica.record(.services, nursery.serviceId, as: Service.self)?.options)
        }
        let replica = try #require(held)
        #expect(replica.optionId == nursery.optionId)
        #expect(replica.optionChanges == nursery.optionChanges)
        #expect(options == Self.sample.services.first { $0.id == nursery.serviceId }?.options)
        for day in ["2026-11-13", "2026-11-16", "2026-12-01"] {
            let date = try #require(LocalDate(day))
            #expect(replica.option(on: date) == nursery.option(on: date), "\(day)")
        }
        #expect(replica.option(on: try #require(LocalDate("2026-11-16"))) != replica.option(on: try #require(LocalDate("2026-11-13"))))
    }

    @Test("a device from before options downloads its replica again, and keeps the enrollments it holds readable")
    func migration() throws {
        let folder = try TemporaryFolder("spunta-options-migration")
        let queue = try DatabaseQueue(path: folder.path("device.sqlite"))
        try ClientMigrations.migrator.migrate(queue, through: "v9-bus-school-of-child")
        try queue.write { db in
            try db.run("""
                INSERT INTO device (id, device_id, name, role, scope, server_url, token, municipality, epoch, cursor, enrolled_at)
                VALUES (1, 'D1', 'porta', 'canteen', '["site:S02"]', 'http://127.0.0.1:1', 't', 'Comune', 'e1', 'c:42', '2026-09-01T07:00:00Z')
                """)
            try db.run("INSERT INTO enrollment (id, beneficiary_id, service_id, site_id, start_date) VALUES ('E1', 'B1', 'MENSA', 'S02', '2026-09-21')")
        }
        try ClientMigrations.migrator.migrate(queue)
        let cursor: String? = try queue.read { try $0.scalar("SELECT cursor FROM device WHERE id = 1") }
        #expect(cursor == nil, "no cursor: the next pull is a snapshot")
        let held = try queue.read { db in try ReplicaStore(db).enrollments(of: "B1") }
        #expect(held.map(\.id) == ["E1"])
        #expect(held.first?.optionId == nil && held.first?.optionChanges == [])
    }

    @Test("the bus gets the enrollment without its option")
    func busWithoutOption() throws {
        let server = try ServerDatabase.openReader(path: try SampleDatabase.sample())
        let scope = DeviceScope(deviceId: "D", role: .bus, items: [ScopeItem(kind: .route, id: "L1")])
        let records = try server.read { db in
            let projector = ReplicaProjector(scope: scope, db: db)
            return try projector.project(.enrollments, ids: try projector.candidates(.enrollments, after: "", limit: 5000))
        }
        let held = records.compactMap { record -> ReplicaEnrollment? in if case .enrollment(let e)? = record { return e } else { return nil } }
        #expect(!held.isEmpty)
        #expect(held.allSatisfy { $0.optionId == nil && $0.optionChanges.isEmpty })
    }

    // MARK: The kitchen count

    /// (day, whether the three-day pupils eat that day).
    @Test("the device's `spunta meals` and the caterer's count agree class by class on a three-day pupil's day and off day",
          arguments: [(monday, true), (tuesday, false)])
    func countsAgree(_ c: (String, Bool)) throws {
        let (text, threeDayEats) = c
        let date = try #require(LocalDate(text))
        let site = try #require(Self.sample.sites.first { $0.id == "S02" })
        let server = try ServerDatabase.openReader(path: try SampleDatabase.sample())
        let caterer = try #require(try server.read { db in try MealCount.compose(db, data: Self.sample, site: site, date: date) })
        let door = try FieldDevice(.canteenS02)
        let device = try door.queue().read { db in try DeviceReports.meals(db, device: try EnrolledDevice.require(db), date: date) }

        var deviceByClass: [String: (enrolled: Int, expected: Int)] = [:]
        for line in device where line.site == site.id {
            deviceByClass[line.schoolClass, default: (0, 0)].enrolled += line.enrolled
            deviceByClass[line.schoolClass, default: (0, 0)].expected += line.expected
        }
        let catererByClass = Dictionary(caterer.classes.map { ($0.className, (enrolled: $0.enrolled, expected: $0.meals)) },
                                        uniquingKeysWith: { a, _ in a })
        #expect(Set(deviceByClass.keys) == Set(catererByClass.keys))
        for (name, counted) in catererByClass {
            #expect(deviceByClass[name]?.enrolled == counted.enrolled, "class \(name) on \(text)")
            #expect(deviceByClass[name]?.expected == counted.expected, "class \(name) on \(text)")
        }
        // The three-day pupils make the difference: counted on Monday, left out on Tuesday, on both sides.
        let threeDay = Self.threeDay(site: site.id)
        try #require(!threeDay.isEmpty)
        let counted = Set(caterer.children.map(\.beneficiaryId))
        #expect(threeDay.isSubset(of: counted) == threeDayEats && threeDay.isDisjoint(with: counted) == !threeDayEats)
        let all = Set(Self.sample.enrollments.filter { $0.serviceId == "MENSA" && $0.siteId == site.id && $0.isActive(on: date) }.map(\.beneficiaryId))
        let deviceTotal = deviceByClass.values.reduce(0) { $0 + $1.enrolled }
        #expect(deviceTotal == all.count - (threeDayEats ? 0 : threeDay.count))
    }

    // MARK: The door

    /// A card of a three-day pupil of the Montessori canteen.
    static func threeDayCard(_ door: FieldDevice) throws -> (payload: String, beneficiary: String) {
        try #require(try door.canteenCards("c.beneficiary_id IN (SELECT beneficiary_id FROM enrollment WHERE option_id = '3-giorni')").first)
    }

    static let offDayMessage = "Pasto in più: fuori dai giorni dell'opzione «3 giorni» (lun, mer, ven). Servire comunque."

    @Test("a three-day pupil scanned on a Tuesday is served, recorded and told it is a meal more; on a Monday nothing is said",
          arguments: [(tuesday, true), (monday, false)])
    func doorOffDay(_ c: (String, Bool)) throws {
        let (day, offDay) = c
        let door = try FieldDevice(.canteenS02)
        let card = try Self.threeDayCard(door)
        let screen = try FieldDeviceCopy.of(door)
        let (answers, summary) = try door.scan(["scan", "--service", "canteen", "--date", day], input: card.payload + "\n")
        let answer = try #require(answers.first)
        #expect(answer["result"] as? String == "ok")
        #expect(answer["recorded"] as? Bool == true)
        let warnings = answer["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.map { $0["code"] as? String } == (offDay ? ["off_option_day"] : []))
        if offDay { #expect(warnings.first?["message"] as? String == Self.offDayMessage) }
        // Served anyway, so expected too: the count never shows more served than expected.
        let served = try #require(summary?["served"] as? Int), expected = try #require(summary?["expected"] as? Int)
        #expect(served == 1 && expected >= served)

        let human = try screen.spunta(["scan", "--service", "canteen", "--date", day], input: card.payload + "\n")
        #expect(human.status == 0, "\(human.errors)")
        #expect(human.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(human.output)")
        let lines = ScanTests.unwrapped(human.output)
        #expect(lines.contains("ATT. " + Self.offDayMessage) == offDay, "\(human.output)")
    }

    @Test("a three-day pupil scanned again on a Tuesday, already served: the answer still says why it was a meal more, whole at 40 columns")
    func doorOffDayRepeated() throws {
        let door = try FieldDevice(.canteenS02)
        let card = try Self.threeDayCard(door)
        let screen = try FieldDeviceCopy.of(door)
        let again = "Pasto in più: fuori dai giorni dell'opzione «3 giorni» (lun, mer, ven)."
        let (answers, _) = try door.scan(["scan", "--service", "canteen", "--date", Self.tuesday], input: card.payload + "\n" + card.payload + "\n")
        try #require(answers.count == 2)
        #expect(answers[0]["result"] as? String == "ok")
        let second = answers[1]
        #expect(second["result"] as? String == "duplicate" && second["recorded"] as? Bool == false)
        let warnings = second["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.map { $0["code"] as? String } == ["off_option_day"], "\(second)")
        #expect(warnings.first?["message"] as? String == again)

        let human = try screen.spunta(["scan", "--service", "canteen", "--date", Self.tuesday], input: card.payload + "\n" + card.payload + "\n")
        #expect(human.status == 0, "\(human.errors)")
        #expect(human.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(human.output)")
        let lines = ScanTests.unwrapped(human.output)
        let served = try #require(lines.firstIndex { $0.hasPrefix("GIÀ  ") && $0.contains("già servito alle") }, "\(human.output)")
        #expect(lines[served...].contains("ATT. " + again), "\(human.output)")
        #expect(lines.filter { $0 == "ATT. " + Self.offDayMessage }.count == 1, "the first scan says to serve; the second does not: \(human.output)")
    }

    @Test("a three-day pupil scanned again on a Monday, already served: nothing said about the option")
    func doorOnDayRepeated() throws {
        let door = try FieldDevice(.canteenS02)
        let card = try Self.threeDayCard(door)
        let (answers, _) = try door.scan(["scan", "--service", "canteen", "--date", Self.monday], input: card.payload + "\n" + card.payload + "\n")
        try #require(answers.count == 2)
        #expect(answers[1]["result"] as? String == "duplicate")
        #expect((answers[1]["warnings"] as? [[String: Any]] ?? []).isEmpty, "\(answers[1])")
    }

    @Test("on the pupil's off day the door's running count leaves the three-day pupils out, as the kitchen count does")
    func doorCount() throws {
        let door = try FieldDevice(.canteenS02)
        let counts = try [Self.monday, Self.tuesday].map { text in
            let date = try #require(LocalDate(text))
            return try door.queue().read { db in try CanteenCount.compute(db, device: try EnrolledDevice.require(db), date: date).expected }
        }
        let meals = try [Self.monday, Self.tuesday].map { text in
            let date = try #require(LocalDate(text))
            return try door.queue().read { db in
                try DeviceReports.meals(db, device: try EnrolledDevice.require(db), date: date).reduce(0) { $0 + $1.expected }
            }
        }
        #expect(counts[0] - counts[1] == Self.threeDay(site: "S02").count)
        #expect(counts == meals)
    }
}
