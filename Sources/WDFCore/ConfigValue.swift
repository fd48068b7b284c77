/// A setting's value as the configuration file or the JSON bridge gives it: TOML's kinds, with
/// whole numbers kept apart from fractions (`volume = 5.0` is not a whole number of percent).
///
/// Both readers turn their input into this, so every key is checked by the same code
/// (``ConfigSetting``), whichever way it arrives.
public enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([ConfigValue])
    /// A table (`[name]` or `{ a = 1 }`), keys in file order.
    case table([Entry])
    /// A value no setting takes (dates and times), by how messages name it: "a date".
    case other(String)

    /// The value as it might be written in the file, for messages: `"text"` (escaped and cut
    /// short), `42`, `0.5`, `true`, "an array", "a table", "a date".
    public var description: String {
        switch self {
        case let .string(text): ConfigValue.quoted(text)
        case let .integer(number): String(number)
        case let .float(number): String(number)
        case let .bool(flag): String(flag)
        case .array: "an array"
        case .table: "a table"
        case let .other(kind): kind
        }
    }

    /// The value written as TOML (as the documented file shows a default): `"~/Podcasts"`, `3`,
    /// `0.2`, `false`, `["a", "b"]`, `{ a = 1 }`. A whole float is written without a fraction.
    public var tomlLiteral: String {
        switch self {
        case let .string(text): ConfigValue.tomlString(text)
        case let .integer(number): String(number)
        case let .float(number):
            if let whole = Int(exactly: number), abs(whole) < 1 << 53 { String(whole) } else { String(number) }
        case let .bool(flag): String(flag)
        case let .array(items): "[" + items.map(\.tomlLiteral).joined(separator: ", ") + "]"
        case let .table(entries):
            entries.isEmpty ? "{}"
                : "{ " + entries.map { ConfigValue.tomlString($0.key) + " = " + $0.value.tomlLiteral }.joined(separator: ", ") + " }"
        case let .other(kind): kind
        }
    }

    /// `text` in double quotes, with quotes, backslashes and control characters escaped, and cut
    /// short after 60 characters: a stranger's text, safe in a one-line message.
    public static func quoted(_ text: String) -> String {
        escaped(text, limit: 60)
    }

    /// `text` as a TOML basic string, in full.
    static func tomlString(_ text: String) -> String {
        escaped(text, limit: Int.max)
    }

    private static func escaped(_ text: String, limit: Int) -> String {
        var result = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

extension ConfigValue {
    /// One `key = value` of a table value.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: ConfigValue

        public init(_ key: String, _ value: ConfigValue) {
            self.key = key
            self.value = value
        }
    }
}
