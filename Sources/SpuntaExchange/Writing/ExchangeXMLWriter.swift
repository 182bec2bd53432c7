import SpuntaDomain
import SpuntaMarkup

/// Writes master data as a tracciato XML that `ExchangeReader` reads back to the same records, whatever the
/// database already holds: every record carries all its fields, an optional one with no value as an empty
/// attribute (`pec=""`), because an attribute left out would keep the stored value instead of clearing it.
/// The output is deterministic: the same data gives the same bytes.
public enum ExchangeXMLWriter {
    public static func write(_ s: MasterDataSet, generated: LocalDate? = nil, comment: String? = nil) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        if let comment {
            out += "<!-- \(comment.replacingOccurrences(of: "--", with: "- -")) -->\n"
        }
        out += "<spunta-exchange" + attributes([("version", ExchangeReader.formatVersion), ("generated", generated?.description)]) + ">\n"
        if let m = s.municipality {
            out += "  <municipality" + attributes([
                ("name", m.name), ("fiscal-code", m.fiscalCode), ("segregation-code", m.segregationCode),
                ("iban", m.iban), ("province", m.province),
            ]) + "/>\n"
        }
        section(&out, "school-years", s.schoolYears) { y in
            element("school-year", [("id", y.id), ("start", y.startDate.description), ("end", y.endDate.description)],
                    children: y.closures.map { c in
                        element("closure", [
                            ("from", c.from.description), ("to", c.to == c.from ? nil : c.to.description), ("reason", c.reason),
                            ("services", c.serviceIds.isEmpty ? nil : list(c.serviceIds)), ("sites", c.siteIds.isEmpty ? nil : list(c.siteIds)),
                        ])
                    })
        }
        section(&out, "sites", s.sites) { site in
            var attributes: [(String, String?)] = [("id", site.id), ("name", site.name), ("address", site.address)]
            if let caterer = site.caterer { attributes += [("caterer", caterer.name), ("caterer-email", caterer.email)] }
            if site.mealCountCutoff != Site.defaultMealCountCutoff { attributes.append(("meal-count-cutoff", site.mealCountCutoff.description)) }
            return element("site", attributes)
        }
        section(&out, "classes", s.classes) { c in
            element("class", [("id", c.id), ("site", c.siteId), ("year", c.yearId), ("name", c.name), ("teachers", list(c.teachers))])
        }
        section(&out, "services", s.services) { v in
            element("service", [
                ("id", v.id), ("kind", v.kind.rawValue), ("name", v.name), ("billing", v.billingMode.rawValue),
                ("basis", v.chargeBasis.rawValue), ("year", v.yearId), ("start", v.startDate.description),
                ("end", v.endDate.description), ("weekdays", v.weekdays.map(String.init).joined(separator: ",")),
                ("sites", list(v.siteIds)), ("cutoff", empty(v.cutoff?.description)), ("options", v.options.isEmpty ? "" : nil),
            ], children: v.options.map { o in
                element("option", [
                    ("id", o.id), ("name", o.name), ("weekdays", o.weekdays.isEmpty ? nil : o.weekdays.map(String.init).joined(separator: ",")),
                ])
            })
        }
        section(&out, "diets", s.diets) { d in
            element("diet", [
                ("id", d.id), ("name", d.name), ("allergens", list(d.allergens.map(\.rawValue))), ("notes", d.notes),
                ("category", empty(d.category?.rawValue)), ("severe-allergy", flag(d.severeAllergy)), ("emergency-plan", d.emergencyPlan),
            ])
        }
        section(&out, "tariffs", s.tariffs) { t in
            element("tariff", [
                ("id", t.id), ("service", t.serviceId), ("name", t.name), ("unit", t.unit.rawValue),
                ("valid-from", t.validFrom.description), ("valid-to", empty(t.validTo?.description)),
                ("price-without-isee", t.priceWithoutIsee.decimalString), ("non-resident-price", empty(t.nonResidentPrice?.decimalString)),
                ("second-sibling-discount", number(t.secondSiblingDiscountPercent)),
                ("third-sibling-discount", number(t.thirdSiblingDiscountPercent)),
                ("monthly-minimum", empty(t.monthlyMinimum?.decimalString)), ("monthly-maximum", empty(t.monthlyMaximum?.decimalString)),
                ("pro-rata", flag(t.proRata)), ("option", empty(t.optionId)), ("daily-price", empty(t.dailyPrice?.decimalString)),
                ("illness-days", number(t.illnessDays)), ("illness-reduction", number(t.illnessReductionPercent)),
                ("closure-reduction", number(t.closureReductionPercent)),
            ], children: t.bands.map { b in element("band", [("up-to", b.upTo?.decimalString), ("price", b.price.decimalString)]) })
        }
        section(&out, "routes", s.routes) { r in
            element("route", [("id", r.id), ("service", r.serviceId), ("name", r.name)], children: r.stops.map { stop in
                element("stop", [
                    ("id", stop.id), ("name", stop.name), ("outbound", stop.outboundTime.description), ("return", stop.returnTime.description),
                ])
            } + r.schools.map { school in
                element("school", [
                    ("site", school.siteId), ("stop", school.stopId), ("arrival", school.arrival.description),
                    ("return", school.returnTime.description), ("short-return", school.shortReturn?.description),
                    ("short-days", school.shortDays.isEmpty ? nil : school.shortDays.map(String.init).joined(separator: ",")),
                ])
            })
        }
        section(&out, "payers", s.payers) { p in
            element("payer", [
                ("id", p.id), ("fiscal-code", p.fiscalCode), ("surname", p.surname), ("given-name", p.givenName),
                ("email", empty(p.email)), ("mobile", empty(p.mobile)), ("phone", empty(p.phone)), ("pec", empty(p.pec)), ("address", empty(p.address)),
                ("resident", flag(p.resident)), ("isee", empty(p.isee?.value.decimalString)),
                ("isee-filed", empty(p.isee?.filedOn.description)), ("isee-expires", empty(p.isee?.expiresOn.description)),
                ("notify-email", flag(p.notifyByEmail)), ("notify-sms", flag(p.notifyBySMS)),
                ("low-balance-threshold", empty(p.lowBalanceThreshold?.decimalString)),
            ])
        }
        section(&out, "beneficiaries", s.beneficiaries) { b in
            element("beneficiary", [
                ("id", b.id), ("fiscal-code", b.fiscalCode), ("surname", b.surname), ("given-name", b.givenName),
                ("birth-date", b.birthDate.description), ("class", empty(b.classId)),
                ("class-from", empty(b.classFrom?.description)), ("class-to", empty(b.classTo?.description)),
                ("grade", empty(b.grade.map(String.init))),
            ], children: b.payers.map { link in
                // `share` is always written (empty: no share), since a `<payer>` without it keeps the stored share.
                element("payer", [("ref", link.payerId), ("primary", link.primary ? "true" : nil), ("share", empty(link.share.map(String.init)))])
            })
        }
        section(&out, "enrollments", s.enrollments) { e in
            element("enrollment", [
                ("id", e.id), ("beneficiary", e.beneficiaryId), ("service", e.serviceId), ("site", empty(e.siteId)),
                ("diet", empty(e.dietId)), ("route", empty(e.routeId)), ("outbound-stop", empty(e.outboundStopId)),
                ("return-stop", empty(e.returnStopId)), ("tariff", empty(e.tariffId)), ("school", empty(e.schoolId)), ("start", e.startDate.description),
                ("end", empty(e.endDate?.description)), ("exemption", number(e.exemptionPercent)), ("option", empty(e.optionId)),
                ("option-changes", list(e.optionChanges.map { "\($0.from)=\($0.optionId)" })),
            ])
        }
        section(&out, "cards", s.cards) { c in
            element("card", [
                ("code", c.id), ("beneficiary", c.beneficiaryId), ("issued", c.issuedOn.description), ("revoked", empty(c.revokedOn?.description)),
            ])
        }
        out += "</spunta-exchange>\n"
        return out
    }

    private static func list(_ values: [String]) -> String { values.joined(separator: ";") }

    private static func flag(_ value: Bool) -> String { value ? "true" : "false" }

    private static func number(_ value: Int) -> String { String(value) }

    /// An optional field's value, empty when there is none (an empty attribute clears the stored value).
    private static func empty(_ value: String?) -> String { value ?? "" }

    private struct Element {
        let text: String
    }

    private static func element(_ name: String, _ attrs: [(String, String?)], children: [Element] = []) -> Element {
        if children.isEmpty {
            return Element(text: "<\(name)\(attributes(attrs))/>")
        }
        let inner = children.map { "      " + $0.text.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n")
        return Element(text: "<\(name)\(attributes(attrs))>\n\(inner)\n    </\(name)>")
    }

    private static func section<T>(_ out: inout String, _ name: String, _ items: [T], _ body: (T) -> Element) {
        out += "  <\(name)>\n"
        for item in items {
            out += "    " + body(item).text + "\n"
        }
        out += "  </\(name)>\n"
    }

    /// The attributes with a value, empty ones included; nil leaves an attribute out (where leaving it out
    /// means its default: nested elements, which are always read whole).
    private static func attributes(_ attrs: [(String, String?)]) -> String {
        var text = ""
        for (name, value) in attrs {
            guard let value else { continue }
            text += " \(name)=\"\(Markup.escape(value, apostrophes: false))\""
        }
        return text
    }
}
