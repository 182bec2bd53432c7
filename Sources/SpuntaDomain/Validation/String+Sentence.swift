extension String {
    /// The text with its first letter uppercased, so a `reason` meant to follow "Riga 212: " can also open a
    /// message of its own.
    var sentenceCased: String {
        prefix(1).uppercased() + dropFirst()
    }
}
