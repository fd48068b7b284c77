import WDFCore
import WDFProtocol

/// Human-readable renderings of the daemon's replies (the `--json` output is the reply itself).
public enum StatusView {
    static func symbol(_ state: PlaybackStatus.State?) -> String {
        switch state {
        case .playing?: return "▶"
        case .paused?: return "⏸"
        default: return "■"
        }
    }

    /// `chapter 3/6 "Stalin watches"`, or nil without chapters.
    static func chapterPhrase(_ status: PlaybackStatus) -> String? {
        guard let chapter = status.chapter, status.chaptersCount > 0 else { return nil }
        return "chapter \(chapter.number)/\(status.chaptersCount) \"\(chapter.title)\""
    }

    /// The one line `wdfplay` prints.
    public static func playLine(_ reply: PlaybackStatus) -> String {
        let title = reply.episode?.title ?? "?"
        let start = reply.start?.at ?? reply.position
        var line = "\(symbol(reply.state)) \(title) — "
        if reply.start?.resumed == true {
            line += "resuming at \(TimeFormat.clock(start))"
        } else if start < 0.5 {
            line += "from the start"
        } else {
            line += "from \(TimeFormat.clock(start))"
        }
        if let chapter = chapterPhrase(reply) { line += ", " + chapter }
        if reply.episode?.demo == true { line += " (demo series: no library folder yet)" }
        return line
    }

    /// `wdfctl status`: title, time, bar with chapter ticks, chapter; the bar fills what
    /// `columns` leaves of its line.
    public static func status(_ status: PlaybackStatus, columns: Int = TerminalSize.columns) -> String {
        guard status.state != .stopped, let episode = status.episode else {
            var text = "■ stopped"
            // Why nothing plays, when the sound server is the reason (as `--json` has it).
            if let problem = status.outputError { text += "\n  ! \(problem)" }
            if let problem = status.storeError { text += "\n  ! \(problem)" }
            return text
        }
        let position = status.position
        var lines: [String] = []
        var head = "\(symbol(status.state)) \(episode.title)"
        if status.state == .paused { head += "  (paused)" }
        lines.append(head)
        var time = "  \(TimeFormat.clock(position))"
        if let duration = status.duration, duration > 0 {
            time += " / \(TimeFormat.clock(duration))  "
            let percent = "  \(percentPlayed(position: position, duration: duration))%"
            // "[" and "]" around the cells; at least 10 cells, else the line wraps.
            let cells = max(10, columns - DisplayWidth.of(time) - DisplayWidth.of(percent) - 2 - 1)
            time += bar(position: position, duration: duration, ticks: status.chapterStarts, width: cells) + percent
        }
        lines.append(time)
        if let chapter = chapterPhrase(status) {
            var text = "  " + chapter
            if let start = status.chapter?.start {
                text += "  +\(TimeFormat.clock(position - start))"
            }
            lines.append(text)
        }
        if let listening = status.listening, !listening.isPlain { lines.append("  " + ListeningView.line(listening)) }
        if let sleep = status.sleep { lines.append("  " + sleepLine(sleep)) }
        if let skipped = status.skipped?.title { lines.append("  skipped \"\(skipped)\" (skip_chapters)") }
        if let problem = status.outputError { lines.append("  ! output lost: \(problem)") }
        if let problem = status.storeError { lines.append("  ! \(problem)") }
        lines.append("  \(episode.path)")
        return lines.joined(separator: "\n")
    }

    /// 0…100, rounded down (a NaN or infinite ratio is 0).
    static func percentPlayed(position: Double, duration: Double) -> Int {
        let ratio = position / duration * 100
        guard ratio.isFinite else { return 0 }
        return Int(min(max(ratio, 0), 100).rounded(.down))
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
    public static func chapters(_ items: [ChapterInfo]) -> String {
        guard !items.isEmpty else { return "This episode has no chapters." }
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        return items.map { item in
            let mark = item.current == true ? "▶" : item.bookmark == true ? "★" : " "
            let length = item.length ?? item.end.map { $0 - item.start }
            var line = "\(mark) \(pad(String(item.number), 2))  \(pad(TimeFormat.clock(item.start), 7))  \(pad(length.map(TimeFormat.clock) ?? "?", 6))  "
            line += item.title
            if let source = item.source { line += "  [\(source.replacingUnderscores())]" }
            if item.skip == true { line += " (skipped)" }
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
    public static func sleepLine(_ sleep: SleepState) -> String {
        let remaining = sleep.remaining.map { TimeFormat.clock($0) }
        switch sleep.mode {
        case .time: return "sleep: in \(remaining ?? "?")" + (sleep.fading ? " (fading out)" : "")
        case .chapter: return "sleep: at the end of this chapter" + (remaining.map { " (in \($0))" } ?? "")
        case .episode: return "sleep: at the end of the episode" + (remaining.map { " (in \($0))" } ?? "")
        case .off: return "sleep: off"
        }
    }
}
