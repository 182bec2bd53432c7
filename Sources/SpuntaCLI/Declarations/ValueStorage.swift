import Foundation
import Synchronization

/// The cell behind one declared option, flag or argument. A command is a value type, but the parser
/// fills its declarations after `init()` through reflection, so each declaration shares this cell by
/// reference with every copy of the command.
final class ValueStorage<Value: Sendable>: Sendable {
    private let value: Mutex<Value?>

    /// An empty cell: the declaration is required and has no value until parsing.
    init() {
        value = Mutex(nil)
    }

    /// A cell holding a default value.
    init(initial: Value) {
        value = Mutex(initial)
    }

    var current: Value? {
        value.withLock { $0 }
    }

    func set(_ newValue: Value) {
        value.withLock { $0 = newValue }
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
