import Glibc
import WDFCore
import WDFProtocol

/// `wdfctl episodes` and `wdfctl info` as text.
public enum CatalogView {
    /// Columns of the terminal on standard output, nil when it is not a terminal.
    public static var terminalWidth: Int? { TerminalSize.isTerminal ? TerminalSize.columns : nil }

    /// "new", "12:34 of 33:00", "played".
    public static func progress(_ item: EpisodeSummary) -> String {
        switch item.progress.state {
        case .played: return "played"
        case let .partial(position):
            let position = TimeFormat.clock(position)
            if let duration = item.duration { return "\(position) of \(TimeFormat.clock(duration))" }
            return "at \(position)"
        case .new: return "new"
        }
    }

    /// The title without a leading "Series #N: " when the series and number columns already say it.
    static func shortTitle(_ item: EpisodeSummary) -> String {
        let title = item.title
        guard let series = item.series, let number = item.number else { return title }
        let prefix = "\(series) #\(number)"
        guard title.hasPrefix(prefix) else { return title }
        let rest = title.dropFirst(prefix.count).drop { $0 == ":" || $0 == " " || $0 == "-" || $0 == "–" }
        return rest.isEmpty ? title : String(rest)
    }

    static func length(_ item: EpisodeSummary) -> String {
        guard let duration = item.duration else { return "?" }
        return (item.durationEstimated ? "~" : "") + TimeFormat.clock(duration)
    }

    public static func episodes(_ reply: EpisodeList, width: Int? = terminalWidth) -> String {
        let items = reply.episodes
        let series = reply.series
        guard !items.isEmpty else {
            return series.map { "\($0) has no episodes." } ?? "The library has no episodes."
        }
        var played = 0, partial = 0, remote = 0
        for item in items {
            switch item.progress.state {
            case .played: played += 1
            case .partial: partial += 1
            case .new: break
            }
            if !item.downloaded { remote += 1 }
        }
        var head = "\(series ?? "All episodes") — \(items.count) episode\(items.count == 1 ? "" : "s")"
        var counts = ["\(played) played"]
        if partial > 0 { counts.append("\(partial) in progress") }
        if remote > 0 { counts.append("\(remote) not downloaded") }
        head += " (" + counts.joined(separator: ", ") + ")"
        var lines = [head]
        lines.reserveCapacity(items.count + 1)
        let showSeries = series == nil
        let rows = items.map { item -> (number: String, title: String, length: String, date: String, state: String) in
            var state = progress(item)
            if !item.downloaded { state += " · not downloaded" }
            return (item.number.map { String($0) } ?? "", showSeries ? item.title : shortTitle(item),
                    length(item), item.date ?? "", state)
        }
        guard let width else {
            // Piped: one episode a line, fields separated by tabs, nothing padded.
            for row in rows { lines.append([row.number, row.title, row.length, row.date, row.state].joined(separator: "\t")) }
            return lines.joined(separator: "\n")
        }
        // On a terminal: fixed columns measured in display cells (a CJK character or an emoji
        // takes two), the same for every row whatever its progress text, within `width`.
        let stateWidth = rows.map { DisplayWidth.of($0.state) }.max() ?? 0
        let fixed = 4 + 2 + 2 + 8 + 2 + 10 + 2 + stateWidth
        // Counting columns walks the text: once per title (10,000 of them in a large library).
        let titleWidths = rows.map { DisplayWidth.of($0.title) }
        let column = max(12, min(titleWidths.max() ?? 0, width - fixed))
        for (i, row) in rows.enumerated() {
            let title = titleWidths[i] <= column ? row.title + String(repeating: " ", count: column - titleWidths[i])
                : DisplayWidth.padded(row.title, to: column)
            lines.append(pad(row.number, 4) + "  " + title + "  " + pad(row.length, 8) + "  " + DisplayWidth.padded(row.date, to: 10)
                         + "  " + row.state)
        }
        return lines.joined(separator: "\n")
    }

    /// "Loudness −23.4 LUFS (true peak −3.1 dBTP), levelled +7.4 dB".
    public static func loudnessLine(_ l: LoudnessInfo) -> String {
        func dB(_ value: Double, sign: Bool = false) -> String {
            let tenths = (min(max(value, -999), 999) * 10).rounded()
            let text = String(abs(tenths) / 10)
            return (tenths < 0 ? "−" : (sign && tenths > 0 ? "+" : "")) + text
        }
        guard let lufs = l.lufs else { return "Loudness: silent (no gain)" }
        var line = "Loudness \(dB(lufs)) LUFS"
        if let peak = l.truePeak { line += " (true peak \(dB(peak)) dBTP)" }
        line += l.levelling ? ", levelled \(dB(l.gain, sign: true)) dB" : ", not levelled (normalize = false)"
        return line
    }

    public static func info(_ page: EpisodePage, width: Int? = terminalWidth) -> String {
        let episode = page.episode
        var lines: [String] = []
        lines.append(episode.title)
        var facts: [String] = []
        if let series = episode.series, let number = episode.number { facts.append("\(series) #\(number)") }
        if let album = page.album, album != episode.series { facts.append(album) }
        if let date = episode.date { facts.append(date) }
        if episode.duration != nil { facts.append(length(episode)) }
        facts.append(progress(episode))
        lines.append(facts.joined(separator: " · "))
        if let path = episode.path {
            lines.append(path)
        } else if let url = page.url {
            lines.append("not downloaded: \(url)")
        }
        if let problem = episode.problem { lines.append("! \(problem)") }
        if let loudness = page.loudness { lines.append(loudnessLine(loudness)) }
        let chapters = page.chapterList
        if !chapters.isEmpty {
            // Bookmarks come among the chapters with numbers of their own: shown as ★N.
            let own = chapters.filter { !$0.isBookmark }
            let source = own.first?.source.flatMap(ChapterOrigin.init(rawValue:))?.label
            lines.append("")
            lines.append("Chapters (\(own.count)\(source.map { ", from the \($0)" } ?? "")\(own.count < chapters.count ? ", and \(chapters.count - own.count) bookmark\(chapters.count - own.count == 1 ? "" : "s") ★" : ""))")
            for chapter in chapters {
                let number = (chapter.isBookmark ? "★" : "") + String(chapter.number)
                let start = TimeFormat.clock(chapter.start)
                var line = pad(number, 4) + "  " + pad(start, 7) + "  " + chapter.title
                if let url = chapter.url { line += "  <\(url)>" }
                lines.append(line)
            }
        }
        if let notes = page.notes, !notes.isEmpty {
            lines.append("")
            lines.append(width.map { wrap(notes, $0) } ?? notes)
        } else {
            lines.append("")
            lines.append("(no show notes)")
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        DisplayWidth.rightAligned(text, to: width)
    }

    /// Word-wraps each line to `width` display columns; words longer than that (URLs) stay whole.
    static func wrap(_ text: String, _ width: Int) -> String {
        let limit = max(20, min(width, 100))
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard DisplayWidth.of(line) > limit else { return String(line) }
            var out: [String] = []
            var current = ""
            var used = 0
            for word in line.split(separator: " ") {
                let width = DisplayWidth.of(word)
                if current.isEmpty {
                    current = String(word)
                    used = width
                } else if used + 1 + width > limit {
                    out.append(current)
                    current = String(word)
                    used = width
                } else {
                    current += " " + word
                    used += 1 + width
                }
            }
            if !current.isEmpty { out.append(current) }
            return out.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
