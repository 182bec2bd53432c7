import SpuntaDomain

/// What one import reads from its files: the records of the kinds the files contain, and where each came from.
///
/// A kind present in the files is the complete list of that kind: records of that kind that the database has
/// and the files do not are removed by the import. Kinds absent from the files are left as they are.
public struct ExchangeDocument: Sendable {
    public var records = MasterDataSet()
    /// Kinds the files contain (a section of the XML file, or a CSV file).
    public var present: Set<EntityKind> = []
    /// Where each record is, for messages.
    public var locations: [EntityKey: SourceLocation] = [:]
    /// Where each kind's section starts (the section element or the CSV header).
    public var sectionLocations: [EntityKind: SourceLocation] = [:]
    /// Problems of single records (format, check characters, duplicates within the files).
    public var problems: [ImportProblem] = []
    /// Findings that do not refuse the import (avvisi), reported with the summary as `FILE:LINE: reason`.
    public var warnings: [ImportProblem] = []
    /// Records the files hold but that were refused for a problem of their own: references to them are not
    /// reported again as references to records that do not exist.
    public var rejected: Set<EntityKey> = []
    /// Stops read from `stops.csv`, by route id, in the order of the file.
    public var stopsByRoute: [String: [Stop]] = [:]
    /// Routes of `routes.csv` whose schools the file gives (it has a `schools` column): the others keep the stored ones.
    public var schoolsGiven: Set<String> = []
    /// Fields the files left out of records the database has, whose stored value was kept because it differs
    /// from a new record's default: per kind, field name → records.
    public var kept: [EntityKind: [String: Int]] = [:]
    /// Files that were not UTF-8 and were read as another encoding: the person must be told.
    public var recoded: [RecodedFile] = []

    public init() {}
}

/// A file read in an encoding other than UTF-8, with a cell that shows how its accents came out.
public struct RecodedFile: Hashable, Sendable, Codable {
    public let file: String
    public let encoding: TextEncoding
    /// The line and text of the first cell with letters outside ASCII, if any.
    public let line: Int?
    public let example: String?

    public init(file: String, encoding: TextEncoding, line: Int?, example: String?) {
        self.file = file
        self.encoding = encoding
        self.line = line
        self.example = example
    }
}
