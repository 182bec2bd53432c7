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
