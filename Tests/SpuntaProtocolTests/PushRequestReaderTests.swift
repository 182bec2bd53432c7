import Foundation
import SpuntaDomain
import Testing
@testable import SpuntaProtocol

/// Random ops of every type, with strings that need escapes now and then, for the reader's tests.
struct RandomOps {
    var generator: SplitMix64

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// Plain ids with accents; unless `plain`, one string in eight may also hold a quote, a backslash, a slash, a
    /// control character, an emoji or a line separator.
    mutating func text(plain: Bool = false) -> String {
        let rich = !plain && Int.random(in: 0..<8, using: &generator) == 0
        let pieces = rich ? ["a", "B", "7", "-", "_", " ", "è", "ù", "\"", "\\", "/", "\n", "\u{1}", "😀", "\u{2028}"] : ["a", "B", "7", "-", "_", " ", "è", "ù"]
        let count = Int.random(in: 0...12, using: &generator)
        return (0..<count).map { _ in pieces.randomElement(using: &generator) ?? "a" }.joined()
    }

    mutating func optionalText(plain: Bool) -> String? {
        Bool.random(using: &generator) ? text(plain: plain) : nil
    }

    mutating func date() -> LocalDate {
        LocalDate(dayNumber: Int.random(in: 0...40_000, using: &generator))
    }

    mutating func op(plain: Bool) -> Op {
        let body: OpBody
        switch OpType.allCases.randomElement(using: &generator) ?? .mealScanned {
        case .attendanceMarked:
            let status = AttendanceStatus.allCases.randomElement(using: &generator) ?? .present
            body = .attendanceMarked(AttendanceMarked(beneficiaryId: text(plain: plain), classId: text(plain: plain), status: status,
                                                      time: Bool.random(using: &generator) ? LocalTime(hour: 8, minute: 5) : nil))
        case .absenceJustified:
            body = .absenceJustified(AbsenceJustified(beneficiaryId: text(plain: plain), classId: text(plain: plain), absenceDate: date(),
                                                      reason: text(plain: plain)))
        case .absencePeriodRecorded:
            body = .absencePeriodRecorded(AbsencePeriod(beneficiaryId: text(plain: plain), classId: text(plain: plain), fromDate: date(),
                                                        toDate: date(), reason: text(plain: plain)))
        case .mealScanned:
            body = .mealScanned(Meal(beneficiaryId: text(plain: plain), serviceId: text(plain: plain), siteId: text(plain: plain),
                                     cardId: optionalText(plain: plain), reason: optionalText(plain: plain)))
        case .mealRecorded:
            body = .mealRecorded(Meal(beneficiaryId: text(plain: plain), serviceId: text(plain: plain), siteId: text(plain: plain),
                                      cardId: optionalText(plain: plain), reason: optionalText(plain: plain)))
        case .boarding:
            body = .boarding(Ride(beneficiaryId: text(plain: plain), routeId: text(plain: plain), stopId: text(plain: plain),
                                  direction: .outbound, cardId: optionalText(plain: plain)))
        case .alighting:
            body = .alighting(Ride(beneficiaryId: text(plain: plain), routeId: text(plain: plain), stopId: text(plain: plain),
                                   direction: .return, cardId: optionalText(plain: plain)))
        case .void:
            body = .void(VoidOp(targetOpId: text(plain: plain), reason: text(plain: plain)))
        case .rideClosed:
            let aboard = (0..<Int.random(in: 0...3, using: &generator)).map { _ in text(plain: plain) }
            body = .rideClosed(RideClosed(routeId: text(plain: plain), direction: .return, aboard: aboard))
        }
        let ms = Int64.random(in: 0...HLCTimestamp.maxMilliseconds, using: &generator)
        return Op(id: text(plain: plain), deviceId: text(plain: plain), instance: text(plain: plain),
                  seq: Int64.random(in: 0...Int64.max, using: &generator), hlc: HLCTimestamp(milliseconds: ms, counter: UInt16(ms % 7)),
                  wallTimeMs: Int64.random(in: 0...Int64.max, using: &generator), businessDate: date(), body: body)
    }

    /// A push body as a device writes it (sorted keys), or with the keys in another order and pretty-printed.
    mutating func body(ops count: Int, plain: Bool) throws -> Data {
        let request = PushRequest(ops: (0..<count).map { _ in op(plain: plain) })
        let sorted = try WireCoding.encode(request)
        guard Bool.random(using: &generator) else { return sorted }
        let object = try JSONSerialization.jsonObject(with: sorted)
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .withoutEscapingSlashes])
    }

    /// `body` damaged at random: a byte changed, removed or repeated, a span cut or doubled.
    mutating func damage(_ body: Data) -> Data {
        var bytes = [UInt8](body)
        let alphabet = Array("{}[]:,\"\\ 0123456789-.eEnulltrfa\u{7}".utf8) + [0xC3, 0xFF, 0x80]
        for _ in 0...Int.random(in: 0...2, using: &generator) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0...4, using: &generator) {
            case 0: bytes[at] = alphabet.randomElement(using: &generator) ?? 0
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(alphabet.randomElement(using: &generator) ?? 0, at: at)
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...40, using: &generator)))
            default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + Int.random(in: 1...40, using: &generator))], at: at)
            }
        }
        return Data(bytes)
    }
}

@Suite("The push body read in one pass")
struct PushRequestReaderTests {
    /// What JSONDecoder makes of a body: its ops, or nil when it refuses it.
    static func decoded(_ body: Data) -> [Op]? {
        try? WireCoding.decode(PushRequest.self, from: body).ops
    }

    /// Nil when the reader declines the body or reads exactly what JSONDecoder reads, each op's JSON being the op's
    /// own bytes in the body; otherwise what differs.
    static func disagreement(_ body: Data) -> String? {
        guard let read = PushRequestReader.read(body) else { return nil }
        guard let ops = decoded(body) else { return "read a body JSONDecoder refuses" }
        guard read.map(\.op) == ops else { return "read other ops than JSONDecoder" }
        for (op, json) in read {
            guard (try? WireCoding.decode(Op.self, from: Data(json.utf8))) == op else { return "the JSON of \(op.id) is not the op" }
            guard body.range(of: Data(json.utf8)) != nil else { return "the JSON of \(op.id) is not in the body" }
            guard json.first == "{", json.last == "}" else { return "the JSON of \(op.id) is not one object" }
        }
        return nil
    }

    /// The push bodies of the protocol's examples, their variables given plain values.
    static func exampleBodies() throws -> [Data] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("protocol/examples")
        var bodies: [Data] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".json") }).sorted() {
            let example = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(file))) as? [String: Any])
            for step in example["steps"] as? [[String: Any]] ?? [] {
                guard let request = step["request"] as? [String: Any], request["path"] as? String == "/v1/push",
                      let body = request["body"] else { continue }
                bodies.append(try JSONSerialization.data(withJSONObject: filled(body), options: [.withoutEscapingSlashes]))
            }
        }
        return bodies
    }

    /// `{{now_ms…}}` becomes a number (as the replay does), any other `{{name}}` a plain id.
    static func filled(_ value: Any) -> Any {
        switch value {
        case let text as String where text.hasPrefix("{{now_ms"): return 1_792_888_200_000
        case let text as String: return text.replacingOccurrences(of: "{{", with: "v-").replacingOccurrences(of: "}}", with: "")
        case let list as [Any]: return list.map(filled)
        case let object as [String: Any]: return object.mapValues(filled)
        default: return value
        }
    }

    @Test("every push of the protocol's examples that JSONDecoder reads is read, and read the same")
    func examples() throws {
        let bodies = try Self.exampleBodies()
        #expect(bodies.count >= 10)
        for body in bodies {
            if Self.decoded(body) != nil {
                #expect(PushRequestReader.read(body) != nil, "declined \(String(decoding: body, as: UTF8.self))")
            }
            #expect(Self.disagreement(body) == nil)
        }
        #expect(bodies.filter { Self.decoded($0) != nil }.count >= 10)
    }

    @Test("random ops as devices write them are read, and read as JSONDecoder reads them", arguments: [1 as UInt64, 2, 3, 4])
    func randomPlainOps(seed: UInt64) throws {
        var random = RandomOps(seed: seed)
        for round in 0..<150 {
            let body = try random.body(ops: Int.random(in: 0...20, using: &random.generator), plain: true)
            #expect(PushRequestReader.read(body) != nil, "seed \(seed), round \(round): declined")
            #expect(Self.disagreement(body) == nil, "seed \(seed), round \(round)")
        }
    }

    @Test("random ops with strings that need escapes are declined or read as JSONDecoder reads them", arguments: [5 as UInt64, 6, 7])
    func randomOps(seed: UInt64) throws {
        var random = RandomOps(seed: seed)
        var read = 0
        for round in 0..<300 {
            let body = try random.body(ops: Int.random(in: 1...4, using: &random.generator), plain: false)
            if !body.contains(UInt8(ascii: "\\")) {
                #expect(PushRequestReader.read(body) != nil, "seed \(seed), round \(round): declined a body without escapes")
            }
            if PushRequestReader.read(body) != nil { read += 1 }
            #expect(Self.disagreement(body) == nil, "seed \(seed), round \(round)")
        }
        #expect(read > 0)
    }

    @Test("damaged bodies are declined or read as JSONDecoder reads them", arguments: [11 as UInt64, 12, 13, 14])
    func damaged(seed: UInt64) throws {
        var random = RandomOps(seed: seed)
        var refusedByBoth = 0
        for round in 0..<600 {
            let body = random.damage(try random.body(ops: Int.random(in: 1...3, using: &random.generator), plain: true))
            if let problem = Self.disagreement(body) {
                Issue.record("seed \(seed), round \(round): \(problem) — \(String(decoding: body, as: UTF8.self))")
            }
            if Self.decoded(body) == nil, PushRequestReader.read(body) == nil { refusedByBoth += 1 }
        }
        #expect(refusedByBoth > 0)
    }

    static let meal = #""id":"o1","device_id":"d1","instance":"i1","seq":1,"hlc":117440512,"wall_time_ms":1792,"business_date":"2026-10-26","type":"meal_scanned","beneficiary_id":"B1","service_id":"MENSA","site_id":"S1""#

    @Test("what the plain form leaves out is declined, for JSONDecoder to decide", arguments: [
        #"{"ops":[{\#(meal),"seq":1}]}"#,                                   // a key twice
        #"{"ops":[{\#(meal),"extra":1}]}"#,                                 // a key ops do not have
        #"{"ops":[{\#(meal),"card_id":"a\"b"}]}"#,                          // an escape
        #"{"ops":[{\#(meal),"card_id":true}]}"#,
        #"{"ops":[{\#(meal),"card_id":7}]}"#,
        #"{"ops":[{\#(meal)}],"more":1}"#,
        #"{"ops":[{\#(meal)}]} x"#,
        #"{"ops":[{\#(meal)}]"#,
        #"{"ops":[{\#(meal),}]}"#,
        #"{"ops":[{\#(meal)},]}"#,
        #"{"ops":[1]}"#,
        #"{"ops":{}}"#,
        #"{"ops":null}"#,
        #"{}"#,
        #"[]"#,
        "",
        #"{"ops":[{"id":"o1"}]}"#,
    ])
    func declined(body: String) {
        #expect(PushRequestReader.read(Data(body.utf8)) == nil)
        #expect(Self.disagreement(Data(body.utf8)) == nil)
    }

    @Test("numbers other than plain non-negative integers are declined", arguments: ["-1", "1.0", "1e2", "01", "-0", "9223372036854775808", "\"1\""])
    func numbers(seq: String) {
        let body = Data(#"{"ops":[{\#(Self.meal.replacingOccurrences(of: #""seq":1"#, with: #""seq":\#(seq)"#))}]}"#.utf8)
        #expect(PushRequestReader.read(body) == nil)
        #expect(Self.disagreement(body) == nil)
    }

    @Test("bytes that are not UTF-8 or control characters in a string are declined")
    func badBytes() {
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0x01], [0x0A]] {
            let body = Data(#"{"ops":[{\#(Self.meal),"card_id":"a"#.utf8) + Data(bad) + Data(#""}]}"#.utf8)
            #expect(PushRequestReader.read(body) == nil)
            #expect(Self.disagreement(body) == nil)
        }
    }

    @Test("an optional key null or missing, a key of another type of op and white space are read as JSONDecoder reads them", arguments: [
        #"{"ops":[]}"#,
        " \n{ \"ops\" :\t[ ] }\r\n",
        #"{"ops":[{\#(meal),"card_id":null,"reason":null}]}"#,
        #"{"ops":[{\#(meal),"class_id":"C1","aboard":["B1"]}]}"#,
        #"{"ops":[{\#(meal),"class_id":5,"target_op_id":null}]}"#,           // keys of other types of op, ignored as JSONDecoder does
        #"{"ops":[{\#(meal),"reason":"è mancata la tessera 😀"}]}"#,
        "{\"ops\":[ {\(meal)} , {\(meal.replacingOccurrences(of: "o1", with: "o2"))}\n]}",
        #"{"ops":[{"type":"ride_closed","route_id":"L1","direction":"return","aboard":[],"id":"o9","device_id":"d1","instance":"i1","seq":0,"hlc":0,"wall_time_ms":0,"business_date":"2026-10-26"}]}"#,
    ])
    func accepted(body: String) throws {
        let read = try #require(PushRequestReader.read(Data(body.utf8)))
        #expect(read.map(\.op) == Self.decoded(Data(body.utf8)))
        #expect(Self.disagreement(Data(body.utf8)) == nil)
    }
}
