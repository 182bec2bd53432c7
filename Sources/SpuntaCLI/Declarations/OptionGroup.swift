/// Declarations shared by several commands, written once in a `ParsableArguments` struct and included
/// with `@OptionGroup var common: CommonOptions`. Its options appear in each command's help and its
/// `validate()` runs before the command's.
@propertyWrapper
public struct OptionGroup<Value: ParsableArguments>: Sendable {
    public var wrappedValue: Value

    public init() {
        wrappedValue = Value()
    }
}

extension OptionGroup: ArgumentGroupSlot {
    var group: any ParsableArguments { wrappedValue }
}
