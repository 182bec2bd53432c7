/// An error a person reads. `userMessage` is Italian, names what was wrong and says what to do next;
/// `code` is a stable English identifier for scripts and the wire.
public protocol UserFacingError: Error {
    var code: String { get }
    var userMessage: String { get }
}
