import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// Numbers pagoPA notices (avvisi) from the Comune's IUV counter (`server_meta.iuv_next`), for a statement or a
/// prepaid deficit alike, so that no two notices ever share a number. The Comune's configuration is checked when
/// it is made — before anything changes — so a bad value is an Italian error to correct, never a precondition of
/// the notice number failing.
struct NoticeIssuer {
    let creditor: EnteFiscalCode
    let segregationCode: String
    private var next: Int64

    init(_ db: Database) throws {
        guard let municipality = try MasterDataStore.load(db).municipality else { throw BillingError.noMunicipality }
        do {
            creditor = try EnteFiscalCode(validating: municipality.fiscalCode)
        } catch {
            throw BillingError.invalidCreditorFiscalCode(municipality.fiscalCode, error.userMessage)
        }
        guard NoticeNumber.isSegregationCode(municipality.segregationCode) else {
            throw BillingError.invalidSegregationCode(municipality.segregationCode)
        }
        segregationCode = municipality.segregationCode
        let counter: String? = try db.scalar("SELECT value FROM server_meta WHERE key = 'iuv_next'")
        guard let next = Int64(counter ?? "1"), next >= 1 else { throw BillingError.invalidNoticeCounter(counter ?? "") }
        self.next = next
    }

    /// The next notice number; the counter moves on in the same transaction.
    mutating func allocate(_ db: Database) throws -> NoticeNumber {
        // The IUV base of aux 3 has thirteen digits.
        guard next <= 9_999_999_999_999 else { throw BillingError.invalidNoticeCounter(String(next)) }
        let notice = NoticeNumber.make(segregationCode: segregationCode, base: String(format: "%013lld", next))
        next += 1
        try db.run("INSERT INTO server_meta (key, value) VALUES ('iuv_next', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   [String(next)])
        return notice
    }

    /// The QR content printed on the notice.
    func payload(_ notice: NoticeNumber, amount: Money) -> String {
        PagoPAQRCode.payload(notice: notice, creditorFiscalCode: creditor, amount: amount)
    }
}
