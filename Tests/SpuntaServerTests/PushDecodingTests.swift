import Foundation
import SpuntaProtocol
import Testing
@testable import SpuntaServer

/// The push handler reads bodies in one pass and falls back to JSONDecoder: what a device is answered must not
/// depend on which of the two read its body.
@Suite("Push bodies decoded in one pass or by JSONDecoder")
struct PushDecodingTests {
    /// The ops with their JSON, or the error a device would be answered.
    enum Decoded: Equatable {
        case ops([Op], [String])
        case error(WireError)
        case other(String)
    }

    static func decoded(_ decode: (Data) throws -> [(op: Op, json: String)], _ body: Data) -> Decoded {
        do {
            let items = try decode(body)
            return .ops(items.map(\.op), items.map(\.json))
        } catch let error as WireError {
            return .error(error)
        } catch {
            return .other("\(error)")
        }
    }

    static func expectSame(_ body: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = decoded(SyncService.decodeOps, body)
        let slow = decoded(SyncService.decodeOpsWithJSONDecoder, body)
        #expect(fast == slow, "\(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    static let ops = [
        #"{"beneficiary_id":"B001","business_date":"2026-10-26","card_id":"K9f3","device_id":"d1","hlc":117440512,"id":"d1-1","instance":"i-1","seq":1,"service_id":"MENSA","site_id":"S01","type":"meal_scanned","wall_time_ms":1792}"#,
        #"{"aboard":["B1"],"business_date":"2026-10-26","device_id":"d1","direction":"return","hlc":6,"id":"d1-2","instance":"i-1","route_id":"L1","seq":2,"type":"ride_closed","wall_time_ms":8}"#,
    ]

    @Test("a body devices write is read in one pass, to the same ops and JSON as JSONDecoder gives")
    func plain() throws {
        let body = Data(#"{"ops":[\#(Self.ops.joined(separator: ","))]}"#.utf8)
        #expect(PushRequestReader.read(body) != nil)
        Self.expectSame(body)
        guard case .ops(let ops, let json) = Self.decoded(SyncService.decodeOps, body) else {
            Issue.record("not decoded")
            return
        }
        #expect(ops.map(\.id) == ["d1-1", "d1-2"])
        #expect(json == Self.ops)
    }

    @Test("every body with one byte removed gets the same answer whichever decoder reads it")
    func oneByteRemoved() {
        let body = Array(#"{"ops":[\#(Self.ops.joined(separator: ","))]}"#.utf8)
        for at in body.indices {
            var damaged = body
            damaged.remove(at: at)
            Self.expectSame(Data(damaged))
        }
    }

    @Test("every body with one byte replaced gets the same answer whichever decoder reads it")
    func oneByteReplaced() {
        let body = Array(#"{"ops":[\#(Self.ops[0])]}"#.utf8)
        for at in body.indices {
            for byte in Array("\"\\{}[],:0-a ".utf8) + [0xFF] where byte != body[at] {
                var damaged = body
                damaged[at] = byte
                Self.expectSame(Data(damaged))
            }
        }
    }

    @Test("bodies the one-pass reader declines are answered by JSONDecoder", arguments: [
        #"{"ops":[{"extra":1,"#,                          // cut short
        #"{"ops":"#,
        #"not json"#,
        #"{"ops":[{"id":"o1"}]}"#,                        // missing fields: the error names the first one
        #"{"ops":[{"id":"o\u0031","device_id":"d1","instance":"i-1","seq":1,"hlc":5,"wall_time_ms":1,"business_date":"2026-10-26","type":"void","target_op_id":"x","reason":"r"}]}"#,
        #"{"ops":[{"id":"o1","device_id":"d1","instance":"i-1","seq":-1,"hlc":5,"wall_time_ms":1,"business_date":"2026-10-26","type":"void","target_op_id":"x","reason":"r"}]}"#,
        #"{"ops":[{"id":"o1","device_id":"d1","instance":"i-1","seq":1,"hlc":5,"wall_time_ms":1,"business_date":"2026-02-30","type":"void","target_op_id":"x","reason":"r"}]}"#,
        #"{"ops":[{"id":"o1","device_id":"d1","instance":"i-1","seq":1,"hlc":5,"wall_time_ms":1,"business_date":"2026-10-26","type":"teleport"}]}"#,
    ])
    func declined(body: String) {
        #expect(PushRequestReader.read(Data(body.utf8)) == nil)
        Self.expectSame(Data(body.utf8))
    }

    @Test("too many ops in one push are refused with the same answer whichever decoder reads them")
    func tooMany() {
        let count = SyncService.maxOpsPerPush + 1
        let body = Data(#"{"ops":[\#(Array(repeating: Self.ops[0], count: count).joined(separator: ","))]}"#.utf8)
        #expect(PushRequestReader.read(body)?.count == count)
        Self.expectSame(body)
        #expect(Self.decoded(SyncService.decodeOps, body) == .error(WireError(
            status: 413, code: WireErrorCode.tooManyOps,
            message: "Troppe operazioni in un invio (\(count), al massimo \(SyncService.maxOpsPerPush)): inviarle in più volte.")))
    }
}
