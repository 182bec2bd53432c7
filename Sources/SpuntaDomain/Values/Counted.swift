/// A number with its noun agreeing in Italian: "1 prenotato", "3 prenotati", "0 serviti".
public enum Counted {
    public static func italian(_ count: Int, _ one: String, _ many: String) -> String {
        "\(count) \(count == 1 ? one : many)"
    }
}
