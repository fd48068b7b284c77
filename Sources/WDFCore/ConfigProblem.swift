/// Why a value cannot be used for a key; ``message(key:value:)`` makes the sentence.
public enum ConfigProblem: Error, Sendable, Equatable {
    /// `"volume" must be <requirement>, not <value>`.
    case mustBe(String)
    /// `"skip_chapters" <text>`: a sentence about the key that names the value itself.
    case other(String)

    /// The message for `key` set to `value`.
    public func message(key: String, value: ConfigValue) -> String {
        switch self {
        case let .mustBe(requirement):
            "\(ConfigValue.quoted(key)) must be \(requirement), not \(value.description)"
        case let .other(text):
            "\(ConfigValue.quoted(key)) \(text)"
        }
    }
}
