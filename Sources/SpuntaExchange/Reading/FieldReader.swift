import Foundation
import SpuntaDomain

/// Reads the named fields of one record — XML attributes or CSV cells, the same names in both — into
/// typed values, collecting a problem for each field that is missing or wrong instead of stopping at the first.
///
/// A field can be *absent* (no such column in the CSV header, no such attribute on the element) or *present*,
/// possibly empty. The two differ: an absent field keeps what the database has for the record (`keeping`),
/// a present empty one clears it. Text with control characters or bidirectional controls is refused field by
/// field (see `UnsafeCharacters`), except the line breaks and tabs of the descriptive fields, which are folded.
///
/// Used by one decoder at a time while reading a file; not shared between threads.
final class FieldReader {
    let location: SourceLocation
    let kind: EntityKind
    private let values: [String: String]
    private let order: [String]
    private var used: Set<String> = []
    /// Fields refused for an unsafe character, reported once; a required one is not reported missing as well.
    private var refused: Set<String> = []
    private(set) var problems: [ImportProblem] = []
    /// Things the office should know that do not refuse the record (avvisi), each with its file and line.
    private(set) var warnings: [ImportProblem] = []
    /// Fields left out of the record whose stored value was kept (and differs from a new record's default).
    private(set) var kept: [String] = []
    /// The record's id once read, to name the record in messages.
    var recordID: String?

    /// Descriptive fields where a spreadsheet cell may hold a line break (Alt+Invio) or a tab: these are
    /// folded into one space, since refusing a whole import for them would help nobody and, on one line,
    /// they cannot forge anything. Everywhere else (names above all) they are refused.
    static let foldedFields: Set<String> = ["address", "notes", "emergency-plan"]

    init(values: [String: String], order: [String], location: SourceLocation, kind: EntityKind) {
        var trimmed: [String: String] = [:]
        for (name, value) in values {
            let text = Self.foldedFields.contains(name) ? Self.fold(value) : value
            trimmed[name] = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        self.values = trimmed
        self.order = order
        self.location = location
        self.kind = kind
    }

    /// Line breaks (CR, LF, CRLF, U+2028, U+2029) and tabs as single spaces.
    static func fold(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isFoldable) else { return text }
        var out = String.UnicodeScalarView()
        var previousFolded = false
        for scalar in text.unicodeScalars {
            if isFoldable(scalar) {
                if !previousFolded { out.append(" ") }
                previousFolded = true
            } else {
                out.append(scalar)
                previousFolded = false
            }
        }
        return String(out)
    }

    private static func isFoldable(_ scalar: Unicode.Scalar) -> Bool {
        [0x09, 0x0A, 0x0D, 0x2028, 0x2029].contains(scalar.value)
    }

    var hasProblems: Bool { !problems.isEmpty }

    func report(_ message: String) {
        let subject = recordID.map { "\(kind.italianSingular) \($0): " } ?? ""
        problems.append(ImportProblem(location, subject + message))
    }

    /// Takes the problems and warnings of a reader of a part of this record (a school in a route's cell) as its own.
    func absorb(_ part: FieldReader) {
        problems.append(contentsOf: part.problems)
        warnings.append(contentsOf: part.warnings)
    }

    /// Notes something the office should correct that does not refuse the record (a landline given as a mobile).
    func warn(_ message: String) {
        let subject = recordID.map { "\(kind.italianSingular) \($0): " } ?? ""
        warnings.append(ImportProblem(location, subject + message))
    }

    /// Marks fields as known without reading them (e.g. columns a CSV may carry for people).
    func ignore(_ names: String...) {
        used.formUnion(names)
    }

    /// Whether the record carries the field at all: a column of the CSV header or an attribute of the element,
    /// empty or not.
    func isPresent(_ name: String) -> Bool {
        values[name] != nil
    }

    /// A field the file may leave out. When every one of `names` is absent, the value the database has for
    /// this record is kept (`value` of `stored`; nil `stored` for a record the database does not have) — or
    /// `fallback` for a new record; when any is present, `read` decides, and an empty field gives the fallback:
    /// it clears.
    func keeping<Record, T: Equatable>(
        _ names: String..., from stored: Record?, _ value: (Record) -> T, fallback: T, _ read: () -> T
    ) -> T {
        guard names.allSatisfy({ values[$0] == nil }) else { return read() }
        guard let stored else { return fallback }
        let kept = value(stored)
        if kept != fallback, let first = names.first { self.kept.append(first) }
        return kept
    }

    /// Counts a stored value kept for a field read elsewhere (the `share` of a beneficiary's `<payer>` element,
    /// counted once per beneficiary).
    func noteKept(_ name: String) {
        if !kept.contains(name) { kept.append(name) }
    }

    /// The value of an optional field; nil when absent or empty, or refused for an unsafe character.
    func optional(_ name: String) -> String? {
        used.insert(name)
        guard let value = values[name], !value.isEmpty else { return nil }
        if let unsafe = UnsafeCharacters.first(in: value) {
            if refused.insert(name).inserted {
                report("carattere non ammesso \(UnsafeCharacters.name(unsafe)) nel campo «\(name)» («\(UnsafeCharacters.visible(value.prefix(40)))»): "
                    + "togliere i caratteri di controllo e di direzione del testo dal file")
            }
            return nil
        }
        return value
    }

    /// The value of a required field; reports it when absent or empty.
    func required(_ name: String) -> String? {
        guard let value = optional(name) else {
            if !refused.contains(name) { report("manca il campo «\(name)»") }
            return nil
        }
        return value
    }

    /// An identifier: required, no spaces, at most 64 characters of letters, digits and `-_./`.
    func id(_ name: String = "id") -> String? {
        guard let value = required(name) else { return nil }
        let allowed = value.unicodeScalars.allSatisfy {
            ($0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_./".unicodeScalars.contains($0)))
        }
        guard allowed, value.count <= 64 else {
            report("identificativo «\(value)» nel campo «\(name)» non valido: usare lettere, cifre e - _ . / (al massimo 64 caratteri)")
            return nil
        }
        if name == "id" || (kind == .cards && name == "code") { recordID = value }
        return value
    }

    /// An optional reference to another record's id.
    func reference(_ name: String) -> String? {
        optional(name)
    }

    func date(_ name: String, required isRequired: Bool = true) -> LocalDate? {
        guard let text = isRequired ? required(name) : optional(name) else { return nil }
        guard let date = LocalDate(text) else {
            report("data «\(text)» nel campo «\(name)» non valida: usare il formato AAAA-MM-GG (es. 2026-09-14)")
            return nil
        }
        return date
    }

    func time(_ name: String, required isRequired: Bool = true) -> LocalTime? {
        guard let text = isRequired ? required(name) : optional(name) else { return nil }
        guard let time = LocalTime(text) else {
            report("orario «\(text)» nel campo «\(name)» non valido: usare il formato HH:MM (es. 07:45)")
            return nil
        }
        return time
    }

    func money(_ name: String, required isRequired: Bool = true) -> Money? {
        guard let text = isRequired ? required(name) : optional(name) else { return nil }
        guard let money = Money(decimal: text) else {
            report("importo «\(text)» nel campo «\(name)» non valido: usare euro con al massimo due decimali, senza separatore delle migliaia (es. 4.50)")
            return nil
        }
        return money
    }

    /// An amount as people type it (`TypedAmount`: `7.830,00`, `7830,00`, `7830.00`, `7830`), for the figures
    /// copied from a document rather than computed — the ISEE off the family's attestation.
    func typedAmount(_ name: String, required isRequired: Bool = true) -> Money? {
        guard let text = isRequired ? required(name) : optional(name) else { return nil }
        let typed = TypedAmount(text)
        if let problem = typed.problem(text, subject: "nel campo «\(name)»") { report(problem) }
        return typed.money
    }

    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int? = nil) -> Int? {
        guard let text = defaultValue == nil ? required(name) : optional(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            report("valore «\(text)» nel campo «\(name)» non valido: atteso un numero intero da \(range.lowerBound) a \(range.upperBound)")
            return nil
        }
        return value
    }

    func bool(_ name: String, default defaultValue: Bool) -> Bool {
        guard let text = optional(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "si", "sì", "s", "yes", "y", "vero", "x": return true
        case "false", "0", "no", "n", "falso": return false
        default:
            report("valore «\(text)» nel campo «\(name)» non valido: usare true o false (oppure sì/no)")
            return defaultValue
        }
    }

    func choice<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let text = required(name) else { return nil }
        guard let value = E(rawValue: text.lowercased()) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            report("valore «\(text)» nel campo «\(name)» non valido: valori ammessi \(allowed)")
            return nil
        }
        return value
    }

    /// A list in one field, separated by `;` (or `,`).
    func list(_ name: String) -> [String] {
        guard let text = optional(name) else { return [] }
        let separator: Character = text.contains(";") ? ";" : ","
        return text.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A field checked by a domain validator; the validator's Italian message is reported as it is.
    func validated<T>(_ name: String, required isRequired: Bool, _ parse: (String) throws -> T) -> T? {
        guard let text = isRequired ? required(name) : optional(name) else { return nil }
        do {
            return try parse(text)
        } catch let error as any UserFacingError {
            report(error.userMessage)
        } catch {
            report("valore «\(text)» nel campo «\(name)» non valido")
        }
        return nil
    }

    /// Reports every field the decoder did not read (a typo in a column or attribute name).
    func reportUnknownFields() {
        for name in order where !used.contains(name) {
            report("campo sconosciuto «\(UnsafeCharacters.visible(name))»: controllare l'intestazione (campi ammessi nel documento protocol/exchange.md)")
        }
    }
}
