import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

extension BillingRun {
    /// Stores the drafts of a run (`StatementDrafts`), a group after another, on the writer's connection — the one
    /// part of the postpaid billing that must run there. Its statements are prepared once for the run instead of
    /// being found again by their text at every row, and the headers of new statements and the lines go in
    /// statements of many rows, where each row used to cost a statement of its own (binding, running, ending it with
    /// its triggers' and foreign keys' checks).
    ///
    /// The rows are the ones storing each payer's draft in turn would write, with the same ids: the ids of new
    /// statements come from `AUTOINCREMENT`, which nothing but inserting a statement moves, so a group's new headers
    /// are inserted first, in payer order; a line's rowid is one more than the largest in the table, which deleting
    /// the lines of a draft rebuilt may lower — until the run has inserted a line of its own: from then on the largest
    /// rowid is always one of the run's lines, which no draft of the run deletes (each payer's statement is written
    /// once). So until then the lines waiting are flushed before every delete, one draft after another; after it, a
    /// group's rebuilt and removed drafts lose their lines in one delete before its lines are inserted 64 at a time —
    /// re-running a month of a city rebuilds every draft, and a delete and an insert of a line or two for each cost the
    /// writer a third of its time in statements begun and ended (cursors on the table and its indexes, the statement's
    /// journal).
    final class StatementWriter {
        private let db: Database
        private let period: String
        /// Every draft of the run is created at the run's time.
        private let createdAt: String
        private let deleteLines: Statement
        private let deleteStatement: Statement
        /// `deleteLines` and `deleteStatement` for the drafts of a group, their ids bound as one JSON list.
        private let deleteGroupLines: Statement
        private let deleteGroupStatements: Statement
        /// The run has inserted a line: the largest rowid of `statement_line` is one of its own (see above).
        private var linesInserted = false
        private let setTotal: Statement
        /// `INSERT` statements by the number of rows they insert (the sizes of `ChangeLog.chunks`: powers of two up to 64).
        private var headerInserts: [Int: Statement] = [:]
        private var lineInserts: [Int: Statement] = [:]
        /// Lines waiting to be inserted, with their statement and position.
        private var pending: [(statement: Int64, position: Int, line: Line)] = []

        /// Rows an insert takes at most: 64 lines are 896 values, far under SQLite's limit of 32,766.
        static let rowsPerInsert = 64

        init(_ db: Database, period: BillingPeriod, now: Date) throws {
            self.db = db
            self.period = period.description
            createdAt = UTCTime.string(now, fractional: true)
            deleteLines = try db.makeStatement("DELETE FROM statement_line WHERE statement_id = ?")
            deleteStatement = try db.makeStatement("DELETE FROM statement WHERE id = ?")
            deleteGroupLines = try db.makeStatement("DELETE FROM statement_line WHERE statement_id IN \(JSONStringList.inList)")
            deleteGroupStatements = try db.makeStatement("DELETE FROM statement WHERE id IN \(JSONStringList.inList)")
            setTotal = try db.makeStatement(StatementHeader.setDraftTotalSQL)
        }

        /// Writes the drafts of one group and counts them in `report`.
        func write(_ group: StatementDrafts, report: inout Report) throws {
            report.conguaglioLines += group.conguaglioLines
            // The new statements' ids, in payer order.
            var headers: [StatementHeader] = []
            for draft in group.drafts {
                if case .write(nil, _, let total, _) = draft.action {
                    headers.append(StatementHeader(payerId: draft.payer, period: period, status: "draft", totalCents: total,
                                                   createdAt: createdAt))
                }
            }
            var created = try insert(headers)[...]
            // Once a line of the run ends the table, the group's old lines go first, in one delete.
            let deletedTogether = linesInserted
            if deletedTogether { try deleteReplaced(group) }
            for draft in group.drafts {
                switch draft.action {
                case .frozen:
                    report.frozenSkipped += 1
                case .remove(let id):
                    guard !deletedTogether else { continue }
                    try flushLines()
                    try deleteLines.execute([id])
                    try deleteStatement.execute([id])
                case .write(let existing, let storedTotal, let total, let lines):
                    let id: Int64
                    if let existing {
                        id = existing
                        if !deletedTogether {
                            try flushLines()
                            try deleteLines.execute([id])
                        }
                        // The same total would leave the row as it is.
                        if storedTotal != total { try setTotal.execute([total, id]) }
                    } else {
                        guard let next = created.popFirst() else { preconditionFailure("one new header inserted per draft created") }
                        id = next
                    }
                    for (position, line) in lines.enumerated() {
                        pending.append((id, position + 1, line))
                        if pending.count == Self.rowsPerInsert { try flushLines() }
                    }
                    report.statements += 1
                    report.statementsTotalCents += total
                }
            }
            try flushLines()
        }

        /// Deletes the lines of the group's drafts rebuilt or removed, then the removed drafts, a statement each.
        private func deleteReplaced(_ group: StatementDrafts) throws {
            var replaced: [Int64] = [], removed: [Int64] = []
            for draft in group.drafts {
                switch draft.action {
                case .remove(let id):
                    replaced.append(id)
                    removed.append(id)
                case .write(let existing?, _, _, _):
                    replaced.append(existing)
                case .frozen, .write(nil, _, _, _):
                    break
                }
            }
            // The ids as a JSON list of numbers, bound as one argument.
            func list(_ ids: [Int64]) -> String { "[" + ids.map { "\($0)" }.joined(separator: ",") + "]" }
            if !replaced.isEmpty { try deleteGroupLines.execute([list(replaced)]) }
            if !removed.isEmpty { try deleteGroupStatements.execute([list(removed)]) }
        }

        /// Inserts `headers` in order and returns their ids: consecutive in each insert, as `AUTOINCREMENT` gives
        /// them to the rows of one statement.
        private func insert(_ headers: [StatementHeader]) throws -> [Int64] {
            var ids: [Int64] = []
            ids.reserveCapacity(headers.count)
            for chunk in ChangeLog.chunks(headers.count) {
                var arguments: StatementArguments = []
                arguments.reserveCapacity(chunk.count * (StatementHeader.columnCount - 1))
                for header in headers[chunk] { arguments += header.values }
                try statement(rows: chunk.count, in: &headerInserts, sql: Self.headerInsertSQL).execute(arguments)
                let last = db.lastInsertedRowID
                ids += ((last - Int64(chunk.count) + 1)...last)
            }
            return ids
        }

        /// Inserts the lines waiting, in order, their values bound typed.
        private func flushLines() throws {
            for chunk in ChangeLog.chunks(pending.count) {
                try statement(rows: chunk.count, in: &lineInserts, sql: Self.lineInsertSQL).execute { bindings in
                    for waiting in pending[chunk] { waiting.line.bind(to: &bindings, statement: waiting.statement, position: waiting.position) }
                }
            }
            if !pending.isEmpty { linesInserted = true }
            pending.removeAll(keepingCapacity: true)
        }

        private func statement(rows: Int, in cache: inout [Int: Statement], sql: (Int) -> String) throws -> Statement {
            if let statement = cache[rows] { return statement }
            let statement = try db.makeStatement(sql(rows))
            cache[rows] = statement
            return statement
        }

        private static func headerInsertSQL(rows: Int) -> String {
            let columns = StatementHeader.sql.columnNames.dropFirst()
            return insertSQL(table: StatementHeader.table, columns: columns.joined(separator: ", "), values: columns.count, rows: rows)
        }

        private static func lineInsertSQL(rows: Int) -> String {
            insertSQL(table: "statement_line", columns: "statement_id, position, \(Line.columns)", values: Line.storedValues, rows: rows)
        }

        /// `INSERT INTO table (columns) VALUES (?, …), (?, …)…`: `rows` rows of `values` values.
        private static func insertSQL(table: String, columns: String, values: Int, rows: Int) -> String {
            "INSERT INTO \(table) (\(columns)) VALUES " + ChangeLog.rows(rows, "(" + Array(repeating: "?", count: values).joined(separator: ", ") + ")")
        }
    }
}
