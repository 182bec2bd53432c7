import Foundation
import SpuntaDomain

/// The caterer's messages in Italian, as e-mails and as the office reads them (`spunta-server meals`): short lines
/// (each child of a special diet on its own line), so that nothing needs wrapping on 80 columns but the names.
public enum MealCountText {
    public static func subject(_ count: MealCount, kind: CatererCounts.Kind) -> String {
        let what: String
        switch kind {
        case .count: what = "Pasti da preparare"
        case .variation: what = "Variazione ai pasti"
        case .served: what = "Pasti serviti"
        }
        return "\(what) del \(count.date.italian) — \(count.siteName)"
    }

    /// The count as composed: total, per diet (names of special diets), per class.
    public static func lines(_ count: MealCount) -> [String] {
        var lines = ["Pasti da preparare: \(count.total)"]
        for diet in count.diets {
            lines.append("  \(diet.name): \(diet.meals)")
            for name in diet.children { lines.append("    - \(name)") }
        }
        lines.append("Per classe:")
        for line in count.classes {
            guard line.rollCallReceived else {
                lines.append("  \(line.className): appello non ricevuto, contati tutti gli iscritti (\(line.meals) pasti"
                    + (line.absencePeriods > 0 ? ", \(line.absencePeriods) in periodo di assenza)" : ")"))
                continue
            }
            let diets = count.diets(ofClass: line.classId).map { "\($0.name) \($0.meals)" }.joined(separator: ", ")
            lines.append("  \(line.className): \(line.meals) pasti" + (diets.isEmpty ? "" : " (\(diets))"))
            lines.append("      iscritti \(line.enrolled), assenti \(line.absent), in periodo di assenza \(line.absencePeriods)")
        }
        return lines
    }

    public static func count(_ count: MealCount, at now: Date) -> String {
        (["Plesso \(count.siteName) (\(count.siteId)), \(count.date.weekdayName) \(count.date.italian).",
          "Conteggio delle \(ItalianTime.time(now)) (ora limite \(count.cutoff)).", ""] + lines(count)
            + ["", "Eventuali cambiamenti arriveranno come variazioni a questo conteggio."]).joined(separator: "\n") + "\n"
    }

    public static func variation(_ count: MealCount, added: [MealCount.Child], removed: [MealCount.Child], previous: Int, at now: Date) -> String {
        var lines = ["Plesso \(count.siteName) (\(count.siteId)), \(count.date.italian): variazione delle \(ItalianTime.time(now)).",
                     "Pasti da preparare: \(count.total) (prima \(previous))."]
        for (sign, list) in [("+", added), ("-", removed)] {
            for (key, group) in Dictionary(grouping: list, by: { "\(count.className($0.classId))|\($0.dietName ?? MealCount.ordinaryDiet)" })
                .sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
                let names = group.first?.dietId == nil ? "" : ": " + group.map(\.name).sorted().joined(separator: ", ")
                lines.append("  \(sign)\(group.count) \(parts[0]), \(parts.count > 1 ? parts[1] : MealCount.ordinaryDiet)\(names)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func served(_ report: ServedReport) -> String {
        let served = report.served.count
        var lines = ["Plesso \(report.siteName) (\(report.siteId)), \(report.date.italian): pasti serviti \(served) "
                        + "su \(report.counted.count) contati."]
        for line in report.classes { lines.append("  \(line.name): serviti \(line.served) su \(line.counted)") }
        if report.servedNotCounted > 0 { lines.append("  serviti a bambini non contati: \(report.servedNotCounted)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
