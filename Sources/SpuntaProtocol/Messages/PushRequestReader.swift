import Foundation
import SpuntaDomain

/// Reads a push body `{"ops": [ … ]}` in one pass over its bytes, straight into ops, each with its JSON exactly as
/// the device sent it (the server stores it verbatim).
///
/// The server's one writer merges what the pushes bring, but every push is first decoded on the same two cores:
/// `JSONDecoder` builds a tree of the body, then each op through its keyed containers, and the body was scanned a
/// second time for each op's bytes. This reader does both at once, and only for the plain form devices write —
/// strings without escapes, non-negative integers, the op's own keys once each. Anything else (an escape, a float, a
/// negative number, an unknown or repeated key, a wrong type, junk) it declines with nil, and the caller decodes
/// with `JSONDecoder` as before: the same ops, or the same error for the device. So it accepts nothing that
/// `JSONDecoder` refuses and reads no op differently (checked against it on the protocol's examples, random ops
/// and junk).
public enum PushRequestReader {
    /// The ops of `body` with each op's JSON, or nil when the body is not in the plain form (decode it with
    /// `JSONDecoder`, which gives the ops or the error).
    public static func read(_ body: Data) -> [(op: Op, json: String)]? {
        body.withUnsafeBytes { raw -> [(op: Op, json: String)]? in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            do {
                return try scanner.pushBody()
            } catch {
                return nil
            }
        }
    }

    /// The body is not in the plain form: `JSONDecoder` decides.
    struct Decline: Error {}

    /// A value as the plain form has it.
    enum Value {
        case string(String)
        case integer(Int64)
        case strings([String])
        case null
    }

    /// The op's keys, spelled as on the wire, with their place in `Fields`.
    static let keys: [(bytes: [UInt8], key: Op.CodingKeys)] = Op.CodingKeys.allCases.map { (Array($0.rawValue.utf8), $0) }
    static let slots: [Op.CodingKeys: Int] = Dictionary(uniqueKeysWithValues: Op.CodingKeys.allCases.enumerated().map { ($1, $0) })

    /// The values of one op's keys as read, each at most once.
    struct Fields {
        var values = [Value?](repeating: nil, count: Op.CodingKeys.allCases.count)

        subscript(_ key: Op.CodingKeys) -> Value? {
            guard let slot = PushRequestReader.slots[key] else { return nil }
            return values[slot]
        }

        /// A key that must be there with a string, as `decode(String.self, forKey:)`.
        func string(_ key: Op.CodingKeys) throws(Decline) -> String {
            guard case .string(let text)? = self[key] else { throw Decline() }
            return text
        }

        /// A key that may be missing or null, as `decodeIfPresent(String.self, forKey:)`.
        func optionalString(_ key: Op.CodingKeys) throws(Decline) -> String? {
            switch self[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw Decline()
            }
        }

        func integer(_ key: Op.CodingKeys) throws(Decline) -> Int64 {
            guard case .integer(let value)? = self[key] else { throw Decline() }
            return value
        }

        func date(_ key: Op.CodingKeys) throws(Decline) -> LocalDate {
            guard let date = LocalDate(try string(key)) else { throw Decline() }
            return date
        }

        func optionalTime(_ key: Op.CodingKeys) throws(Decline) -> LocalTime? {
            guard let text = try optionalString(key) else { return nil }
            guard let time = LocalTime(text) else { throw Decline() }
            return time
        }

        func raw<T: RawRepresentable>(_ key: Op.CodingKeys, as type: T.Type) throws(Decline) -> T where T.RawValue == String {
            guard let value = T(rawValue: try string(key)) else { throw Decline() }
            return value
        }

        func strings(_ key: Op.CodingKeys) throws(Decline) -> [String] {
            guard case .strings(let list)? = self[key] else { throw Decline() }
            return list
        }

        /// The op, built as `Op.init(from:)` builds it: only the keys of its type are read.
        func op() throws(Decline) -> Op {
            guard let hlc = HLCTimestamp(rawValue: try integer(.hlc)) else { throw Decline() }
            let type = try raw(.type, as: OpType.self)
            let body: OpBody
            switch type {
            case .attendanceMarked:
                body = .attendanceMarked(AttendanceMarked(
                    beneficiaryId: try string(.beneficiaryId), classId: try string(.classId),
                    status: try raw(.status, as: AttendanceStatus.self), time: try optionalTime(.time)
                ))
            case .absenceJustified:
                body = .absenceJustified(AbsenceJustified(
                    beneficiaryId: try string(.beneficiaryId), classId: try string(.classId),
                    absenceDate: try date(.absenceDate), reason: try string(.reason)
                ))
            case .absencePeriodRecorded:
                body = .absencePeriodRecorded(AbsencePeriod(
                    beneficiaryId: try string(.beneficiaryId), classId: try string(.classId),
                    fromDate: try date(.fromDate), toDate: try date(.toDate), reason: try string(.reason)
                ))
            case .mealScanned, .mealRecorded:
                let meal = Meal(
                    beneficiaryId: try string(.beneficiaryId), serviceId: try string(.serviceId), siteId: try string(.siteId),
                    cardId: try optionalString(.cardId), reason: try optionalString(.reason)
                )
                body = type == .mealScanned ? .mealScanned(meal) : .mealRecorded(meal)
            case .boarding, .alighting:
                let ride = Ride(
                    beneficiaryId: try string(.beneficiaryId), routeId: try string(.routeId), stopId: try string(.stopId),
                    direction: try raw(.direction, as: Direction.self), cardId: try optionalString(.cardId)
                )
                body = type == .boarding ? .boarding(ride) : .alighting(ride)
            case .void:
                body = .void(VoidOp(targetOpId: try string(.targetOpId), reason: try string(.reason)))
            case .rideClosed:
                body = .rideClosed(RideClosed(
                    routeId: try string(.routeId), direction: try raw(.direction, as: Direction.self), aboard: try strings(.aboard)
                ))
            }
            return Op(
                id: try string(.id), deviceId: try string(.deviceId), instance: try string(.instance), seq: try integer(.seq),
                hlc: hlc, wallTimeMs: try integer(.wallTimeMs), businessDate: try date(.businessDate), body: body
            )
        }
    }

    /// The bytes and where the reading is.
    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func pushBody() throws(Decline) -> [(op: Op, json: String)] {
            try expect(UInt8(ascii: "{"))
            guard try key().elementsEqual("ops".utf8) else { throw Decline() }
            try expect(UInt8(ascii: ":"))
            try expect(UInt8(ascii: "["))
            var ops: [(op: Op, json: String)] = []
            var fields = Fields()
            if try peek() == UInt8(ascii: "]") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    let start = i
                    try object(into: &fields)
                    ops.append((try fields.op(), String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)))
                    let next = try peek()
                    i += 1
                    if next == UInt8(ascii: "]") { break }
                    guard next == UInt8(ascii: ",") else { throw Decline() }
                }
            }
            try expect(UInt8(ascii: "}"))
            skipSpace()
            guard i == bytes.count else { throw Decline() }
            return ops
        }

        /// One op object: every key one of the op's, once.
        mutating func object(into fields: inout Fields) throws(Decline) {
            for slot in fields.values.indices { fields.values[slot] = nil }
            try expect(UInt8(ascii: "{"))
            if try peek() == UInt8(ascii: "}") {
                i += 1
                return
            }
            while true {
                let name = try key()
                guard let match = PushRequestReader.keys.firstIndex(where: { $0.bytes.elementsEqual(name) }),
                      fields.values[match] == nil else { throw Decline() }
                try expect(UInt8(ascii: ":"))
                fields.values[match] = try value()
                let next = try peek()
                i += 1
                if next == UInt8(ascii: "}") { return }
                guard next == UInt8(ascii: ",") else { throw Decline() }
            }
        }

        /// A key: a string without escapes, as bytes.
        mutating func key() throws(Decline) -> Slice<UnsafeBufferPointer<UInt8>> {
            guard try peek() == UInt8(ascii: "\"") else { throw Decline() }
            return bytes[try stringBytes().range]
        }

        mutating func value() throws(Decline) -> Value {
            switch try peek() {
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .integer(try integer())
            case UInt8(ascii: "n"):
                guard i + 4 <= bytes.count, bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] == UInt8(ascii: "l"),
                      bytes[i + 3] == UInt8(ascii: "l") else { throw Decline() }
                i += 4
                return .null
            case UInt8(ascii: "["):
                i += 1
                var list: [String] = []
                if try peek() == UInt8(ascii: "]") {
                    i += 1
                    return .strings(list)
                }
                while true {
                    guard try peek() == UInt8(ascii: "\"") else { throw Decline() }
                    list.append(try string())
                    let next = try peek()
                    i += 1
                    if next == UInt8(ascii: "]") { return .strings(list) }
                    guard next == UInt8(ascii: ",") else { throw Decline() }
                }
            default:
                throw Decline()
            }
        }

        /// A string at `i` (a quote): valid UTF-8, no escape, no control character.
        mutating func string() throws(Decline) -> String {
            let (range, ascii) = try stringBytes()
            let text = UnsafeBufferPointer(rebasing: bytes[range])
            if ascii { return String(decoding: text, as: UTF8.self) }
            guard let valid = String(validating: text, as: UTF8.self) else { throw Decline() }
            return valid
        }

        /// The bytes between the quotes of the string at `i`, and whether they are all ASCII; `i` moves past it.
        mutating func stringBytes() throws(Decline) -> (range: Range<Int>, ascii: Bool) {
            let start = i + 1
            var j = start
            var high: UInt8 = 0
            while j < bytes.count {
                let b = bytes[j]
                if b == UInt8(ascii: "\"") {
                    i = j + 1
                    return (start..<j, high < 0x80)
                }
                if b == UInt8(ascii: "\\") || b < 0x20 { throw Decline() }
                high |= b
                j += 1
            }
            throw Decline()
        }

        /// A non-negative integer written plainly (no leading zero, fraction or exponent) that fits an Int64.
        mutating func integer() throws(Decline) -> Int64 {
            var value: Int64 = 0
            let start = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int64(bytes[i] - UInt8(ascii: "0")))
                guard !o1, !o2 else { throw Decline() }
                value = sum
                i += 1
            }
            if bytes[start] == UInt8(ascii: "0") && i - start > 1 { throw Decline() }
            return value
        }

        /// The next byte after white space, not consumed.
        mutating func peek() throws(Decline) -> UInt8 {
            skipSpace()
            guard i < bytes.count else { throw Decline() }
            return bytes[i]
        }

        mutating func expect(_ byte: UInt8) throws(Decline) {
            guard try peek() == byte else { throw Decline() }
            i += 1
        }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 32, 9, 10, 13: i += 1
                default: return
                }
            }
        }
    }
}
