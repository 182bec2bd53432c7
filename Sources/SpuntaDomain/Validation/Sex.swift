/// Sesso as the codice fiscale records it: the day of birth is increased by 40 for women (DM 23/12/1976).
public enum Sex: String, Hashable, Sendable, Codable, CaseIterable {
    case male
    case female

    /// `maschio` / `femmina`, as printed on Italian forms.
    public var italian: String {
        switch self {
        case .male: return "maschio"
        case .female: return "femmina"
        }
    }
}
