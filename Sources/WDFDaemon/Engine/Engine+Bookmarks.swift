import WDFAudio
import WDFCore

/// The listener's bookmarks in the episode in play.
extension Engine {
    /// The episode's bookmarks, numbered on their own, with their lengths beside `chapters`.
    func bookmarkSpans(for path: String, chapters: ChapterList, duration: Double?) -> [ChapterList.Span] {
        ChapterList.bookmarks(bookmarks.entries(for: path), chapters: chapters, duration: duration)
    }

    /// Rebuilds the bookmarks in play (after one changed).
    func refreshChapters() {
        guard var now = nowPlaying else { return }
        now.bookmarks = bookmarkSpans(for: now.episode.path, chapters: now.chapters, duration: status.duration)
        nowPlaying = now
    }

    func saveBookmarks() throws(WireError) {
        do {
            try bookmarks.save(durable: true)
        } catch {
            throw WireError("store_failed", "Cannot save bookmarks: \(error).")
        }
    }

    /// Bookmarks the heard position (`title` may be empty); the new bookmark as listed.
    func mark(title: String) throws(WireError) -> ChapterList.Span? {
        guard status.state != .stopped, nowPlaying != nil else { throw .nothingPlaying() }
        let status = heardStatus()
        guard status.state != .stopped, let now = nowPlaying else { throw .nothingPlaying() }
        // A bookmark there would be saved but never listed (nor reachable by its number).
        guard ChapterList.lists(bookmarkAt: status.position, duration: status.duration) else {
            throw .badArgument("\(TimeFormat.clock(status.position)) in \"\(now.episode.title)\" is at the end of the episode; a bookmark there would not be listed.")
        }
        guard bookmarks.add(path: now.episode.path, title: title, position: status.position) != nil else {
            throw WireError("too_many_bookmarks", "This episode already has \(BookmarkStore.maximumPerEpisode) bookmarks.")
        }
        try saveBookmarks()
        refreshChapters()
        let span = nowPlaying?.bookmarks.last { abs($0.start - status.position) < 0.0005 }
        log.info("bookmark at \(TimeFormat.clock(status.position)) in \(now.episode.path)")
        emit(.bookmarksChanged)
        return span
    }

    /// `unmark N`: N is the bookmark's own number (★N in `wdfctl chapters`); the removed one.
    func unmark(_ number: Int) throws(WireError) -> ChapterList.Span {
        let (now, span) = try bookmarkInPlay(number)
        guard bookmarks.remove(path: now.episode.path, number: span.number) != nil else {
            throw WireError("no_such_bookmark", "Bookmark \(number) is no longer there.")
        }
        try saveBookmarks()
        refreshChapters()
        emit(.bookmarksChanged)
        return span
    }

    /// The bookmark listed as ★`number` (by `chapters` and `info`) in the episode in play, for
    /// `unmark N` and `chapter {bookmark: N}`: found by the number it is listed with, which is its
    /// number in `BookmarkStore`, never by its place among the listed ones.
    func bookmarkInPlay(_ number: Int) throws(WireError) -> (NowPlaying, ChapterList.Span) {
        guard status.state != .stopped, let now = nowPlaying else { throw .nothingPlaying() }
        guard let span = now.bookmarks.first(where: { $0.number == number }) else {
            throw WireError("no_such_bookmark", now.bookmarks.isEmpty
                ? "\"\(now.episode.title)\" has no bookmarks."
                : "There is no bookmark \(number); this episode has \(Engine.bookmarkNumbers(now.bookmarks.map(\.number))).")
        }
        return (now, span)
    }

    /// "only bookmark 1", "bookmarks 1 and 2", "bookmarks 1 to 4", "bookmarks 1 to 3, 5 and 7":
    /// the numbers there are (ascending), runs shortened.
    static func bookmarkNumbers(_ numbers: [Int]) -> String {
        guard numbers.count > 1 else { return "only bookmark " + numbers.map(String.init).joined() }
        var runs: [ClosedRange<Int>] = []
        for number in numbers {
            if let last = runs.last, last.upperBound + 1 == number {
                runs[runs.count - 1] = last.lowerBound...number
            } else {
                runs.append(number...number)
            }
        }
        let parts = runs.flatMap { run -> [String] in
            switch run.count {
            case 1: ["\(run.lowerBound)"]
            case 2: ["\(run.lowerBound)", "\(run.upperBound)"]
            default: ["\(run.lowerBound) to \(run.upperBound)"]
            }
        }
        let words = parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
        return "bookmarks " + words
    }
}
