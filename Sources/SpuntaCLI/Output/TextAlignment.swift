/// Where text sits in a column wider than it: names left, numbers and money right.
public enum TextAlignment: Sendable {
    case left
    case right
}
