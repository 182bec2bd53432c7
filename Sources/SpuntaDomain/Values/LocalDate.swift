import Foundation

/// A calendar date with no time and no time zone (data: giorno), written `YYYY-MM-DD`.
/// The business date of an op is a `LocalDate` in Europe/Rome.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Fails unless the date exists in the proleptic Gregorian calendar (no 31 April, 29 February only in leap years).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A day as a person types it at a prompt or in a flag: AAAA-MM-GG as the data are written, or GG/MM/AAAA as
    /// Italians write it (04/12/2026, also 4/12/2026). One reader for every date the field user types, so that
    /// each prompt, help and error can name the same two forms (`typedForms`).
    public init?(typed text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let iso = LocalDate(trimmed) {
            self = iso
            return
        }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy({ $0.isASCII && $0.isNumber }) }),
              let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The forms `init?(typed:)` reads, as every prompt, help and error names them.
    public static let typedForms = "AAAA-MM-GG o GG/MM/AAAA"

    /// "Data «32/13/2026» non valida: usare AAAA-MM-GG o GG/MM/AAAA (es. 2026-10-05 o 05/10/2026)." — `subject`
    /// names the flag where there is one ("--date «x» non valida").
    public static func invalidTyped(_ text: String, subject: String = "Data") -> String {
        "\(subject) «\(text)» non valida: usare \(typedForms) (es. 2026-10-05 o 05/10/2026)."
    }

    public init?(_ text: some StringProtocol) {
        // Read in place from the text's own bytes: billing reads a date for every fact of a city's month, and copying
        // each text into an array first was an allocation apiece.
        let fields = text.utf8.withContiguousStorageIfAvailable(Self.fields) ?? Array(text.utf8).withUnsafeBufferPointer(Self.fields)
        guard let (y, m, d) = fields else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Year, month and day written `YYYY-MM-DD` in `bytes`, not yet checked as a date.
    private static func fields(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        guard let y = ASCII.number(bytes, 0..<4), let m = ASCII.number(bytes, 5..<7), let d = ASCII.number(bytes, 8..<10) else { return nil }
        return (y, m, d)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (negative before). Civil-from-days arithmetic, no Foundation calendar needed.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        // Every day number maps to a valid date, so the fields are in range by construction.
        self.year = y
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> LocalDate {
        LocalDate(dayNumber: dayNumber + days)
    }

    /// 1 = Monday … 7 = Sunday (ISO 8601).
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let w = (dayNumber + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    /// The day of the week in Italian, lower case as written inside a sentence: "lunedì" … "domenica".
    public var weekdayName: String { Self.weekdayNames[weekday - 1] }

    public static let weekdayNames = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]

    /// The days of the week shortened as Italians do in a list ("lun, mer, ven").
    public static let weekdayShortNames = ["lun", "mar", "mer", "gio", "ven", "sab", "dom"]

    /// The month this date falls in.
    public var period: BillingPeriod { BillingPeriod(year: year, month: month)! }

    /// `2026-10-25`. Written by hand: this runs for every op merged, and `String(format:)` is slow on Linux.
    public var description: String {
        Self.text((year, 4), (month, 2), (day, 2), separator: UInt8(ascii: "-"))
    }

    /// `25/10/2026`, as Italians write it.
    public var italian: String {
        Self.text((day, 2), (month, 2), (year, 4), separator: UInt8(ascii: "/"))
    }

    /// Three zero-padded numbers of the given widths, joined by `separator`. Written in place into a string of ten
    /// bytes, which Swift keeps inline: billing writes a date for every child and day of a month, and building
    /// an array for each was a tenth of its time.
    private static func text(
        _ first: (value: Int, width: Int), _ second: (value: Int, width: Int), _ third: (value: Int, width: Int), separator: UInt8
    ) -> String {
        String(unsafeUninitializedCapacity: first.width + second.width + third.width + 2) { buffer in
            var end = 0
            func put(_ field: (value: Int, width: Int)) {
                var value = field.value
                for position in stride(from: end + field.width - 1, through: end, by: -1) {
                    buffer[position] = UInt8(48 + value % 10)
                    value /= 10
                }
                end += field.width
            }
            put(first)
            buffer[end] = separator
            end += 1
            put(second)
            buffer[end] = separator
            end += 1
            put(third)
            return end
        }
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date YYYY-MM-DD: \(text)")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Every date from `start` through `end`, both included.
    public static func days(from start: LocalDate, through end: LocalDate) -> [LocalDate] {
        guard start <= end else { return [] }
        return (start.dayNumber...end.dayNumber).map { LocalDate(dayNumber: $0) }
    }
}

/// A billing month (periodo), written `YYYY-MM`.
public struct BillingPeriod: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1)! }
    public var lastDay: LocalDate { LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))! }
    public var dayCount: Int { LocalDate.daysIn(month: month, year: year) }
    public var days: [LocalDate] { LocalDate.days(from: firstDay, through: lastDay) }

    public var next: BillingPeriod {
        month == 12 ? BillingPeriod(year: year + 1, month: 1)! : BillingPeriod(year: year, month: month + 1)!
    }

    public var previous: BillingPeriod {
        month == 1 ? BillingPeriod(year: year - 1, month: 12)! : BillingPeriod(year: year, month: month - 1)!
    }

    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    /// `ottobre 2026`.
    public var italian: String { "\(Self.monthNames[month - 1]) \(year)" }

    public static let monthNames = [
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
        "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ]

    public static func < (lhs: BillingPeriod, rhs: BillingPeriod) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let period = BillingPeriod(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a period YYYY-MM: \(text)")
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
