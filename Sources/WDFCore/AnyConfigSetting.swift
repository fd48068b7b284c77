/// A ``ConfigSetting`` of any value type, as ``Config`` stores and the readers use it.
public protocol AnyConfigSetting: Sendable {
    var name: String { get }
    var summary: String { get }
    var kindName: String { get }
    /// The default as a value of the file (what the documentation shows).
    var defaultConfigValue: ConfigValue { get }
    func initialStoredValue(home: String) -> any Sendable
    func readStoredValue(_ value: ConfigValue, home: String) throws(ConfigProblem) -> any Sendable
    func configValue(ofStored stored: any Sendable) -> ConfigValue
    func storedValuesEqual(_ a: any Sendable, _ b: any Sendable) -> Bool
}

extension ConfigSetting: AnyConfigSetting {
    public var defaultConfigValue: ConfigValue { defaultValue.configValue }

    public func initialStoredValue(home: String) -> any Sendable { initialValue(home: home) }

    public func readStoredValue(_ value: ConfigValue, home: String) throws(ConfigProblem) -> any Sendable {
        try read(value, home: home)
    }

    public func configValue(ofStored stored: any Sendable) -> ConfigValue {
        ((stored as? Value) ?? defaultValue).configValue
    }

    public func storedValuesEqual(_ a: any Sendable, _ b: any Sendable) -> Bool {
        (a as? Value) == (b as? Value)
    }
}
