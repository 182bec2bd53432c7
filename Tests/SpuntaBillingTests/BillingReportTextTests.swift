import Testing
@testable import SpuntaBilling

/// The summary `billing run` prints for the office: a count of one takes the singular, as an operator would write it.
@Suite("The billing run's summary in words")
struct BillingReportTextTests {
    @Test("counts of one and of several agree with their nouns", arguments: [
        (1, ["1 addebito.", "di cui 1 riga di conguaglio.", "Prepagato: 1 addebito, 1 correzione, 1 avviso di credito basso.",
             "1 rendiconto trattenuto, 1 addebito prepagato sospeso; si decide con spunta-server conflicts."]),
        (2, ["2 addebiti.", "di cui 2 righe di conguaglio.", "Prepagato: 2 addebiti, 2 correzioni, 2 avvisi di credito basso.",
             "2 rendiconti trattenuti, 2 addebiti prepagati sospesi; si decide con spunta-server conflicts."]),
    ])
    func agreement(count: Int, expected: [String]) {
        var report = BillingRun.Report(period: "2026-10")
        report.charges = count
        report.conguaglioLines = count
        report.prepaidDebits = count
        report.prepaidCorrections = count
        report.lowBalanceAlerts = count
        report.heldStatements = count
        report.prepaidHeld = count
        let text = report.italian
        for part in expected {
            #expect(text.contains(part), "\(part) in \(text)")
        }
    }
}
