import Glibc
import WDFCore

/// `wdfctl episodes` and `wdfctl info` as text.
public enum CatalogView {
    /// Columns of the terminal on standard output, nil when it is not a terminal.
    public static var terminalWidth: Int? {
        guard isatty(1) != 0 else { return nil }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return nil }
        return Int(size.ws_col)
    }

    /// "new", "12:34 of 33:00", "played".
    public static func progress(_ item: JSON) -> String {
        let progress = item["progress"]
        switch progress?["state"]?.stringValue {
        case "played"?: return "played"
        case "partial"?:
            let position = TimeFormat.clock(progress?["position"]?.doubleValue ?? 0)
            if let duration = item["duration"]?.doubleValue { return "\(position) of \(TimeFormat.clock(duration))" }
            return "at \(position)"
        default: return "new"
        }
    }

    /// The title without a leading "Series #N: " when the series and number columns already say it.
    static func shortTitle(_ item: JSON) -> String {
        let title = item["title"]?.stringValue ?? ""
        guard let series = item["series"]?.stringValue, let number = item["number"]?.intValue else { return title }
        let prefix = "\(series) #\(number)"
        guard title.hasPrefix(prefix) else { return title }
        let rest = title.dropFirst(prefix.count).drop { $0 == ":" || $0 == " " || $0 == "-" || $0 == "–" }
        return rest.isEmpty ? title : String(rest)
    }

    static func length(_ item: JSON) -> String {
        guard let duration = item["duration"]?.doubleValue else { return "?" }
        return (item["duration_estimated"]?.boolValue == true ? "~" : "") + TimeFormat.clock(duration)
    }

    public static func episodes(_ reply: JSON, width: Int? = terminalWidth) -> String {
        let items = reply["episodes"]?.arrayValue ?? []
        let series = reply["series"]?.stringValue
        guard !items.isEmpty else {
            return series.map { "\($0) has no episodes." } ?? "The library has no episodes."
        }
        var played = 0, partial = 0, remote = 0
        for item in items {
            switch item["progress"]?["state"]?.stringValue {
            case "played"?: played += 1
            case "partial"?: partial += 1
            default: break
            }
            if item["downloaded"]?.boolValue == false { remote += 1 }
        }
        var head = "\(series ?? "All episodes") — \(items.count) episode\(items.count == 1 ? "" : "s")"
        var counts = ["\(played) played"]
        if partial > 0 { counts.append("\(partial) in progress") }
        if remote > 0 { counts.append("\(remote) not downloaded") }
        head += " (" + counts.joined(separator: ", ") + ")"
        var lines = [head]
        lines.reserveCapacity(items.count + 1)
        let showSeries = series == nil
        let titles = items.map { showSeries ? ($0["title"]?.stringValue ?? "") : shortTitle($0) }
        // Counting characters walks the text: once per title (10,000 of them in a large library).
        let widths = titles.map(\.count)
        let longest = widths.max() ?? 0
        for (i, item) in items.enumerated() {
            let number = item["number"]?.intValue.map { String($0) } ?? ""
            var state = progress(item)
            if item["downloaded"]?.boolValue == false { state += " · not downloaded" }
            let date = item["date"]?.stringValue ?? ""
            let left = pad(number, 4) + "  "
            let right = "  " + pad(length(item), 8) + "  " + date.padding(10) + "  " + state
            let room = width.map { max(12, $0 - left.count - right.count) } ?? Int.max
            let column = min(longest, room)
            let title = widths[i] <= column ? titles[i] + String(repeating: " ", count: column - widths[i])
                : String(titles[i].prefix(column - 1)) + "…"
            lines.append(left + title + right)
        }
        return lines.joined(separator: "\n")
    }

    public static func info(_ page: JSON, width: Int? = terminalWidth) -> String {
        var lines: [String] = []
        lines.append(page["title"]?.stringValue ?? "?")
        var facts: [String] = []
        if let series = page["series"]?.stringValue, let number = page["number"]?.intValue { facts.append("\(series) #\(number)") }
        if let album = page["album"]?.stringValue, album != page["series"]?.stringValue { facts.append(album) }
        if let date = page["date"]?.stringValue { facts.append(date) }
        if page["duration"]?.doubleValue != nil { facts.append(length(page)) }
        facts.append(progress(page))
        lines.append(facts.joined(separator: " · "))
        if let path = page["path"]?.stringValue {
            lines.append(path)
        } else if let url = page["url"]?.stringValue {
            lines.append("not downloaded: \(url)")
        }
        if let problem = page["problem"]?.stringValue { lines.append("! \(problem)") }
        let chapters = page["chapter_list"]?.arrayValue ?? []
        if !chapters.isEmpty {
            // Bookmarks come among the chapters with numbers of their own: shown as ★N.
            func isBookmark(_ chapter: JSON) -> Bool { chapter["source"]?.stringValue == ChapterOrigin.bookmark.rawValue }
            let own = chapters.filter { !isBookmark($0) }
            let source = own.first?["source"]?.stringValue.flatMap(ChapterOrigin.init(rawValue:))?.label
            lines.append("")
            lines.append("Chapters (\(own.count)\(source.map { ", from the \($0)" } ?? "")\(own.count < chapters.count ? ", and \(chapters.count - own.count) bookmark\(chapters.count - own.count == 1 ? "" : "s") ★" : ""))")
            for chapter in chapters {
                let number = (isBookmark(chapter) ? "★" : "") + String(chapter["number"]?.intValue ?? 0)
                let start = TimeFormat.clock(chapter["start"]?.doubleValue ?? 0)
                var line = pad(number, 4) + "  " + pad(start, 7) + "  " + (chapter["title"]?.stringValue ?? "")
                if let url = chapter["url"]?.stringValue { line += "  <\(url)>" }
                lines.append(line)
            }
        }
        if let notes = page["notes"]?.stringValue, !notes.isEmpty {
            lines.append("")
            lines.append(width.map { wrap(notes, $0) } ?? notes)
        } else {
            lines.append("")
            lines.append("(no show notes)")
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// Word-wraps each line to `width` columns; words longer than that (URLs) stay whole.
    static func wrap(_ text: String, _ width: Int) -> String {
        let limit = max(20, min(width, 100))
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > limit else { return String(line) }
            var out: [String] = []
            var current = ""
            for word in line.split(separator: " ") {
                if !current.isEmpty, current.count + 1 + word.count > limit {
                    out.append(current)
                    current = String(word)
                } else {
                    current += current.isEmpty ? String(word) : " " + word
                }
            }
            if !current.isEmpty { out.append(current) }
            return out.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
