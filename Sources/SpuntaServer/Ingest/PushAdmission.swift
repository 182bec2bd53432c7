import Synchronization

/// Admission of pushes (ammissione degli invii): a bound on the bytes of push bodies the server holds at once,
/// from the moment a push is taken until it is answered. Every push held costs its body, its decoded ops and
/// their verbatim JSON while it waits for the one writer; when the writer falls behind (a loaded machine), those
/// would otherwise pile up without limit. Beyond the bound a push is refused before it is decoded (`503
/// server_busy` with `Retry-After`): nothing of it was applied, and the device sends it again, which the server
/// answers once by op id. One push is always admitted when nothing is held, whatever its size (up to the body
/// limit), so that no push can be refused forever.
final class PushAdmission: Sendable {
    private struct State {
        var held = 0
        var peak = 0
    }

    /// The bytes of push bodies held at once, beyond which pushes are refused.
    let budget: Int
    private let state = Mutex(State())

    init(budget: Int) {
        self.budget = budget
    }

    /// Takes a push of `bytes`, or says no (the server is busy). A taken push must be `release`d once answered.
    func admit(_ bytes: Int) -> Bool {
        state.withLock { state in
            guard state.held == 0 || state.held + bytes <= budget else { return false }
            state.held += bytes
            state.peak = max(state.peak, state.held)
            return true
        }
    }

    func release(_ bytes: Int) {
        state.withLock { $0.held -= bytes }
    }

    /// Bytes held now, and the most ever held at once since the server started.
    var held: Int { state.withLock { $0.held } }
    var peak: Int { state.withLock { $0.peak } }
}
