import Foundation
import Testing
@testable import SpuntaServerStore

@Suite("JSON objects written by hand")
struct JSONObjectTextTests {
    /// Details as the merge, the clock checks, billing and the audit write them, with the strings that need escaping.
    static let objects: [[String: any Sendable]] = [
        [:],
        ["route_id": "L1", "direction": "outbound", "boarding_op_id": "0b5e-…", "boarding_stop_id": ""],
        ["attendance_op_id": "a/b", "meal_op_id": "quote \" and \\ backslash"],
        [
            "marks": [
                ["device_id": "D-1", "status": "absent", "op_id": "x", "hlc": Int64(1_764_000_000_123_000), "time": "08:12"],
                ["device_id": "D-2", "status": "present", "op_id": "y", "hlc": Int64(-3)],
            ] as [[String: any Sendable]],
            "winner_op_id": "y", "winner_status": "present", "winner_time": "08:14",
        ],
        ["ids": ["B0001", "B0002"], "count": 2, "held": true, "settled": false, "note": "riga 1\nriga 2\t\u{1}\u{7f}"],
        ["_under": 3, "a_b": 1, "ab": 2, "beta": 5, "beta_x": 4, "winner": "w", "winner_op_id": "o", "winnerx": "x", "emoji": "🚌", "sep": "\u{2028}"],
        ["nested": ["inner": ["deep": "v"] as [String: any Sendable], "n": 0] as [String: any Sendable]],
    ]

    @Test("writes the same text as JSONSerialization with sorted keys", arguments: 0..<objects.count)
    func sameText(_ which: Int) throws {
        let object = Self.objects[which]
        let expected = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        #expect(JSONObjectText.encode(object) == expected)
        #expect(try JSONObjectText.sortedText(object) == expected)
    }

    @Test("leaves a value or a key it does not know to JSONSerialization, with the same text", arguments: [
        ["ratio": 0.25, "name": "x"] as [String: any Sendable],
        ["Zeta": 1, "alpha": 2, "Ärger": "ü", "beta": 5] as [String: any Sendable],
        ["list": [["id": 1.5] as [String: any Sendable]] as [[String: any Sendable]]] as [String: any Sendable],
    ])
    func fallback(_ object: [String: any Sendable]) throws {
        #expect(JSONObjectText.encode(object) == nil)
        let expected = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        #expect(try JSONObjectText.sortedText(object) == expected)
    }
}
