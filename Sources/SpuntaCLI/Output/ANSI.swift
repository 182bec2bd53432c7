/// The ANSI (ECMA-48) control sequences our screens use. Write them through an `OutputSink`, which
/// emits them only to a terminal.
public enum ANSI {
    /// ESC, the start of every sequence.
    public static let escape = "\u{1B}"
    /// Rings the bell (BEL).
    public static let bell = "\u{07}"
    /// Clears the whole screen and moves the cursor to the top left.
    public static let clearScreen = "\u{1B}[2J\u{1B}[H"
    /// Clears the line the cursor is on and returns to its start.
    public static let clearLine = "\u{1B}[2K\r"
    /// Clears the line the cursor is on, leaving the cursor where it is.
    public static let eraseLine = "\u{1B}[2K"
    /// Resets every text attribute.
    public static let reset = "\u{1B}[0m"
    public static let hideCursor = "\u{1B}[?25l"
    public static let showCursor = "\u{1B}[?25h"

    /// Moves the cursor to `row`, `column` (both from 1).
    public static func moveCursor(row: Int, column: Int) -> String {
        "\u{1B}[\(row);\(column)H"
    }

    /// `text` with `styles` switched on before it and everything reset after it.
    public static func styled(_ text: String, _ styles: [TextStyle]) -> String {
        guard !styles.isEmpty else { return text }
        return "\u{1B}[" + styles.map { String($0.sgrCode) }.joined(separator: ";") + "m" + text + reset
    }
}
