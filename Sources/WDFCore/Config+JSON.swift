/// The effective configuration as JSON: what `wdfplay-config --json` prints and the daemon reads
/// (the daemon does not link the TOML parser; see Docs/ARCHITECTURE.md). One member per setting
/// of ``ConfigSettings``, in its order, with `library_is_default` after `library`.
extension Config {
    public var json: JSON {
        var pairs: [(String, JSON)] = []
        for setting in ConfigSettings.all {
            guard let value = value(of: setting.name) else { continue }
            pairs.append((setting.name, value.json))
            if setting.name == ConfigSettings.table.library.name {
                pairs.append(("library_is_default", .bool(libraryIsDefault)))
            }
        }
        return .object(pairs)
    }

    /// Reads what `json` wrote, each value through its setting's check; nil if a setting is
    /// missing, of the wrong kind or out of range.
    public init?(json: JSON) {
        guard let isDefault = json["library_is_default"]?.boolValue else { return nil }
        var config = Config(home: "/")
        for setting in ConfigSettings.all {
            guard let member = json[setting.name], let value = ConfigValue(json: member) else { return nil }
            do {
                try config.set(setting.name, to: value, home: "/")
            } catch {
                return nil
            }
        }
        config.libraryIsDefault = isDefault
        self = config
    }
}

extension ConfigValue {
    /// The value in JSON; a table becomes an object.
    public var json: JSON {
        switch self {
        case let .string(text): .string(text)
        case let .integer(number): .number(Double(number))
        case let .float(number): .number(number)
        case let .bool(flag): .bool(flag)
        case let .array(items): .array(items.map(\.json))
        case let .table(entries): .object(entries.map { ($0.key, $0.value.json) })
        case let .other(kind): .string(kind)
        }
    }

    /// A JSON value as a value of the file: a whole number below 2^53 is an integer, other
    /// numbers floats; nil for `null`.
    public init?(json: JSON) {
        switch json {
        case .null: return nil
        case let .bool(flag): self = .bool(flag)
        case let .string(text): self = .string(text)
        case let .number(number):
            if number.rounded() == number, abs(number) < 9.0e15, let whole = Int(exactly: number) {
                self = .integer(whole)
            } else {
                self = .float(number)
            }
        case let .array(items):
            var values: [ConfigValue] = []
            for item in items {
                guard let value = ConfigValue(json: item) else { return nil }
                values.append(value)
            }
            self = .array(values)
        case let .object(pairs):
            var entries: [Entry] = []
            for (key, member) in pairs {
                guard let value = ConfigValue(json: member) else { return nil }
                entries.append(Entry(key, value))
            }
            self = .table(entries)
        }
    }
}
