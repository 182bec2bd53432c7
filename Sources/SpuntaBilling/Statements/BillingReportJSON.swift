import SpuntaServerStore

extension BillingRun.Report {
    /// The report as `billing run --json` prints it: the text `JSONEncoder` writes with `JSONOutput`'s settings (keys
    /// sorted, snake_case, slashes unescaped), byte for byte — `BillingReportJSONTests` checks both side by side.
    ///
    /// Written by hand because a city's month has some 16,000 splits among payers, and encoding them through
    /// `JSONEncoder` took a quarter of a second at the end of the run, after everything else was done.
    public var jsonText: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + splits.count * 128 + notBilled.reduce(0) { $0 + $1.utf8.count + 3 })
        // The keys in sorted order, as `CodingKeys` names them.
        bytes.append(UInt8(ascii: "{"))
        Self.field("charges", charges, &bytes, first: true)
        Self.field("conguaglio_lines", conguaglioLines, &bytes)
        Self.field("frozen_skipped", frozenSkipped, &bytes)
        Self.field("held_statements", heldStatements, &bytes)
        Self.field("low_balance_alerts", lowBalanceAlerts, &bytes)
        Self.key("not_billed", &bytes)
        bytes.append(UInt8(ascii: "["))
        for (index, note) in notBilled.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.string(note, &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        Self.key("period", &bytes)
        Self.string(period, &bytes)
        Self.field("prepaid_corrections", prepaidCorrections, &bytes)
        Self.field("prepaid_debits", prepaidDebits, &bytes)
        Self.field("prepaid_held", prepaidHeld, &bytes)
        Self.field("prepaid_late", prepaidLate, &bytes)
        Self.field("register_scan_mismatches", registerScanMismatches, &bytes)
        Self.field("scanned_not_booked", scannedButNotBooked, &bytes)
        Self.key("splits", &bytes)
        bytes.append(UInt8(ascii: "["))
        for (index, split) in splits.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "{"))
            Self.key("beneficiary_id", &bytes, first: true)
            Self.string(split.beneficiaryId, &bytes)
            Self.key("payers", &bytes)
            bytes.append(UInt8(ascii: "["))
            for (number, part) in split.payers.enumerated() {
                if number > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(UInt8(ascii: "{"))
                Self.field("amount_cents", part.amountCents, &bytes, first: true)
                Self.key("payer_id", &bytes)
                Self.string(part.payerId, &bytes)
                Self.field("percent", part.percent, &bytes)
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
            Self.key("service_id", &bytes)
            Self.string(split.serviceId, &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        Self.field("statements", statements, &bytes)
        Self.field("statements_total_cents", statementsTotalCents, &bytes)
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func key(_ name: StaticString, _ bytes: inout [UInt8], first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    private static func field(_ name: StaticString, _ value: some BinaryInteger, _ bytes: inout [UInt8], first: Bool = false) {
        key(name, &bytes, first: first)
        bytes.append(contentsOf: String(value).utf8)
    }

    private static func string(_ value: String, _ bytes: inout [UInt8]) {
        JSONStringList.append(value, to: &bytes, escapingSlashes: false)
    }
}
