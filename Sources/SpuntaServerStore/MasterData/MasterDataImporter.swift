import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaStore

/// Imports exchange files into the server database: all of them or nothing.
///
/// The files are read and checked record by record, then against the final state (files + what the database
/// keeps); any problem refuses the whole import with every problem listed. Otherwise only the differences are
/// written, in one transaction, each with a change-log entry for the devices and one audit entry.
public enum MasterDataImporter {
    public static func run(
        _ queue: DatabaseQueue, paths: [String], actor: String = "operatore", dryRun: Bool = false, now: Date = Date()
    ) throws -> ImportSummary {
        try apply(to: queue, files: paths, actor: actor, dryRun: dryRun, now: now) { current in
            ExchangeReader.read(paths: paths, current: current)
        }
    }

    /// Thrown inside the transaction to roll a dry run back after computing its summary.
    private struct DryRunRollback: Error {
        let summary: ImportSummary
    }

    /// Imports what `read` finds in the files. `read` decodes the files against the master data the database
    /// has (fields a record leaves out keep their stored values), so it runs first outside the write transaction
    /// — parsing a city's file takes seconds, and the server keeps writing meanwhile — and again inside it only
    /// if the master data changed in between (another import).
    public static func apply(
        to queue: DatabaseQueue, files: [String], actor: String, dryRun: Bool, now: Date,
        read: (MasterDataSet) -> ExchangeDocument
    ) throws -> ImportSummary {
        let snapshot = try queue.read { try MasterDataStore.load($0) }
        let early = read(snapshot)
        do {
            return try queue.write { db in
                let current = try MasterDataStore.load(db)
                let document = current == snapshot ? early : read(current)
                var final = MasterDataValidator.finalState(current: current, document: document)
                // A cards section lists the cards as the Comune knows them: those the office issued or revoked stay as
                // the office left them.
                let officeCards = document.present.contains(.cards) ? try OfficeCards.keep(in: &final, db) : []
                let problems = document.problems + MasterDataValidator.validate(final, document: document)
                if !problems.isEmpty {
                    throw ImportError(problems: problems)
                }
                var summary = try write(final, over: current, db: db, now: now)
                summary.files = files
                summary.totals = totals(final)
                summary.dryRun = dryRun
                summary.kept = Dictionary(uniqueKeysWithValues: document.kept.map { ($0.key.rawValue, $0.value) })
                summary.recoded = document.recoded
                summary.warnings = document.warnings.sorted().map(ImportWarning.init)
                summary.officeCards = officeCards
                if dryRun {
                    throw DryRunRollback(summary: summary)
                }
                try AuditLog.record(db, actor: actor, action: "import", subject: files.joined(separator: ", "), details: [
                    "changed": summary.changed, "created": summary.created, "updated": summary.updated, "removed": summary.removed,
                    "kept": summary.kept, "recoded": summary.recoded.map { ["file": $0.file, "encoding": $0.encoding.rawValue] },
                    "warnings": summary.warnings.count, "office_cards_kept": officeCards.map(\.cardId),
                ], at: now)
                return summary
            }
        } catch let rollback as DryRunRollback {
            return rollback.summary
        }
    }

    static func totals(_ s: MasterDataSet) -> [String: Int] {
        var result: [String: Int] = [:]
        for kind in EntityKind.allCases {
            result[kind.rawValue] = s.count(of: kind)
        }
        return result
    }

    /// Counts of one kind's differences.
    struct Diff {
        var created = 0, updated = 0, removed = 0
    }

    /// One record to write: its kind, id, whether it is removed, and how to save it.
    private struct Change {
        let kind: EntityKind
        let id: String
        let removed: Bool
        let save: (Database) throws -> Void
    }

    private static func write(_ final: MasterDataSet, over current: MasterDataSet, db: Database, now: Date) throws -> ImportSummary {
        var diffs: [EntityKind: Diff] = [:]
        var changes: [Change] = []

        func diff<T: Equatable>(
            _ kind: EntityKind, _ old: [T], _ new: [T], id: (T) -> String, save: @escaping (Database, T) throws -> Void
        ) {
            var d = Diff()
            let oldByID = Dictionary(old.map { (id($0), $0) }, uniquingKeysWith: { a, _ in a })
            let newIDs = Set(new.map(id))
            for item in new {
                let key = id(item)
                if let before = oldByID[key] {
                    guard before != item else { continue }
                    d.updated += 1
                } else {
                    d.created += 1
                }
                changes.append(Change(kind: kind, id: key, removed: false) { try save($0, item) })
            }
            for item in old where !newIDs.contains(id(item)) {
                d.removed += 1
                let key = id(item)
                changes.append(Change(kind: kind, id: key, removed: true) { try MasterDataStore.remove($0, kind, id: key) })
            }
            diffs[kind] = d
        }

        diff(.municipality, current.municipality.map { [$0] } ?? [], final.municipality.map { [$0] } ?? [], id: { _ in "1" }, save: MasterDataStore.save)
        diff(.schoolYears, current.schoolYears, final.schoolYears, id: \.id, save: MasterDataStore.save)
        diff(.sites, current.sites, final.sites, id: \.id, save: MasterDataStore.save)
        diff(.classes, current.classes, final.classes, id: \.id, save: MasterDataStore.save)
        diff(.services, current.services, final.services, id: \.id, save: MasterDataStore.save)
        diff(.diets, current.diets, final.diets, id: \.id, save: MasterDataStore.save)
        diff(.tariffs, current.tariffs, final.tariffs, id: \.id, save: MasterDataStore.save)
        diff(.routes, current.routes, final.routes, id: \.id, save: MasterDataStore.save)
        diffs[.stops] = stopDiff(current.routes, final.routes)
        if var routes = diffs[.routes] {
            // A route whose only change is its stops counts as its stops' change, not as a route update.
            let onlyStops = final.routes.filter { route in
                current.routes.first { $0.id == route.id }.map { old in
                    old != route && Route(id: old.id, serviceId: old.serviceId, name: old.name, stops: route.stops, schools: old.schools) == route
                } ?? false
            }.count
            routes.updated -= onlyStops
            diffs[.routes] = routes
        }
        diff(.payers, current.payers, final.payers, id: \.id, save: MasterDataStore.save)
        diff(.beneficiaries, current.beneficiaries, final.beneficiaries, id: \.id, save: MasterDataStore.save)
        diff(.enrollments, current.enrollments, final.enrollments, id: \.id, save: MasterDataStore.save)
        diff(.cards, current.cards, final.cards, id: \.id, save: MasterDataStore.save)

        // Children whose scope may move: changed themselves, or their enrollments or cards changed.
        var children = Set(changes.filter { $0.kind == .beneficiaries }.map(\.id))
        let owners: [EntityKind: [[String: String]]] = [
            .enrollments: [current.enrollments, final.enrollments].map { list in
                Dictionary(list.map { ($0.id, $0.beneficiaryId) }, uniquingKeysWith: { a, _ in a })
            },
            .cards: [current.cards, final.cards].map { list in
                Dictionary(list.map { ($0.id, $0.beneficiaryId) }, uniquingKeysWith: { a, _ in a })
            },
        ]
        for change in changes {
            for table in owners[change.kind] ?? [] {
                if let owner = table[change.id] { children.insert(owner) }
            }
        }
        // A class moved to another site takes its children to that site's canteen doors.
        let changedClasses = Set(changes.filter { $0.kind == .classes }.map(\.id))
        for child in current.beneficiaries + final.beneficiaries where child.classId.map(changedClasses.contains) ?? false {
            children.insert(child.id)
        }
        let credit = try CreditChanges(db, children: children, current: current, final: final,
                                       changedPayers: Set(changes.filter { $0.kind == .payers }.map(\.id)),
                                       changedChildren: Set(changes.filter { $0.kind == .beneficiaries }.map(\.id)))

        // Keys before the writes, so that devices losing a record receive its tombstone.
        let schoolsBefore = RouteSchools()
        let servedBefore = try RouteSchools.all(db)
        var keysBefore: [EntityKey: Set<String>] = [:]
        for change in changes {
            keysBefore[EntityKey(change.kind, change.id)] = try ScopeIndex.keys(db, change.kind, change.id, schools: schoolsBefore)
        }
        var childKeysBefore: [String: Set<String>] = [:]
        for child in children {
            childKeysBefore[child] = try ScopeIndex.beneficiaryKeys(db, child, schools: schoolsBefore)
        }

        for change in changes {
            try change.save(db)
        }

        let schoolsAfter = RouteSchools()
        var logged: Set<EntityKey> = []
        var entries: [ChangeLog.Entry] = []
        for change in changes {
            let key = EntityKey(change.kind, change.id)
            let keys = (keysBefore[key] ?? []).union(try ScopeIndex.keys(db, change.kind, change.id, schools: schoolsAfter))
            entries.append(ChangeLog.Entry(entity: change.kind.rawValue, id: change.id, action: change.removed ? .delete : .upsert, keys: keys.sorted()))
            logged.insert(key)
        }
        _ = try ChangeLog.record(db, entries, at: now)
        // A child who entered or left a scope: the devices concerned receive the child, its cards and enrollments.
        for child in children.sorted() {
            let before = childKeysBefore[child] ?? []
            let after = try ScopeIndex.beneficiaryKeys(db, child, schools: schoolsAfter)
            guard before != after else { continue }
            let keys = before.union(after)
            var related: [EntityKey] = [EntityKey(.beneficiaries, child)]
            for row in try db.fetchAll("SELECT id FROM card WHERE beneficiary_id = ? AND deleted = 0", [child]) {
                related.append(EntityKey(.cards, try row[0]))
            }
            for row in try db.fetchAll("SELECT id FROM enrollment WHERE beneficiary_id = ? AND deleted = 0", [child]) {
                related.append(EntityKey(.enrollments, try row[0]))
            }
            for key in related where !logged.contains(key) {
                try ChangeLog.record(db, entity: key.kind.rawValue, id: key.id, action: .upsert, keys: keys, at: now)
                logged.insert(key)
            }
        }
        try logServedSchools(db, before: servedBefore, after: try RouteSchools.all(db), at: now)
        // A child whose emergency plan changed (a diet made severe, an enrollment given that diet): the devices
        // that hold the child receive it again, since the plan travels with the child.
        let (plansBefore, plansAfter) = (current.emergencyPlans(), final.emergencyPlans())
        for child in Set(final.beneficiaries.map(\.id)).sorted()
        where !logged.contains(EntityKey(.beneficiaries, child)) && plansBefore[child] != plansAfter[child] {
            try ChangeLog.record(db, entity: EntityKind.beneficiaries.rawValue, id: child, action: .upsert,
                                 keys: try ScopeIndex.beneficiaryKeys(db, child), at: now)
            logged.insert(EntityKey(.beneficiaries, child))
        }
        try credit.log(db, at: now)

        var summary = ImportSummary(files: [], changed: 0, created: [:], updated: [:], removed: [:], totals: [:], dryRun: false)
        for kind in EntityKind.allCases {
            let d = diffs[kind] ?? Diff()
            summary.created[kind.rawValue] = d.created
            summary.updated[kind.rawValue] = d.updated
            summary.removed[kind.rawValue] = d.removed
            summary.changed += d.created + d.updated + d.removed
        }
        return summary
    }

    /// A line that starts or stops serving a school (the first child of that school enrolled on it, or the last one
    /// gone): its bus devices receive, or lose, the school's classes, children and cards.
    private static func logServedSchools(_ db: Database, before: [String: Set<String>], after: [String: Set<String>], at now: Date) throws {
        for route in Set(before.keys).union(after.keys).sorted() {
            let old = before[route] ?? [], new = after[route] ?? []
            let moved = old.symmetricDifference(new)
            guard !moved.isEmpty else { continue }
            let keys: Set<String> = [ScopeKey.route(route)]
            let inList = sqlInList(moved.sorted())
            let (list, args) = (inList.sql, inList.arguments)
            for row in try db.fetchAll("SELECT id FROM school_class WHERE deleted = 0 AND site_id IN \(list) ORDER BY id", args) {
                try ChangeLog.record(db, entity: EntityKind.classes.rawValue, id: try row[0], action: .upsert, keys: keys, at: now)
            }
            for row in try db.fetchAll("""
                SELECT 'beneficiaries', b.id FROM beneficiary b JOIN school_class c ON c.id = b.class_id
                WHERE b.deleted = 0 AND c.site_id IN \(list)
                UNION ALL
                SELECT 'cards', k.id FROM card k JOIN beneficiary b ON b.id = k.beneficiary_id JOIN school_class c ON c.id = b.class_id
                WHERE k.deleted = 0 AND b.deleted = 0 AND c.site_id IN \(list)
                ORDER BY 1 DESC, 2
                """, args + args) {
                try ChangeLog.record(db, entity: try row[0], id: try row[1], action: .upsert, keys: keys, at: now)
            }
        }
    }

    /// The prepaid credit records an import may change: a child's canteen site moved (enrollments, class), or the
    /// threshold shown with the credit changed (the payer, or which payer is the child's primary one). Keys are
    /// read before the writes, so a site that no longer serves the child receives the tombstone.
    private struct CreditChanges {
        let before: [String: [String: Set<String>]]
        /// Children whose threshold may have changed whatever their sites.
        let relinked: Set<String>

        init(_ db: Database, children: Set<String>, current: MasterDataSet, final: MasterDataSet, changedPayers: Set<String>,
             changedChildren: Set<String>) throws {
            var relinked = changedChildren
            for child in current.beneficiaries + final.beneficiaries where child.payers.contains(where: { changedPayers.contains($0.payerId) }) {
                relinked.insert(child.id)
            }
            var before: [String: [String: Set<String>]] = [:]
            for child in children.union(relinked) {
                before[child] = try BalanceLog.keysByService(db, beneficiary: child)
            }
            self.before = before
            self.relinked = relinked
        }

        func log(_ db: Database, at now: Date) throws {
            for (child, old) in before.sorted(by: { $0.key < $1.key }) {
                let new = try BalanceLog.keysByService(db, beneficiary: child)
                for service in Set(old.keys).union(new.keys).sorted() {
                    let former = old[service] ?? []
                    guard former != (new[service] ?? []) || relinked.contains(child) else { continue }
                    try BalanceLog.record(db, beneficiary: child, service: service, formerKeys: former, at: now)
                }
            }
        }
    }

    /// Stops compared by id across all routes (a stop moved to another route or position is an update).
    private static func stopDiff(_ old: [Route], _ new: [Route]) -> Diff {
        struct Placed: Equatable {
            let stop: Stop
            let route: String
            let position: Int
        }
        func placed(_ routes: [Route]) -> [String: Placed] {
            var result: [String: Placed] = [:]
            for route in routes {
                for (i, stop) in route.stops.enumerated() {
                    result[stop.id] = Placed(stop: stop, route: route.id, position: i)
                }
            }
            return result
        }
        let before = placed(old), after = placed(new)
        var d = Diff()
        for (id, stop) in after {
            if let previous = before[id] {
                if previous != stop { d.updated += 1 }
            } else {
                d.created += 1
            }
        }
        d.removed = before.keys.filter { after[$0] == nil }.count
        return d
    }
}
