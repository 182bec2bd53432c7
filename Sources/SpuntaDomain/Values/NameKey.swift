import Foundation

/// A person's name as someone types it in a hurry on a handheld (chiave di ricerca): no accents, no case, no
/// apostrophes or hyphens, single spaces — so that "niccolo" finds "Niccolò", "damico" and "d'amico" find
/// "D'Amico", "DE LUCA" finds "De Luca".
public enum NameKey {
    public static func fold(_ text: String) -> String {
        let plain = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "it_IT"))
        var result = ""
        var pendingSpace = false
        for character in plain {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
            } else if character == "'" || character == "’" || character == "`" || character == "-" || character == "." {
                continue
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }
}

extension NameKey {
    /// What a typed child (a code or the start of the name, surname first) finds among `candidates`.
    public enum Match<Candidate> {
        case found(Candidate)
        case none
        case ambiguous([Candidate])
    }

    /// The one rule by which a person names a child on the roll call and at the office: the code (any case), else
    /// the only name starting with the typed text (accents, case and apostrophes ignored), else the only one whose
    /// surname or whole name is exactly the text.
    public static func match<Candidate>(
        _ typed: String, among candidates: [Candidate], id: (Candidate) -> String, fullName: (Candidate) -> String,
        surname: (Candidate) -> String
    ) -> Match<Candidate> {
        let typed = typed.trimmingCharacters(in: .whitespaces)
        if let byCode = candidates.first(where: { id($0).caseInsensitiveCompare(typed) == .orderedSame }) { return .found(byCode) }
        let key = fold(typed)
        guard !key.isEmpty else { return .none }
        let matches = candidates.filter { fold(fullName($0)).hasPrefix(key) }
        if matches.count == 1 { return .found(matches[0]) }
        guard !matches.isEmpty else { return .none }
        let exact = matches.filter { fold(surname($0)) == key || fold(fullName($0)) == key }
        return exact.count == 1 ? .found(exact[0]) : .ambiguous(matches)
    }
}
