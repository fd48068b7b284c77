import Glibc
import WDFCore

/// The lines of `wdfctl follow`: one per event, the event's name first, then what it says.
extension StatusView {
    /// `state playing 0:21 Korean War #6: … — chapter 3/5 "Stalin watches"`, also the first line
    /// `follow` prints (the state when it started).
    public static func stateLine(_ status: JSON) -> String {
        let state = status["state"]?.stringValue ?? "stopped"
        guard state != "stopped", let episode = status["episode"], !episode.isNull else {
            var line = "state stopped"
            if let problem = status["output_error"]?.stringValue { line += " (output lost: \(problem))" }
            return line
        }
        var line = "state \(state) \(TimeFormat.clock(status["position"]?.doubleValue ?? 0)) \(episode["title"]?.stringValue ?? "?")"
        if let chapter = chapterPhrase(status) { line += " — " + chapter }
        return line
    }

    /// One line for `wdfctl follow`.
    public static func eventLine(_ event: String, _ data: JSON) -> String {
        let position = TimeFormat.clock(data["position"]?.doubleValue ?? 0)
        switch event {
        case "state":
            return stateLine(data)
        case "seek":
            return "seek \(position)" + (chapterPhrase(data).map { " — " + $0 } ?? "")
        case "chapter":
            return "chapter \(position) " + (chapterPhrase(data).map { String($0.dropFirst("chapter ".count)) } ?? "none")
        case "end":
            return "end \(data["episode"]?["title"]?.stringValue ?? "?")"
        case "output_lost":
            return "output_lost \(position) \(data["output_error"]?.stringValue ?? "")"
        case "skip":
            return "skip \"\(data["chapter"]?["title"]?.stringValue ?? "")\" to \(TimeFormat.clock(data["to"]?.doubleValue ?? 0))"
        case "chapters":
            // A bookmark was added or removed: bookmarks are numbered apart (★N), so the chapter
            // count stays; the bookmark count is the one that changed.
            let chapters = data["chapters_count"]?.intValue ?? 0
            let bookmarks = data["bookmarks_count"]?.intValue ?? 0
            return "chapters \(chapters) chapter\(chapters == 1 ? "" : "s"), \(bookmarks) bookmark\(bookmarks == 1 ? "" : "s")"
        case "sleep":
            var line = "sleep " + String(sleepLine(data).dropFirst("sleep: ".count))
            if let at = data["paused_at"]?.doubleValue { line += ", paused at \(TimeFormat.clock(at))" }
            return line
        default:
            return event
        }
    }

    /// `14:03:27 ` (local time of day), for `follow --timestamps`.
    public static func timeOfDay() -> String {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else { return "" }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
