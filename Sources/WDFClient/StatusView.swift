import WDFCore

/// Human-readable renderings of the daemon's replies (the `--json` output is the reply itself).
public enum StatusView {
    static func symbol(_ state: String?) -> String {
        switch state {
        case "playing": return "▶"
        case "paused": return "⏸"
        default: return "■"
        }
    }

    /// `chapter 3/6 "Stalin watches"`, or nil without chapters.
    static func chapterPhrase(_ status: JSON) -> String? {
        guard let chapter = status["chapter"], let number = chapter["number"]?.intValue,
              let count = status["chapters_count"]?.intValue, count > 0 else { return nil }
        return "chapter \(number)/\(count) \"\(chapter["title"]?.stringValue ?? "")\""
    }

    /// The one line `wdfplay` prints.
    public static func playLine(_ reply: JSON) -> String {
        let title = reply["episode"]?["title"]?.stringValue ?? "?"
        let start = reply["started_at"]?.doubleValue ?? reply["position"]?.doubleValue ?? 0
        var line = "\(symbol(reply["state"]?.stringValue)) \(title) — "
        if reply["resumed"]?.boolValue == true {
            line += "resuming at \(TimeFormat.clock(start))"
        } else if start < 0.5 {
            line += "from the start"
        } else {
            line += "from \(TimeFormat.clock(start))"
        }
        if let chapter = chapterPhrase(reply) { line += ", " + chapter }
        if reply["episode"]?["demo"]?.boolValue == true { line += " (demo series: no library folder yet)" }
        return line
    }

    /// `wdfctl status`: title, time, bar with chapter ticks, chapter; the bar fills what
    /// `columns` leaves of its line.
    public static func status(_ status: JSON, columns: Int = TerminalSize.columns) -> String {
        let state = status["state"]?.stringValue ?? "stopped"
        guard state != "stopped", let episode = status["episode"], !episode.isNull else {
            var text = "■ stopped"
            // Why nothing plays, when the sound server is the reason (as `--json` has it).
            if let problem = status["output_error"]?.stringValue { text += "\n  ! \(problem)" }
            if let problem = status["store_error"]?.stringValue { text += "\n  ! \(problem)" }
            return text
        }
        let position = status["position"]?.doubleValue ?? 0
        let duration = status["duration"]?.doubleValue
        var lines: [String] = []
        var head = "\(symbol(state)) \(episode["title"]?.stringValue ?? "?")"
        if state == "paused" { head += "  (paused)" }
        lines.append(head)
        var time = "  \(TimeFormat.clock(position))"
        if let duration, duration > 0 {
            time += " / \(TimeFormat.clock(duration))  "
            let percent = "  \(percentPlayed(position: position, duration: duration))%"
            // "[" and "]" around the cells; at least 10 cells, else the line wraps.
            let cells = max(10, columns - DisplayWidth.of(time) - DisplayWidth.of(percent) - 2 - 1)
            time += bar(position: position, duration: duration, ticks: chapterStarts(status), width: cells) + percent
        }
        lines.append(time)
        if let chapter = chapterPhrase(status) {
            var text = "  " + chapter
            if let start = status["chapter"]?["start"]?.doubleValue {
                text += "  +\(TimeFormat.clock(position - start))"
            }
            lines.append(text)
        }
        if let sleep = status["sleep"], !sleep.isNull { lines.append("  " + sleepLine(sleep)) }
        if let skipped = status["skipped"]?["title"]?.stringValue { lines.append("  skipped \"\(skipped)\" (skip_chapters)") }
        if let problem = status["output_error"]?.stringValue { lines.append("  ! output lost: \(problem)") }
        if let problem = status["store_error"]?.stringValue { lines.append("  ! \(problem)") }
        lines.append("  \(episode["path"]?.stringValue ?? "")")
        return lines.joined(separator: "\n")
    }

    /// 0…100, rounded down (a NaN or infinite ratio is 0).
    static func percentPlayed(position: Double, duration: Double) -> Int {
        let ratio = position / duration * 100
        guard ratio.isFinite else { return 0 }
        return Int(min(max(ratio, 0), 100).rounded(.down))
    }

    static func chapterStarts(_ status: JSON) -> [Double] {
        status["chapter_starts"]?.arrayValue?.compactMap(\.doubleValue) ?? []
    }

    /// `[████████│░░░░░│░░░]`: played, unplayed, chapter starts as ticks.
    public static func bar(position: Double, duration: Double, ticks: [Double], width: Int) -> String {
        guard duration > 0, width > 0, (position / duration).isFinite else { return "" }
        let filled = Int(saturating: (min(max(position / duration, 0), 1) * Double(width)).rounded(.down))
        var cells = (0..<width).map { $0 < filled ? "█" : "░" }
        for tick in ticks where tick > 0 && tick < duration {
            let cell = Int(saturating: (tick / duration * Double(width)).rounded(.down))
            if cell > 0, cell < width { cells[cell] = cell < filled ? "┃" : "│" }
        }
        return "[" + cells.joined() + "]"
    }

    /// `wdfctl chapters`: number, start, length, title and source; the current one marked with
    /// ▶, bookmarks with ★, chapters a skip rule would skip with "(skipped)".
    public static func chapters(_ list: JSON) -> String {
        guard let items = list.arrayValue, !items.isEmpty else { return "This episode has no chapters." }
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        return items.map { item in
            let mark = item["current"]?.boolValue == true ? "▶" : item["bookmark"]?.boolValue == true ? "★" : " "
            let number = item["number"]?.intValue ?? 0
            let start = item["start"]?.doubleValue ?? 0
            let length = item["length"]?.doubleValue ?? item["end"]?.doubleValue.map { $0 - start }
            var line = "\(mark) \(pad(String(number), 2))  \(pad(TimeFormat.clock(start), 7))  \(pad(length.map(TimeFormat.clock) ?? "?", 6))  "
            line += item["title"]?.stringValue ?? ""
            if let source = item["source"]?.stringValue { line += "  [\(source.replacingUnderscores())]" }
            if item["skip"]?.boolValue == true { line += " (skipped)" }
            return line
        }.joined(separator: "\n")
    }
}

extension String {
    /// "show_notes" → "show notes".
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}

extension StatusView {
    /// `sleep: in 19:58` / `sleep: at the end of this chapter (in 2:10)` / `sleep: off`.
    public static func sleepLine(_ sleep: JSON) -> String {
        let remaining = sleep["remaining"]?.doubleValue.map { TimeFormat.clock($0) }
        switch sleep["mode"]?.stringValue {
        case "time"?: return "sleep: in \(remaining ?? "?")" + (sleep["fading"]?.boolValue == true ? " (fading out)" : "")
        case "chapter"?: return "sleep: at the end of this chapter" + (remaining.map { " (in \($0))" } ?? "")
        case "episode"?: return "sleep: at the end of the episode" + (remaining.map { " (in \($0))" } ?? "")
        default: return "sleep: off"
        }
    }
}
