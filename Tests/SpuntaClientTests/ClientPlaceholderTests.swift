import Testing
@testable import SpuntaClient

@Suite("Client module")
struct ClientModuleTests {
    @Test("builds")
    func builds() {}
}
