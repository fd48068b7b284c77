/// A Swift type a setting can hold: read from a ``ConfigValue`` (nil when the kind is wrong) and
/// written back as one (for the JSON bridge and the documented default).
public protocol ConfigValueConvertible: Sendable, Equatable {
    init?(configValue: ConfigValue)
    var configValue: ConfigValue { get }
    /// The kind as the manual names it: "string", "number", "array of strings".
    static var kindName: String { get }
}

extension String: ConfigValueConvertible {
    public init?(configValue: ConfigValue) {
        guard case let .string(text) = configValue else { return nil }
        self = text
    }
    public var configValue: ConfigValue { .string(self) }
    public static var kindName: String { "string" }
}

extension Bool: ConfigValueConvertible {
    public init?(configValue: ConfigValue) {
        guard case let .bool(flag) = configValue else { return nil }
        self = flag
    }
    public var configValue: ConfigValue { .bool(self) }
    public static var kindName: String { "boolean" }
}

/// A whole number; `5.0` is not one.
extension Int: ConfigValueConvertible {
    public init?(configValue: ConfigValue) {
        guard case let .integer(number) = configValue else { return nil }
        self = number
    }
    public var configValue: ConfigValue { .integer(self) }
    public static var kindName: String { "integer" }
}

/// Any finite number, whole or not.
extension Double: ConfigValueConvertible {
    public init?(configValue: ConfigValue) {
        switch configValue {
        case let .integer(number): self = Double(number)
        case let .float(number) where number.isFinite: self = number
        default: return nil
        }
    }
    public var configValue: ConfigValue { .float(self) }
    public static var kindName: String { "number" }
}

/// All elements of one kind.
extension Array: ConfigValueConvertible where Element: ConfigValueConvertible {
    public init?(configValue: ConfigValue) {
        guard case let .array(items) = configValue else { return nil }
        var elements: [Element] = []
        for item in items {
            guard let element = Element(configValue: item) else { return nil }
            elements.append(element)
        }
        self = elements
    }
    public var configValue: ConfigValue { .array(map(\.configValue)) }
    public static var kindName: String { "array of \(Element.kindName)s" }
}

/// A table of values of one kind by name (e.g. a setting per series: `{ "Korean War" = 1.5 }`);
/// written back in key order.
extension Dictionary: ConfigValueConvertible where Key == String, Value: ConfigValueConvertible {
    public init?(configValue: ConfigValue) {
        guard case let .table(entries) = configValue else { return nil }
        var table: [String: Value] = [:]
        for entry in entries {
            guard let value = Value(configValue: entry.value) else { return nil }
            table[entry.key] = value
        }
        self = table
    }
    public var configValue: ConfigValue {
        .table(sorted { $0.key < $1.key }.map { ConfigValue.Entry($0.key, $0.value.configValue) })
    }
    public static var kindName: String { "table of \(Value.kindName)s" }
}

/// The name, in any case.
extension LogLevel: ConfigValueConvertible {
    public init?(configValue: ConfigValue) {
        guard case let .string(text) = configValue else { return nil }
        self.init(rawValue: text.lowercased())
    }
    public var configValue: ConfigValue { .string(rawValue) }
    public static var kindName: String { "string" }
}

/// The mode's name, in any case.
extension SilenceMode: ConfigValueConvertible {
    public init?(configValue: ConfigValue) {
        guard case let .string(text) = configValue else { return nil }
        self.init(rawValue: text.lowercased())
    }
    public var configValue: ConfigValue { .string(rawValue) }
    public static var kindName: String { "string" }
}
