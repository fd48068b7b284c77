/// Times as listeners type and read them: `SS`, `MM:SS`, `HH:MM:SS` (fractions allowed on the
/// last field), and relative `+30` / `-1:15`.
public enum TimeFormat {
    public enum Parsed: Sendable, Equatable {
        case absolute(Double)
        case relative(Double)
    }

    /// Parses a time, or nil if `text` is not one.
    public static func parse(_ text: String) -> Parsed? {
        var body = Substring(text.trimmingWhitespace())
        var sign: Double?
        if body.first == "+" { sign = 1; body = body.dropFirst() } else if body.first == "-" { sign = -1; body = body.dropFirst() }
        guard let seconds = parseClock(body) else { return nil }
        if let sign { return .relative(sign * seconds) }
        return .absolute(seconds)
    }

    /// `SS`, `MM:SS` or `HH:MM:SS`; minutes and seconds after the first field must be below 60.
    public static func parseClock(_ text: Substring) -> Double? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(fields.count) else { return nil }
        var total = 0.0
        for (i, field) in fields.enumerated() {
            let isLast = i == fields.count - 1
            guard !field.isEmpty, field.allSatisfy({ $0.isASCII && ($0.isNumber || (isLast && $0 == ".")) }),
                  let value = Double(field), value.isFinite else { return nil }
            if i > 0, value >= 60 { return nil }
            if !isLast, value.rounded() != value { return nil }
            total = total * 60 + value
        }
        return total
    }

    /// `4:05`, `12:34`, `1:02:03` (whole seconds, rounded down).
    public static func clock(_ seconds: Double) -> String {
        let total = seconds.isFinite ? max(0, Int(saturating: seconds)) : 0
        let h = total / 3600, m = (total / 60) % 60, s = total % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (and newlines).
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
