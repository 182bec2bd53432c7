import SpuntaDomain

/// Why a billing action is refused; nothing was changed (errori della fatturazione).
public enum BillingError: UserFacingError, HintingError, Equatable {
    case invalidPeriod(String)
    case periodWithoutServices(String)
    case futurePeriod(String)
    case statementNotFound(String)
    case statementFrozen(Int64, String)
    case emptyReason
    case zeroAmount
    case noMunicipality
    case unknownPosition(String)
    case invalidAmount(String)
    case invalidDate(String)
    case nothingToIssue(String)
    /// No draft because the period's statements (or one payer's) are all issued; the last issue time as stored, and
    /// the statement's number when there is only one.
    case allIssued(period: BillingPeriod, payer: String?, count: Int, lastIssuedAt: String, statement: Int64?)
    /// A top-up names a payer linked to the child who is neither the primary payer nor one with a share of the cost:
    /// no meal ever debits their position.
    case notPrimaryPayer(payer: String, beneficiary: String, primary: String)
    /// The Comune's pagoPA segregation code is not two digits.
    case invalidSegregationCode(String)
    /// The Comune's codice fiscale, the creditor of every notice, is not valid; the second value says why.
    case invalidCreditorFiscalCode(String, String)
    /// The counter of IUV bases holds something that is not a number a notice can take.
    case invalidNoticeCounter(String)
    /// Every draft of the period waits for a clock conflict to be settled; the reasons, in Italian.
    case statementsHeld(String, [HintedText])
    /// Issuing a month that has not ended, without saying it is meant (the rest of the month is not billed yet).
    case monthNotEnded(BillingPeriod, today: LocalDate)
    /// A notice would fall due before the day it is issued.
    case dueDateBeforeIssue(due: LocalDate, issued: LocalDate)
    /// An operator's adjustment would take a draft below zero: most often a misplaced decimal point (-400 for -4.00);
    /// a credit the family is really owed beyond the statement is asked for by name (`--carry-credit`).
    case adjustmentBelowZero(AdjustedStatement, amount: Money)
    /// An increase larger than the statement itself and than `StatementDesk.ordinaryIncrease`: asked for by name
    /// (`--large-amount`), so that 4000 typed for 40.00 does not reach a family's notice.
    case adjustmentUnusual(AdjustedStatement, amount: Money)

    /// The statement an adjustment was refused on, as the error names it.
    public struct AdjustedStatement: Sendable, Equatable {
        public let id: Int64
        public let payer: String
        /// `2026-10`, as stored.
        public let period: String
        public let total: Money

        public init(id: Int64, payer: String, period: String, total: Money) {
            self.id = id
            self.payer = payer
            self.period = period
            self.total = total
        }

        /// "il rendiconto 12 di Rossi Maria (ottobre 2026), totale € 327,00"
        var italian: String { "il rendiconto \(id) di \(payer) (\(BillingPeriod(period)?.italian ?? period)), totale \(total.italian)" }
    }

    public var code: String {
        switch self {
        case .invalidPeriod: return "invalid_period"
        case .periodWithoutServices: return "unknown_period"
        case .futurePeriod: return "future_period"
        case .statementNotFound: return "statement_not_found"
        case .statementFrozen: return "statement_frozen"
        case .emptyReason: return "empty_reason"
        case .zeroAmount: return "zero_amount"
        case .noMunicipality: return "no_municipality"
        case .unknownPosition: return "unknown_position"
        case .invalidAmount: return "invalid_amount"
        case .invalidDate: return "invalid_date"
        case .nothingToIssue: return "nothing_to_issue"
        case .allIssued: return "all_issued"
        case .notPrimaryPayer: return "not_primary_payer"
        case .invalidSegregationCode: return "invalid_segregation_code"
        case .invalidCreditorFiscalCode: return "invalid_creditor_fiscal_code"
        case .invalidNoticeCounter: return "invalid_notice_counter"
        case .statementsHeld: return "statements_held"
        case .monthNotEnded: return "month_not_ended"
        case .dueDateBeforeIssue: return "due_date_before_issue"
        case .adjustmentBelowZero: return "adjustment_below_zero"
        case .adjustmentUnusual: return "adjustment_unusual"
        }
    }

    public var userMessage: String { hintedMessage.description }

    public var hintedMessage: HintedText {
        switch self {
        case .invalidPeriod(let text):
            return "Periodo «\(text)» non valido: usare AAAA-MM (es. 2026-10)."
        case .periodWithoutServices(let period):
            return "Periodo \(period) sconosciuto: nessun servizio è attivo in quel mese. Controllare l'anno."
        case .futurePeriod(let period):
            return "Il periodo \(period) non è ancora iniziato: si fattura un mese in corso o passato."
        case .statementNotFound(let what):
            return "Rendiconto \(what) inesistente: l'elenco con \(CommandHint.server("billing", "statements"))."
        case .statementFrozen(let id, let issued):
            return "Il rendiconto \(id) è stato emesso il \(ItalianTime.dateTime(stored: issued)) ed è bloccato: la rettifica va nel periodo successivo "
                + "(billing adjust sul rendiconto del mese dopo)."
        case .emptyReason:
            return "Indicare il motivo con --reason: resta nel registro di audit e nella riga del rendiconto."
        case .zeroAmount:
            return "Importo zero: nulla da rettificare."
        case .noMunicipality:
            return "Manca l'ente nell'archivio: importare prima il tracciato XML del Comune."
        case .unknownPosition(let what):
            return "Posizione prepagata \(what) inesistente: controllare pagante, fruitore e servizio."
        case .invalidAmount(let text):
            return "Importo «\(text)» non valido: euro con al massimo due decimali (es. 12.50)."
        case .invalidDate(let text):
            return "Data «\(text)» non valida: usare AAAA-MM-GG (es. 2026-10-05)."
        case .nothingToIssue(let period):
            return "Nessun rendiconto in bozza per \(period): eseguire prima billing run."
        case .allIssued(let period, let payer, let count, let last, let statement):
            let whose = payer.map { " del pagante \($0)" } ?? ""
            let what: HintedText = count == 1
                ? "Il rendiconto di \(period.italian)\(whose) è già stato emesso il \(ItalianTime.dateTime(stored: last))"
                : "I \(count) rendiconti di \(period.italian)\(whose) sono già stati emessi (l'ultimo il \(ItalianTime.dateTime(stored: last)))"
            let why: HintedText = what + ": non c'è nulla da emettere (billing run non crea altre bozze per un mese emesso; "
                + "una correzione va nel mese dopo con billing adjust)."
            if let statement {
                return why + " Il dettaglio con \(CommandHint.server("billing", "show", arguments: [String(statement)]))."
            }
            let list = CommandHint.server("billing", "statements", arguments: ["--period", period.description] + (payer.map { ["--payer", $0] } ?? []))
            return why + " L'elenco con \(list). Il dettaglio di uno con \(CommandHint.server("billing", "show", arguments: ["NUMERO"]))."
        case .notPrimaryPayer(let payer, let beneficiary, let primary):
            return "Ricarica intestata a \(payer), che non è il pagante principale di \(beneficiary) e non ha una quota della sua spesa: "
                + "il credito prepagato di \(beneficiary) è sulla posizione di \(primary), a cui vanno intestate le ricariche "
                + "(o dei paganti con una quota, se l'anagrafica ne indica). Correggere il pagante e ripetere."
        case .invalidSegregationCode(let code):
            return "Codice di segregazione pagoPA del Comune «\(code)» non valido: sono due cifre (es. 01), assegnate dall'intermediario. "
                + "Correggerlo nel tracciato XML del Comune, reimportarlo e ripetere l'emissione: nessun avviso è stato emesso."
        case .invalidCreditorFiscalCode(let code, let why):
            return "Codice fiscale del Comune «\(code)» non valido (\(why)): è l'ente creditore di ogni avviso pagoPA. "
                + "Correggerlo nel tracciato XML del Comune, reimportarlo e ripetere l'emissione: nessun avviso è stato emesso."
        case .invalidNoticeCounter(let value):
            return "Contatore degli avvisi pagoPA «\(value)» non valido (iuv_next in server_meta): deve essere un numero da 1 a 13 cifre. "
                + "Ripristinarlo dall'ultimo backup o dal numero dell'ultimo avviso emesso, poi ripetere l'emissione."
        case .statementsHeld(let period, let reasons):
            return "Nessun rendiconto di \(BillingPeriod(period)?.italian ?? period) emesso: sono tutti trattenuti finché non si decide "
                + "il giorno di fatti registrati con l'orologio sbagliato." + reasons.reduce("" as HintedText) { "\($0)\n- \($1)" }
        case .monthNotEnded(let period, let today):
            return "Il mese di \(period.italian) non è ancora finito (oggi è il \(today.italian)): i rendiconti contengono solo i giorni "
                + "già trascorsi, e il resto del mese andrebbe nel rendiconto successivo come conguaglio. Emettere dal "
                + "\(period.lastDay.adding(days: 1).italian), oppure ripetere con --before-month-end se l'emissione anticipata è voluta. "
                + "Nessun avviso è stato emesso."
        case .dueDateBeforeIssue(let due, let issued):
            return "Scadenza \(due.italian) anteriore all'emissione (\(issued.italian)): un avviso non può scadere prima di essere emesso. "
                + "Indicare con --due-date una data dal \(issued.italian) in poi (senza --due-date la scadenza è 30 giorni dopo "
                + "l'emissione). Nessun avviso è stato emesso."
        case .adjustmentBelowZero(let statement, let amount):
            let most = Money(cents: -max(0, statement.total.cents))
            let zeroing: HintedText = most.cents < 0
                ? "Per annullare tutto il dovuto la rettifica è --amount \(most.decimalString). "
                : "Il rendiconto non ha nulla da pagare: non c'è nulla da togliere. "
            let refused: HintedText = "Rettifica di \(amount.italian) rifiutata: \(statement.italian), scenderebbe a \((statement.total + amount).italian). "
            return refused + zeroing
                + "Se alla famiglia spetta davvero un credito oltre questo rendiconto, ripetere con --carry-credit: il rendiconto, "
                + "una volta emesso, non ha avviso e il credito passa al rendiconto successivo del pagante. Un pagamento fatto in più non è una "
                + "rettifica: si restituisce (\(CommandHint.server("payments", "refunds"))). Nulla è stato rettificato."
        case .adjustmentUnusual(let statement, let amount):
            return "Rettifica di \(amount.italian) rifiutata: \(statement.italian), salirebbe a \((statement.total + amount).italian). "
                + "Un aumento oltre il totale del rendiconto e oltre \(StatementDesk.ordinaryIncrease.italian) è insolito "
                + "(forse una virgola mancante: 4000 per 40.00). Controllare l'importo; "
                + "se è giusto, ripetere con --large-amount. Nulla è stato rettificato."
        }
    }
}
