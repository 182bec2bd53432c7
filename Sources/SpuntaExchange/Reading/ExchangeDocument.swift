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
    /// Records the files hold but that were refused for a problem of their own: references to them are not
    /// reported again as references to records that do not exist.
    public var rejected: Set<EntityKey> = []
    /// Stops read from `stops.csv`, by route id, in the order of the file.
    public var stopsByRoute: [String: [Stop]] = [:]

    public init() {}
}
