import Foundation

/// The cell behind one declared option, flag or argument. A command is a value type, but the parser
/// fills its declarations after `init()` through reflection, so each declaration shares this cell by
/// reference with every copy of the command.
final class ValueStorage<Value: Sendable>: @unchecked Sendable {
    // Safe to share: `value` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var value: Value?

    /// An empty cell: the declaration is required and has no value until parsing.
    init() {
        value = nil
    }

    /// A cell holding a default value.
    init(initial: Value) {
        value = initial
    }

    var current: Value? {
        lock.withLock { value }
    }

    func set(_ newValue: Value) {
        lock.withLock { value = newValue }
    }

    /// The value, for a wrapper's `wrappedValue`. Reading a required declaration that was never parsed
    /// is a programming error: commands read their declarations in `validate()` and `run(_:)` only.
    func read(_ what: @autoclosure () -> String) -> Value {
        guard let value = current else {
            preconditionFailure("\(what()) read before parsing: a required declaration has a value only "
                                + "once the command line is parsed")
        }
        return value
    }
}
