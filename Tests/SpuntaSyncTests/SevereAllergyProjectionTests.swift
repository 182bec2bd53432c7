import Foundation
import Testing
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// The emergency plan of a severe allergy travels with the child to the devices of those who look after the child
/// (teacher, canteen) and not to the bus; an import that changes it sends the child again.
@Suite("Severe allergies on devices")
struct SevereAllergyProjectionTests {
    @Test("the plan reaches the teacher and the canteen door, not the bus", arguments: [DeviceRole.teacher, .canteen, .bus])
    func projection(_ role: DeviceRole) throws {
        let f = try SyncFixture(.sample)
        let severe = Set(f.sample.diets.filter(\.severeAllergy).map(\.id))
        let enrollment = try #require(f.sample.enrollments.first { e in
            e.dietId.map(severe.contains) ?? false && f.sample.beneficiaries.contains { $0.id == e.beneficiaryId && $0.classId != nil }
        })
        let child = try #require(f.sample.beneficiaries.first { $0.id == enrollment.beneficiaryId })
        let plan = try #require(f.sample.emergencyPlan(of: child.id))
        let item: ScopeItem
        switch role {
        case .teacher: item = ScopeItem(kind: .class, id: try #require(child.classId))
        case .canteen: item = ScopeItem(kind: .site, id: try #require(enrollment.siteId))
        case .bus: item = ScopeItem(kind: .route, id: "L1")
        }
        let scope = DeviceScope(deviceId: "D", role: role, items: [item])
        let record = try f.queue.read { try ReplicaProjector(scope: scope, db: $0).project(.beneficiaries, child.id) }
        if role == .bus {
            if case .beneficiary(let b)? = record { #expect(b.emergencyPlan == nil) }
        } else {
            guard case .beneficiary(let b)? = record else {
                Issue.record("the child is in the scope of the \(role)")
                return
            }
            #expect(b.emergencyPlan == plan)
        }
    }

    @Test("making a diet severe sends its children again, and only them")
    func resent() throws {
        let f = try SyncFixture(.sample)
        var data = f.sample
        let index = try #require(data.diets.firstIndex { $0.id == "D-CEL" })
        data.diets[index].severeAllergy = true
        data.diets[index].emergencyPlan = "Nessun rischio di anafilassi: avvisare la famiglia."
        let children = Set(data.enrollments.filter { $0.dietId == "D-CEL" }.map(\.beneficiaryId))
            .filter { f.sample.emergencyPlan(of: $0) != data.emergencyPlan(of: $0) }
        try #require(!children.isEmpty)
        let before: Int = try f.scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
        let xml = f.dir.appendingPathComponent("diete.xml")
        try Data(ExchangeXMLWriter.write(data).utf8).write(to: xml)
        let summary = try MasterDataImporter.run(f.queue, paths: [xml.path])
        #expect(summary.changed == 1)
        let sent = try f.queue.read { db in
            try db.fetchAll("SELECT entity_id FROM change_log WHERE seq > ? AND entity = 'beneficiaries'", [before]).map { try $0[0] as String }
        }
        #expect(Set(sent) == children)
        #expect(sent.count == children.count)
    }
}
