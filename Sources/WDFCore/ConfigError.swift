/// A configuration file that cannot be used: unreadable, not TOML, or a bad setting.
///
/// `description` is one line, compiler style:
/// `/home/u/.config/wdfplay/config.toml:4: unknown key "libary" (did you mean "library"?)`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file.
    public var path: String
    /// 1-based line of the problem, when it is about a place in the file.
    public var line: Int?
    /// 1-based column, for TOML syntax errors.
    public var column: Int?
    /// The top-level key concerned, when there is one.
    public var key: String?
    /// What is wrong, without the location.
    public var message: String

    public init(path: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var location = path
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(message)"
    }
}
