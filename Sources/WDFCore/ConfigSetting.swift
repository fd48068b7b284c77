/// The definition of one key of the configuration file: its name, the kind and default of its
/// value, what a value must be, a one-line summary, and the check (and normalisation) every value
/// goes through. ``ConfigSettings`` lists them all; loading the file, the JSON bridge, the list of
/// known keys and the documentation test all follow from that list.
public struct ConfigSetting<Value: ConfigValueConvertible>: Sendable {
    public let name: String
    public let defaultValue: Value
    /// One line, for people: what the setting does.
    public let summary: String
    /// What a value must be, read after "must be": "a whole number of percent between 0 and 150".
    public let requirement: String
    /// How the manual names the kind of the value ("number", "array of strings").
    public let kindName: String
    private let mismatch: @Sendable (ConfigValue) -> ConfigProblem?
    private let validate: @Sendable (Value, _ home: String) throws(ConfigProblem) -> Value

    /// - Parameters:
    ///   - mismatch: a more precise problem than ``requirement`` for a value of the wrong kind
    ///     (e.g. naming the bad item of an array), or nil to use the requirement.
    ///   - validate: checks a value of the right kind and returns it normalised (e.g. `~` expanded
    ///     against `home`); the default applies to it too.
    public init(
        _ name: String, default defaultValue: Value, summary: String, requirement: String,
        kindName: String = Value.kindName,
        mismatch: @escaping @Sendable (ConfigValue) -> ConfigProblem? = { _ in nil },
        validate: @escaping @Sendable (Value, _ home: String) throws(ConfigProblem) -> Value = { value, _ in value }
    ) {
        self.name = name
        self.defaultValue = defaultValue
        self.summary = summary
        self.requirement = requirement
        self.kindName = kindName
        self.mismatch = mismatch
        self.validate = validate
    }

    /// A setting whose values lie in `range`.
    public init(
        _ name: String, default defaultValue: Value, in range: ClosedRange<Value>, summary: String, requirement: String
    ) where Value: Comparable {
        self.init(name, default: defaultValue, summary: summary, requirement: requirement, validate: { value, _ throws(ConfigProblem) in
            guard range.contains(value) else { throw .mustBe(requirement) }
            return value
        })
    }

    /// The value `value` of the file stands for, checked.
    public func read(_ value: ConfigValue, home: String) throws(ConfigProblem) -> Value {
        guard let typed = Value(configValue: value) else { throw mismatch(value) ?? .mustBe(requirement) }
        return try validate(typed, home)
    }

    /// The default, normalised as a value from the file would be.
    public func initialValue(home: String) -> Value {
        (try? validate(defaultValue, home)) ?? defaultValue
    }
}
