/// Times with units (`1m30s`, `90s`, `1h2m`) and shares of the episode (`50%`), as `seek` takes
/// them beside `SS`, `MM:SS` and `HH:MM:SS`.
extension TimeFormat {
    /// Where `seek` goes: a time or an offset in seconds, or a share of the episode (0–100).
    public enum SeekTarget: Sendable, Equatable {
        case time(Parsed)
        case percent(Double, relative: Bool)
    }

    /// `12:00`, `+30`, `-1:15`, `1m30s`, `-30s`, `50%`, `+10%`; nil when `text` is none of those.
    public static func parseSeek(_ text: String) -> SeekTarget? {
        if let parsed = parse(text) { return .time(parsed) }
        var body = Substring(text.trimmingWhitespace())
        var sign: Double?
        if body.first == "+" { sign = 1; body = body.dropFirst() } else if body.first == "-" { sign = -1; body = body.dropFirst() }
        if body.last == "%" {
            let number = body.dropLast()
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let value = Double(number), value.isFinite, value <= 100 else { return nil }
            return .percent((sign ?? 1) * value, relative: sign != nil)
        }
        guard let seconds = parseUnits(body) else { return nil }
        return .time(sign.map { .relative($0 * seconds) } ?? .absolute(seconds))
    }

    /// `1h30m`, `90s`, `2m`, `1m30.5s` → seconds; each unit at most once, in h, m, s order.
    public static func parseUnits(_ text: Substring) -> Double? {
        var total = 0.0
        var number = ""
        var allowed: [Character] = ["h", "m", "s"]
        for c in text.lowercased() {
            if c.isASCII, c.isNumber || c == "." { number.append(c); continue }
            guard let unit = allowed.firstIndex(of: c), !number.isEmpty, let value = Double(number), value.isFinite,
                  value <= 1_000_000 else { return nil }
            total += value * [3600, 60, 1][["h", "m", "s"].firstIndex(of: c)!]
            allowed.removeFirst(unit + 1)
            number = ""
        }
        guard number.isEmpty, !text.isEmpty, total.isFinite else { return nil }
        return total
    }
}
