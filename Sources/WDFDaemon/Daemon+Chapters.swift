import WDFAudio
import WDFCore

/// Chapters from every source, and the bookmark commands (the bookmarks themselves are the engine's).
extension Daemon {
    /// The episode's navigable chapters: the winning source's. The listener's bookmarks are
    /// not among them (they would renumber them); see `Engine.bookmarkSpans`.
    func chapterList(for episode: Episode, duration: Double?, reportProblems: Bool = true) -> (ChapterList, ChapterOrigin?) {
        let sources = ChapterSources.all(feed: feedRecord(forPath: episode.path), cacheDirectory: paths.cacheDirectory)
        let merged = ChapterSources.merged(forAudioAt: episode.path, tag: episode.tag, duration: duration,
                                           bookmarks: [], sources: sources)
        if reportProblems { for problem in merged.problems { log.warning(problem) } }
        return (ChapterList(sourced: merged.chapters, duration: duration), merged.origin)
    }

    /// Chapters and bookmarks in time order (a bookmark after the chapter it falls in), as
    /// `chapters` and `info` list them.
    static func interleaved(_ chapters: [ChapterList.Span], _ bookmarks: [ChapterList.Span]) -> [ChapterList.Span] {
        var result: [ChapterList.Span] = []
        result.reserveCapacity(chapters.count + bookmarks.count)
        var marks = bookmarks[...]
        for chapter in chapters {
            while let mark = marks.first, mark.start < chapter.start - 0.0005 {
                result.append(mark)
                marks = marks.dropFirst()
            }
            result.append(chapter)
        }
        result.append(contentsOf: marks)
        return result
    }

    func mark(_ request: Request) throws(WireError) -> JSON {
        let title = try request.string("title")?.trimmingWhitespace() ?? ""
        let span = try engine.mark(title: title)
        return .object([("chapter", span.map { chapterJSON($0) } ?? .null)] + bookmarkCounts())
    }

    /// `chapters_count` and `bookmarks_count` of the episode in play.
    func bookmarkCounts() -> [(String, JSON)] {
        [("chapters_count", .number(Double(engine.nowPlaying?.chapters.count ?? 0))),
         ("bookmarks_count", .number(Double(engine.nowPlaying?.bookmarks.count ?? 0)))]
    }

    /// `unmark N`: N is the bookmark's own number (★N in `wdfctl chapters`).
    func unmark(_ request: Request) throws(WireError) -> JSON {
        guard let number = try request.integer("number") else { throw .badArgument("unmark needs \"number\" (the bookmark's, as `wdfctl chapters` shows it).") }
        let span = try engine.unmark(number)
        return .object([("removed", chapterJSON(span))] + bookmarkCounts())
    }
}
