/// One key press read from the terminal in raw mode: a character, or a named key decoded from its
/// control byte or escape sequence.
public enum Key: Hashable, Sendable {
    /// A printable character, accented letters included.
    case character(Character)
    case enter
    case tab
    case backspace
    case delete
    case escape
    case up
    case down
    case left
    case right
    case home
    case end
    case pageUp
    case pageDown
    case insert
    /// F1…F12.
    case function(Int)
    /// Ctrl plus a letter, lowercase: `.control("c")` (seen only when the terminal does not turn it
    /// into a signal).
    case control(Character)
    /// Bytes that form no key we know.
    case unknown([UInt8])
}
