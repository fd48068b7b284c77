import Glibc
import WDFCore
import WDFProtocol

/// The lines of `wdfctl follow`: one per event, the event's name first, then what it says (its
/// phrases for chapters and the sleep timer are `StatusView`'s, as `status` prints them).
public enum FollowLine {
    /// `state playing 0:21 Korean War #6: … — chapter 3/5 "Stalin watches"`, also the first line
    /// `follow` prints (the state when it started).
    public static func stateLine(_ status: PlaybackStatus) -> String {
        guard status.state != .stopped, let episode = status.episode else {
            var line = "state stopped"
            if let problem = status.outputError { line += " (output lost: \(problem))" }
            return line
        }
        var line = "state \(status.state.rawValue) \(TimeFormat.clock(status.position)) \(episode.title)"
        if let chapter = StatusView.chapterPhrase(status) { line += " — " + chapter }
        return line
    }

    /// One line for `wdfctl follow`.
    public static func eventLine(_ event: Event) -> String {
        switch event {
        case let .state(status):
            return stateLine(status)
        case let .seek(status):
            return "seek \(TimeFormat.clock(status.position))" + (StatusView.chapterPhrase(status).map { " — " + $0 } ?? "")
        case let .chapter(status):
            return "chapter \(TimeFormat.clock(status.position)) " + (StatusView.chapterPhrase(status).map { String($0.dropFirst("chapter ".count)) } ?? "none")
        case let .end(episode):
            return "end \(episode?.title ?? "?")"
        case let .outputLost(status):
            return "output_lost \(TimeFormat.clock(status.position)) \(status.outputError ?? "")"
        case let .skip(chapter, to):
            return "skip \"\(chapter.title)\" to \(TimeFormat.clock(to))"
        case let .chapters(counts):
            // A bookmark was added or removed: bookmarks are numbered apart (★N), so the chapter
            // count stays; the bookmark count is the one that changed.
            let chapters = counts.chapters
            let bookmarks = counts.bookmarks
            return "chapters \(chapters) chapter\(chapters == 1 ? "" : "s"), \(bookmarks) bookmark\(bookmarks == 1 ? "" : "s")"
        case let .sleep(state):
            var line = "sleep " + String(StatusView.sleepLine(state).dropFirst("sleep: ".count))
            if let at = state.pausedAt { line += ", paused at \(TimeFormat.clock(at))" }
            return line
        case let .other(name, _):
            return name
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
