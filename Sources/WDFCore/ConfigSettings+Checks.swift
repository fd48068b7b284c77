/// The checks some settings share or need beyond their kind.
extension ConfigSettings {
    /// "one of a, b or c".
    static func oneOf(_ names: [String]) -> String {
        "one of \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")"
    }

    /// `value` when it is a speed (0.5…3.0, a multiple of 0.05), rounded to its step; else nil.
    public static func speedStep(_ value: Double) -> Double? {
        guard value.isFinite, value >= 0.5 - 1e-9, value <= 3 + 1e-9 else { return nil }
        let twentieths = (value * 20).rounded()
        guard abs(twentieths - value * 20) < 1e-6 else { return nil }
        return twentieths / 20
    }

    /// For an array with an item of the wrong kind: which item, and what it is.
    static func badItem(_ value: ConfigValue, of kind: String) -> ConfigProblem? {
        guard case let .array(items) = value,
              let offset = items.firstIndex(where: { String(configValue: $0) == nil }) else { return nil }
        return .other("must contain only \(kind), but item \(offset + 1) is \(items[offset].description)")
    }

    /// Why `pattern` cannot be a chapter title glob (`*`, `?`, `[set]`, `\` escapes), or nil.
    public static func globProblem(_ pattern: String) -> String? {
        if pattern.isEmpty { return "is empty; a pattern like \"*Sponsor*\" is needed" }
        var characters = pattern.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                if characters.next() == nil { return "ends in a lone backslash" }
            case "[":
                // A set: `]` right after `[` or `[!` / `[^` is a member, not the end.
                var length = 0
                var mayNegate = true
                var closed = false
                while let member = characters.next() {
                    if mayNegate, member == "!" || member == "^" {
                        mayNegate = false
                        continue
                    }
                    mayNegate = false
                    if member == "]", length > 0 {
                        closed = true
                        break
                    }
                    length += 1
                }
                if !closed { return "has a \"[\" without a closing \"]\"" }
            default:
                break
            }
        }
        return nil
    }
}
