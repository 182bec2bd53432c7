import Foundation
import SpuntaCLI
import SpuntaDomain
import Testing
@testable import SpuntaClient

/// `spunta scan` at the canteen door, as the staff see it: the real program on a device copied from one
/// enrolled against a real server, offline.
@Suite("Scanning at the canteen door")
struct ScanTests {
    static let canteen = ["scan", "--service", "canteen", "--date", schoolDay]

    /// A card payload whose check character is wrong (a misread character).
    static func badCheck(_ payload: String) -> String {
        let body = payload.dropLast()
        for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" where c != payload.last {
            if case .badCheck? = Self.error(String(body) + String(c)) { return String(body) + String(c) }
        }
        return payload
    }

    static func error(_ line: String) -> CardPayloadError? {
        do {
            _ = try CardPayload.decode(line)
            return nil
        } catch {
            return error
        }
    }

    @Test("a child's first scan of the day is ok, recorded on disk, and names the child and class")
    func firstScan() throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        let answer = try #require(try door.json(Self.canteen, input: card.payload + "\n").first)
        #expect(answer["result"] as? String == "ok")
        #expect(answer["message"] as? String == "Buon appetito!")
        #expect(answer["recorded"] as? Bool == true)
        #expect(answer["beneficiary_id"] as? String == card.beneficiary)
        #expect((answer["name"] as? String)?.isEmpty == false)
        #expect(answer["class_name"] as? String != nil)
        let op = try #require(answer["op_id"] as? String)
        let stored: String? = try door.scalar("SELECT type FROM outbox WHERE id = ? AND state = 'pending'", [op])
        #expect(stored == "meal_scanned")
    }

    @Test("the same child twice the same day: duplicate, with the time of the first meal; nothing more recorded")
    func duplicateSameDay() throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        let answers = try door.scan(Self.canteen, input: card.payload + "\n" + card.payload + "\n").answers
        #expect(answers.map { $0["result"] as? String } == ["ok", "duplicate"])
        let second = try #require(answers.last)
        #expect(second["recorded"] as? Bool == false)
        #expect(second["op_id"] == nil)
        #expect(second["elsewhere"] as? Bool == false)
        let servedAt = try #require(second["served_at"] as? String)
        #expect(servedAt.count == 5 && servedAt.contains(":"))
        #expect((second["message"] as? String)?.hasPrefix("Già servito oggi alle \(servedAt)") == true)
        #expect(try door.recordedOps == 1)
        // The next school day is another meal.
        let nextDay = try door.scan(["scan", "--service", "canteen", "--date", "2026-10-06"], input: card.payload + "\n").answers
        #expect(nextDay.first?["result"] as? String == "ok")
    }

    @Test("a card nobody in this service holds: unknown_card, nothing recorded")
    func unknownCard() throws {
        let door = try FieldDevice(.canteenS01)
        let answer = try #require(try door.json(Self.canteen, input: CardPayload.encode(CardID.random()) + "\n").first)
        #expect(answer["result"] as? String == "unknown_card")
        #expect(answer["recorded"] as? Bool == false)
        #expect((answer["message"] as? String)?.hasPrefix("Tessera sconosciuta") == true)
        #expect(try door.recordedOps == 0)
    }

    @Test("a revoked card is refused and names its holder; the child's new card works")
    func revokedCard() throws {
        let door = try FieldDevice(.canteenS01)
        let revoked = try #require(try door.queue().read { db in
            try db.fetchOne("""
                SELECT id, beneficiary_id FROM card WHERE revoked_on IS NOT NULL
                    AND beneficiary_id IN (SELECT beneficiary_id FROM enrollment WHERE service_id = 'MENSA-RODARI') ORDER BY id LIMIT 1
                """).map { ("SPUNTA1:" + (try $0[0] as String), try $0[1] as String) }
        }, "the sample has lost cards at Rodari")
        let replacement = try #require(try door.cards("c.beneficiary_id = ?", [revoked.1]).first)
        let answers = try door.scan(Self.canteen, input: revoked.0 + "\n" + replacement.payload + "\n").answers
        #expect(answers.count == 2)
        #expect(answers.first?["result"] as? String == "revoked_card")
        #expect(answers.first?["recorded"] as? Bool == false)
        #expect(answers.first?["beneficiary_id"] as? String == revoked.1)
        let message = answers.first?["message"] as? String ?? ""
        #expect(message.hasPrefix("Tessera revocata il ") && message.contains("2026") && message.contains("usare quella nuova"), "\(message)")
        #expect(answers.last?["result"] as? String == "ok")
        #expect(try door.recordedOps == 1)
        // On screen, the reason is whole, wrapped within 40 columns.
        let human = try FieldDevice(.canteenS01).spunta(Self.canteen, input: revoked.0 + "\n")
        #expect(human.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(human.output)")
        #expect(human.output.first?.hasPrefix("NO   ") == true)
        #expect(Self.unwrapped(human.output).contains { $0.contains(message) }, "\(human.output)")
    }

    @Test("a child not enrolled in this canteen on that day (the enrollment starts later): not_enrolled, nothing recorded")
    func notEnrolled() throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        // The family enrolled the child from November: on a school day of October the canteen serves, the child not.
        // (A day before the service starts is refused as a whole before any scan: ScanDayTests.)
        try door.queue().write { db in
            try db.run("UPDATE enrollment SET start_date = '2026-11-02' WHERE beneficiary_id = ?", [card.beneficiary])
        }
        let answer = try #require(try door.scan(Self.canteen, input: card.payload + "\n").answers.first)
        #expect(answer["result"] as? String == "not_enrolled")
        #expect(answer["recorded"] as? Bool == false)
        #expect(answer["beneficiary_id"] as? String == card.beneficiary)
        #expect((answer["message"] as? String)?.contains("Non iscritto") == true)
        #expect(try door.recordedOps == 0)
    }

    @Test("a child of the school who does not eat there is named, with the class and what to do: not_enrolled, not an unknown card")
    func notEnrolledChildOfSite() throws {
        let door = try FieldDevice(.canteenS01)
        let child = try #require(try door.queue().read { db in
            try db.fetchOne("""
                SELECT b.id, b.surname || ' ' || b.given_name, json_extract(r.body, '$.name') FROM beneficiary b
                JOIN record r ON r.entity = 'classes' AND r.id = b.class_id
                WHERE b.id NOT IN (SELECT beneficiary_id FROM enrollment) ORDER BY b.id LIMIT 1
                """).map { (try $0[0] as String, try $0[1] as String, try $0[2] as String) }
        }, "the sample has Rodari children who go home for lunch")
        let card = try #require(try door.cards("c.beneficiary_id = ?", [child.0]).first)
        let answer = try #require(try door.scan(Self.canteen, input: card.payload + "\n").answers.first)
        #expect(answer["result"] as? String == "not_enrolled")
        #expect(answer["recorded"] as? Bool == false)
        #expect(answer["name"] as? String == child.1)
        #expect(answer["class_name"] as? String == child.2)
        #expect(answer["message"] as? String == "Non iscritto alla mensa di questo plesso oggi: chiamare l'ufficio.")
        #expect(try door.recordedOps == 0)
        let human = try door.spunta(Self.canteen, input: card.payload + "\n")
        #expect(Self.unwrapped(human.output).first == "NO   \(child.1) (\(child.2)): non iscritto alla mensa: chiamare l'ufficio.",
                "\(human.output)")
        #expect(human.output.allSatisfy { TextWidth.of($0) <= 40 })
    }

    @Test("a child enrolled at this site only in pre-school (goes home for lunch): not_enrolled, no meal recorded")
    func preSchoolIsNotAMeal() throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.cards("""
            c.beneficiary_id IN (SELECT beneficiary_id FROM enrollment GROUP BY beneficiary_id
                HAVING SUM(service_id = 'PRESCUOLA') = 1 AND COUNT(*) = 1)
            """).first, "the sample has pre-school children who do not eat at school")
        let answer = try #require(try door.json(Self.canteen, input: card.payload + "\n").first)
        #expect(answer["result"] as? String == "not_enrolled")
        #expect(answer["recorded"] as? Bool == false)
        #expect(try door.recordedOps == 0)
    }

    enum Misread: String, CaseIterable, Sendable {
        case productBarcode, badCheck, lowercase, keyboardLayout, partialRead

        func line(_ payload: String) -> String {
            switch self {
            case .productBarcode: return "8001234567890"
            case .badCheck: return ScanTests.badCheck(payload)
            case .lowercase: return payload.lowercased()
            // A scanner typing for a US layout on an Italian keyboard: ':' arrives as 'ç'.
            case .keyboardLayout: return payload.replacingOccurrences(of: ":", with: "ç")
            case .partialRead: return String(payload.dropLast(3))
            }
        }

        var reason: String {
            switch self {
            case .productBarcode: return "wrong_prefix"
            case .badCheck: return "bad_check"
            case .lowercase: return "lowercase"
            case .keyboardLayout: return "keyboard_layout"
            case .partialRead: return "wrong_length"
            }
        }

        /// What the message must tell the person at the scanner.
        var says: String {
            switch self {
            case .productBarcode: return "codice a barre di un prodotto"
            case .badCheck: return "carattere di controllo errato"
            case .lowercase: return "minuscolo"
            case .keyboardLayout: return "layout diverso"
            case .partialRead: return "lettura incompleta"
            }
        }
    }

    @Test("a misread line is invalid_payload with the reason and an Italian message saying what to check", arguments: Misread.allCases)
    func invalidPayload(_ misread: Misread) throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        let line = misread.line(card.payload)
        #expect(line != card.payload)
        let answer = try #require(try door.json(Self.canteen, input: line + "\n").first)
        #expect(answer["result"] as? String == "invalid_payload")
        #expect(answer["reason"] as? String == misread.reason)
        #expect(answer["recorded"] as? Bool == false)
        #expect((answer["message"] as? String)?.contains(misread.says) == true, "\(answer["message"] ?? "")")
        #expect(try door.recordedOps == 0)
    }

    @Test("a child without card: ?cognome finds the child, =ID records a meal by name, a second =ID is a duplicate")
    func byName() throws {
        let door = try FieldDevice(.canteenS01)
        let child = try #require(try door.queue().read { db in
            try db.fetchOne("""
                SELECT b.id, b.surname FROM beneficiary b JOIN enrollment e ON e.beneficiary_id = b.id
                WHERE e.service_id = 'MENSA-RODARI' ORDER BY b.id LIMIT 1
                """).map { (try $0[0] as String, try $0[1] as String) }
        })
        let answers = try door.scan(Self.canteen, input: "?\(child.1.lowercased())\n=\(child.0)\n=\(child.0)\n?x\n=B9999\n").answers
        #expect(answers.count == 5)
        let search = answers[0]
        #expect(search["result"] as? String == "candidates")
        #expect(search["recorded"] as? Bool == false)
        let candidates = search["candidates"] as? [[String: Any]] ?? []
        #expect(candidates.contains { $0["beneficiary_id"] as? String == child.0 })
        #expect(candidates.allSatisfy { ($0["name"] as? String)?.localizedCaseInsensitiveContains(child.1) == true })
        #expect(answers[1]["result"] as? String == "ok")
        #expect(answers[1]["message"] as? String == "Registrato per nome.")
        #expect(answers[1]["beneficiary_id"] as? String == child.0)
        #expect(answers[2]["result"] as? String == "duplicate")
        #expect((answers[3]["message"] as? String)?.contains("almeno due lettere") == true)
        #expect(answers[4]["result"] as? String == "unknown_card")
        #expect((answers[4]["message"] as? String)?.contains("B9999") == true)
        let types = try door.strings("SELECT type FROM outbox")
        #expect(types == ["meal_recorded"])
        let reason: String? = try door.scalar("SELECT json_extract(json, '$.reason') FROM outbox")
        #expect(reason?.isEmpty == false)
    }

    @Test("at the canteen a child on a special diet comes with the diet and the allergens, on screen and in JSON")
    func dietAndAllergens() throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.cards("c.beneficiary_id IN (SELECT beneficiary_id FROM enrollment WHERE diet_id = 'D-CEL')").first,
                                "the sample has coeliac children at Rodari")
        let answer = try #require(try door.scan(Self.canteen, input: card.payload + "\n").answers.first)
        #expect(answer["result"] as? String == "ok")
        #expect(answer["diet"] as? String == "Celiachia (senza glutine)")
        #expect(answer["allergens"] as? [String] == ["glutine"])
        // A duplicate still shows the diet: the worker must not hand over the wrong tray.
        let other = try FieldDevice(.canteenS01)
        let human = Self.unwrapped(try other.spunta(Self.canteen, input: card.payload + "\n" + card.payload + "\n").output)
        let alerts = human.filter { $0.hasPrefix("  !! ") }
        #expect(alerts == Array(repeating: "  !! DIETA CELIACHIA (SENZA GLUTINE): GLUTINE", count: 2), "\(human)")
        #expect(human.first?.hasPrefix("OK!") == true)
        #expect(human.contains { $0.hasPrefix("GIÀ") })
        // A child without a diet has neither.
        let plain = try #require(try door.cards("c.beneficiary_id IN (SELECT beneficiary_id FROM enrollment WHERE diet_id IS NULL AND service_id = 'MENSA-RODARI')").first)
        let normal = try #require(try door.scan(Self.canteen, input: plain.payload + "\n").answers.first)
        #expect(normal["diet"] == nil)
        #expect(normal["allergens"] as? [String] == [])
    }

    @Test("every special diet's alert is printed whole on a pipe, wrapped within 40 columns under its first word", arguments: [EnrolledTemplate.canteenS01, .canteenS02])
    func everyDietWhole(_ template: EnrolledTemplate) throws {
        let door = try FieldDevice(template)
        let children = try door.queue().read { db in
            try db.fetchAll("""
                SELECT e.beneficiary_id, json_extract(d.body, '$.name'), json_extract(d.body, '$.allergens') FROM enrollment e
                JOIN record d ON d.entity = 'diets' AND d.id = e.diet_id ORDER BY e.beneficiary_id
                """).map { (try $0[0] as String, try $0[1] as String) }
        }
        try #require(children.count >= 5)
        var input = ""
        for child in children {
            input += "=\(child.0)\n"
        }
        let output = try door.spunta(Self.canteen, input: input).output
        #expect(output.allSatisfy { TextWidth.of($0) <= 40 }, "\(output.filter { TextWidth.of($0) > 40 })")
        let alerts = Self.unwrapped(output).filter { $0.hasPrefix("  !! DIETA ") }
        #expect(alerts.count == children.count)
        let diets = try door.queue().read { db in try ReplicaStore(db).records(.diets, as: Diet.self) }
        for child in children {
            let diet = try #require(diets.first { $0.name == child.1 })
            let allergens = diet.allergens.isEmpty ? "" : ": " + diet.allergens.map(\.italian).joined(separator: ", ")
            let whole = "  !! DIETA \(diet.name)\(allergens)".uppercased()
            #expect(alerts.contains(whole), "\(whole) not among \(alerts)")
        }
    }

    @Test("one JSON answer per scanned line, in order, whatever the line was")
    func oneAnswerPerLine() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        let revoked: String? = try door.scalar("SELECT id FROM card WHERE revoked_on IS NOT NULL ORDER BY id LIMIT 1")
        let lines = [
            cards[0].payload, cards[1].payload, cards[0].payload, "8001234567890", CardPayload.encode(CardID.random()),
            "SPUNTA1:" + (revoked ?? ""), cards[2].payload.lowercased(), "=\(cards[3].beneficiary)", "?zz", cards[4].payload,
        ]
        let answers = try door.scan(Self.canteen, input: lines.map { $0 + "\n" }.joined()).answers
        #expect(answers.map { $0["result"] as? String } == [
            "ok", "ok", "duplicate", "invalid_payload", "unknown_card", "revoked_card", "invalid_payload", "ok", "candidates", "ok",
        ])
        #expect(answers.allSatisfy { ($0["message"] as? String)?.isEmpty == false })
        #expect(try door.recordedOps == 4)
    }

    @Test("answers on a pipe carry no colour codes and no bell; each begins with its word, within 40 columns, and the summary closes")
    func plainOnPipe() throws {
        let door = try FieldDevice(.canteenS02)
        let card = try #require(try door.canteenCards("c.beneficiary_id IN (SELECT beneficiary_id FROM enrollment WHERE diet_id IS NULL)").first)
        let name: String = try #require(try door.scalar("SELECT surname || ' ' || given_name FROM beneficiary WHERE id = ?", [card.beneficiary]))
        let result = try door.spunta(Self.canteen, input: "\(card.payload)\n\(card.payload)\n8001234567890\n\(CardPayload.encode(CardID.random()))\n")
        #expect(result.status == 0)
        let text = result.output.joined(separator: "\n")
        #expect(!text.contains("\u{1B}"), "ANSI escape on a pipe")
        #expect(!text.contains("\u{07}"), "bell on a pipe")
        #expect(result.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(result.output)")
        let answers = Self.unwrapped(result.output)
        #expect(answers[0].hasPrefix("OK   \(name) ("), "\(answers)")
        #expect(answers[1].hasPrefix("GIÀ  \(name) ("), "\(answers)")
        #expect(answers[1].contains(": già servito alle "), "\(answers)")
        #expect(answers[2] == "NO   Letto il codice a barre di un prodotto, non una tessera: inquadrare il QR della tessera.")
        #expect(answers[3] == "NO   Tessera sconosciuta: non è di un bambino di questo servizio.")
        #expect(answers[4].hasPrefix("#    Fine: serviti 1 su ") && answers[4].hasSuffix(" (05/10/2026)."), "\(answers)")
        #expect(answers.count > 5 && answers.dropFirst(5).allSatisfy { $0.hasPrefix("   ") && $0.contains(" su ") }, "\(answers)")
    }

    /// Bad reads a scanner makes, each as typed on the line.
    static let badReads: [String] = {
        let card = CardPayload.encode(CardID.random())
        return ["8001234567890", "https://www.comune.example/mensa", card.lowercased(), String(card.dropLast(3)), "xx" + card]
    }()

    @Test("a bad read is refused with its whole reason and what to do, wrapped within 40 columns, never cut to a few words",
          arguments: badReads)
    func badReadWhole(_ read: String) throws {
        let door = try FieldDevice(.canteenS02)
        let error: CardPayloadError
        do {
            _ = try CardPayload.decode(read)
            Issue.record("«\(read)» is a card")
            return
        } catch let refused {
            error = refused
        }
        let result = try door.spunta(Self.canteen, input: read + "\n")
        #expect(result.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(result.output)")
        let reason = error.userMessage
        let answer = try #require(Self.unwrapped(result.output).first { $0.hasPrefix("NO   ") }, "\(result.output)")
        #expect(answer == "NO   " + reason.prefix(1).uppercased() + reason.dropFirst() + ".", "\(answer)")
        #expect(try door.recordedOps == 0)
    }

    /// The answers as logical lines: a line that continues the one above (indented by five spaces, under the text)
    /// joined back to it, so that a test can read a wrapped answer whole.
    static func unwrapped(_ lines: [String]) -> [String] {
        ReportsTests.joined(lines, indent: 5)
    }
}
