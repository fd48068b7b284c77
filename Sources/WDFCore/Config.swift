
/// The settings of `~/.config/wdfplay/config.toml` (see `Config/config.toml` for the documented file).
///
/// Each key is defined once, in ``ConfigSettings``; a setting reads and writes as a property named
/// after its definition: `config.volume`, `config.skipChapters`, `config.continuePlaying`.
///
/// `library` always holds an expanded path: a leading `~/` in the file (or in the default,
/// ``Config/defaultLibrary``) is replaced by the home directory when the config is parsed or
/// when ``defaults`` is read. So the value can be used as it is.
@dynamicMemberLookup
public struct Config: Sendable, Equatable {
    /// One value per setting, in the order of ``ConfigSettings/all``.
    private var values: [any Sendable]
    /// True when the file did not set `library` (so the player may fall back to a demo series
    /// when the default folder does not exist). Setting `library` explicitly — even to the
    /// default value — makes this false.
    public var libraryIsDefault: Bool

    /// Every setting at its default; `library` expanded against `home`, or `$HOME` when `home` is nil.
    public init(home: String? = nil) {
        let home = home ?? Config.currentHome
        values = ConfigSettings.all.map { $0.initialStoredValue(home: home) }
        libraryIsDefault = true
    }

    /// `config.volume`: the value of the setting ``ConfigSettings/volume``. Assigning `library`
    /// this way does not change ``libraryIsDefault``.
    public subscript<Value>(dynamicMember key: KeyPath<ConfigSettings, ConfigSetting<Value>>) -> Value {
        get {
            let setting = ConfigSettings.table[keyPath: key]
            guard let position = ConfigSettings.positions[setting.name], let value = values[position] as? Value else {
                preconditionFailure("\(setting.name) is not in ConfigSettings.all")
            }
            return value
        }
        set {
            let setting = ConfigSettings.table[keyPath: key]
            guard let position = ConfigSettings.positions[setting.name] else {
                preconditionFailure("\(setting.name) is not in ConfigSettings.all")
            }
            values[position] = newValue
        }
    }

    /// Sets the key `name` from a value of the file, checked by its setting (`~` in `library`
    /// expanded against `home`); setting `library` clears ``libraryIsDefault``.
    /// - Returns: false when `name` is no key.
    @discardableResult
    public mutating func set(_ name: String, to value: ConfigValue, home: String) throws(ConfigProblem) -> Bool {
        guard let position = ConfigSettings.positions[name] else { return false }
        values[position] = try ConfigSettings.all[position].readStoredValue(value, home: home)
        if name == ConfigSettings.table.library.name { libraryIsDefault = false }
        return true
    }

    /// The value of the key `name` as a value of the file; nil when it is no key.
    public func value(of name: String) -> ConfigValue? {
        guard let position = ConfigSettings.positions[name] else { return nil }
        return ConfigSettings.all[position].configValue(ofStored: values[position])
    }

    public static func == (a: Config, b: Config) -> Bool {
        guard a.libraryIsDefault == b.libraryIsDefault else { return false }
        for (position, setting) in ConfigSettings.all.enumerated()
        where !setting.storedValuesEqual(a.values[position], b.values[position]) {
            return false
        }
        return true
    }

    /// All defaults, with `library` expanded against the current `$HOME` (read on every access).
    public static var defaults: Config { Config() }

    /// All defaults, with `library` expanded against `home`.
    public static func defaults(home: String) -> Config { Config(home: home) }

    /// The default `library`, as written in the file (unexpanded).
    public static var defaultLibrary: String { ConfigSettings.table.library.defaultValue }

    /// The keys the file may set, in documentation order.
    public static let keys: [String] = ConfigSettings.all.map(\.name)

    /// `$XDG_CONFIG_HOME/wdfplay/config.toml`, else `$HOME/.config/wdfplay/config.toml`
    /// (a relative `XDG_CONFIG_HOME` is ignored, as the XDG spec requires).
    public static func defaultPath(environment: [String: String]) -> String {
        XDGPaths(environment: environment).configFile
    }

    /// `~` → `home`, `~/x` → `home/x`; anything else is returned unchanged.
    public static func expandingTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        guard path.hasPrefix("~/") else { return path }
        let rest = path.dropFirst(2)
        return home.hasSuffix("/") ? home + rest : home + "/" + rest
    }

    /// `$HOME` of this process (as `XDGPaths` resolves it).
    package static var currentHome: String {
        XDGPaths(environment: Environment.current).home
    }
}

/// Daemon log threshold, least to most severe.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case trace, debug, info, notice, warning, error

    private var severity: Int {
        switch self {
        case .trace: 0
        case .debug: 1
        case .info: 2
        case .notice: 3
        case .warning: 4
        case .error: 5
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.severity < rhs.severity
    }
}
