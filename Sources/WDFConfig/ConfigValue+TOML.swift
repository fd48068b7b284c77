import TOMLKit
import WDFCore

extension ConfigValue {
    /// A TOML value as the settings read it. toml++ has already bounded the document's nesting.
    init(toml value: TOMLValueConvertible) {
        switch value.type {
        case .string: self = .string(value.string ?? "")
        case .int: self = value.int.map { .integer($0) } ?? .other("an integer")
        case .double: self = value.double.map { .float($0) } ?? .other("a number")
        case .bool: self = value.bool.map { .bool($0) } ?? .other("a boolean")
        case .array: self = .array(value.array.map { $0.map { ConfigValue(toml: $0) } } ?? [])
        case .table:
            let table = value.table
            self = .table(table.map { table in table.keys.sorted().compactMap { key in
                table[key].map { Entry(key, ConfigValue(toml: $0)) }
            } } ?? [])
        case .date: self = .other("a date")
        case .time: self = .other("a time")
        case .dateTime: self = .other("a date-time")
        }
    }
}
