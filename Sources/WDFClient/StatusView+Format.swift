import WDFCore
import WDFProtocol

/// `wdfctl status --short` and `--format`: one line for status bars (as `mpc -f` and
/// `playerctl --format`).
extension StatusView {
    /// The fields `--format` knows, with what each holds (the manual and `--help` list them).
    public static let formatFields: [(name: String, meaning: String)] = [
        ("state", "playing, paused or stopped"),
        ("symbol", "a play, pause or stop sign"),
        ("title", "the episode's title"),
        ("series", "its series"),
        ("number", "its number in the series"),
        ("position", "where you are (M:SS or H:MM:SS)"),
        ("length", "the episode's length"),
        ("remaining", "the time left"),
        ("percent", "how much has been heard, 0 to 100"),
        ("chapter", "the chapter's title"),
        ("chapter_number", "the chapter's number"),
        ("chapters", "how many chapters the episode has"),
        ("sleep", "the sleep timer (\"in 19:58\", \"end of chapter\"), empty when off"),
        ("path", "the file"),
    ]

    /// The `--short` line: `▶ Title 12:00/33:00 [3/6 Stalin watches]`, or `■ stopped`.
    public static let shortFormat = "{{symbol}} {{title}} {{position}}/{{length}}"

    /// The names in `format` that are not fields, in order (empty when all are known).
    public static func unknownFields(in format: String) -> [String] {
        let known = Set(formatFields.map(\.name))
        return placeholders(format).filter { !known.contains($0) }
    }

    /// `format` with each `{{field}}` replaced by its value in `status` (empty when it has none).
    public static func formatted(_ status: PlaybackStatus, _ format: String) -> String {
        var out = ""
        var rest = Substring(format)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.firstRange(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = after[..<close.lowerBound].trimmingWhitespace()
            out += field(name, status)
            rest = after[close.upperBound...]
        }
        return out + rest
    }

    /// The one line of `--short`.
    public static func shortLine(_ status: PlaybackStatus) -> String {
        guard status.state != .stopped, status.episode != nil else { return "■ stopped" }
        var line = formatted(status, shortFormat)
        if status.chaptersCount > 0, let chapter = status.chapter {
            line += " [\(chapter.number)/\(status.chaptersCount) \(chapter.title)]"
        }
        if let sleep = status.sleep, sleep.mode != .off { line += " (sleep " + field("sleep", status) + ")" }
        return line
    }

    static func placeholders(_ format: String) -> [String] {
        var names: [String] = []
        var rest = Substring(format)
        while let open = rest.firstRange(of: "{{"), let close = rest[open.upperBound...].firstRange(of: "}}") {
            names.append(rest[open.upperBound..<close.lowerBound].trimmingWhitespace())
            rest = rest[close.upperBound...]
        }
        return names
    }

    static func field(_ name: String, _ status: PlaybackStatus) -> String {
        let episode = status.episode
        let position = status.position
        let duration = status.duration
        switch name {
        case "state": return status.state.rawValue
        case "symbol": return symbol(status.state)
        case "title": return episode?.title ?? ""
        case "series": return episode?.series ?? ""
        case "number": return episode?.number.map { String($0) } ?? ""
        case "position": return episode != nil ? TimeFormat.clock(position) : ""
        case "length": return duration.map(TimeFormat.clock) ?? ""
        case "remaining":
            guard let duration else { return "" }
            return TimeFormat.clock(max(0, duration - position))
        case "percent":
            guard let duration, duration > 0 else { return "" }
            return String(percentPlayed(position: position, duration: duration))
        case "chapter": return status.chapter?.title ?? ""
        case "chapter_number": return status.chapter.map { String($0.number) } ?? ""
        case "chapters": return String(status.chaptersCount)
        case "sleep":
            guard let sleep = status.sleep else { return "" }
            let remaining = sleep.remaining.map(TimeFormat.clock)
            switch sleep.mode {
            case .time: return "in \(remaining ?? "?")"
            case .chapter: return "end of chapter"
            case .episode: return "end of episode"
            case .off: return ""
            }
        case "path": return episode?.path ?? ""
        default: return ""
        }
    }
}
