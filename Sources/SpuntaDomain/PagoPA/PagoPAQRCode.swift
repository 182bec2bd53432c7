/// Codice QR dell'avviso di pagamento pagoPA: the string encoded in the QR code printed on a notice, which a
/// payer's banking or IO app scans instead of typing the codice avviso.
///
/// `PAGOPA|002|<codice avviso, 18 digits>|<codice fiscale dell'ente creditore, 11 digits>|<importo in centesimi>`
///
/// Source: docs.pagopa.it/avviso-pagamento, Allegato 2, "Dati per il pagamento" › "Codice QR" (ISO/IEC 18004,
/// ECC level M, UTF-8; printed about 25×25 mm as `AVVISO.QRCODE`). The amount is at least two digits
/// (`05` for five cents), the minimum of the original specification that pagopa/io-pagopa-commons
/// (`src/pagopa.ts`, `MIN_AMOUNT_DIGITS`) records while also reading shorter ones.
public enum PagoPAQRCode {
    public static let identifier = "PAGOPA"
    public static let version = "002"

    /// - Precondition: `amount` is positive: a notice is never issued for nothing or for a credit
    ///   (GPD requires an amount of at least one cent).
    public static func payload(notice: NoticeNumber, creditorFiscalCode: EnteFiscalCode, amount: Money) -> String {
        precondition(amount.cents > 0, "a pagoPA notice is for a positive amount")
        return payload(notice: notice.value, creditor: creditorFiscalCode.value, cents: amount.cents)
    }

    static func payload(notice: String, creditor: String, cents: Int64) -> String {
        let amount = cents < 10 ? "0\(cents)" : "\(cents)"
        return [identifier, version, notice, creditor, amount].joined(separator: "|")
    }
}
