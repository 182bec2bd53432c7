import SpuntaDomain

/// Where a record came from: the file and the line (1-based). Line 0 means the file as a whole.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { line > 0 ? "\(file):\(line)" : file }
}

/// One thing wrong in an import, where it is, in Italian (errore di importazione).
public struct ImportProblem: Error, Hashable, Sendable, CustomStringConvertible, Comparable {
    public let location: SourceLocation
    public let message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE: reason`.
    public var description: String { "\(location): \(message)" }

    public static func < (lhs: ImportProblem, rhs: ImportProblem) -> Bool {
        (lhs.location.file, lhs.location.line, lhs.message) < (rhs.location.file, rhs.location.line, rhs.message)
    }
}

/// An import refused: nothing was changed. Carries every problem found, in file and line order.
public struct ImportError: UserFacingError, CustomStringConvertible {
    public let problems: [ImportProblem]

    public init(problems: [ImportProblem]) {
        self.problems = problems.sorted()
    }

    public var code: String { "import_rejected" }

    public var userMessage: String {
        let count = problems.count
        let head = count == 1 ? "1 errore" : "\(count) errori"
        return problems.map(\.description).joined(separator: "\n")
            + "\nImportazione annullata (\(head)): nessun dato è stato modificato. Correggere il file e ripetere l'importazione."
    }

    public var description: String { userMessage }
}
