import Testing
@testable import SpuntaBilling

@Suite("Billing module")
struct BillingModuleTests {
    @Test("builds")
    func builds() {}
}
