import Foundation
import SpuntaDomain

/// Reads the named fields of one record — XML attributes or CSV cells, the same names in both — into
/// typed values, collecting a problem for each field that is missing or wrong instead of stopping at the first.
///
/// Used by one decoder at a time while reading a file; not shared between threads.
final class FieldReader {
    let location: SourceLocation
    let kind: EntityKind
    private let values: [String: String]
    private let order: [String]
    private var used: Set<String> = []
    private(set) var problems: [ImportProblem] = []
    /// The record's id once read, to name the record in messages.
    var recordID: String?

    init(values: [String: String], order: [String], location: SourceLocation, kind: EntityKind) {
        var trimmed: [String: String] = [:]
        for (name, value) in values {
            trimmed[name] = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        self.values = trimmed
        self.order = order
        self.location = location
        self.kind = kind
    }

    var hasProblems: Bool { !problems.isEmpty }

    func report(_ message: String) {
        let subject = recordID.map { "\(kind.italianSingular) \($0): " } ?? ""
        problems.append(ImportProblem(location, subject + message))
    }

    /// Marks fields as known without reading them (e.g. columns a CSV may carry for people).
    func ignore(_ names: String...) {
        used.formUnion(names)
    }

    /// The value of an optional field; nil when absent or empty.
    func optional(_ name: String) -> String? {
        used.insert(name)
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// The value of a required field; reports it when absent or empty.
    func required(_ name: String) -> String? {
        guard let value = optional(name) else {
            report("manca il campo «\(name)»")
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
            report("campo sconosciuto «\(name)»: controllare l'intestazione (campi ammessi nel documento protocol/exchange.md)")
        }
    }
}
