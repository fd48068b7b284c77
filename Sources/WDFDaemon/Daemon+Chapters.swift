import WDFAudio
import WDFCore

/// Chapters from every source, the listener's bookmarks, and skip rules.
extension Daemon {
    /// The episode's navigable chapters: the winning source's. The listener's bookmarks are
    /// not among them (they would renumber them); see `bookmarkSpans`.
    func chapterList(for episode: Episode, duration: Double?, reportProblems: Bool = true) -> (ChapterList, ChapterOrigin?) {
        let sources = ChapterSources.all(feed: feedRecord(forPath: episode.path), cacheDirectory: paths.cacheDirectory)
        let merged = ChapterSources.merged(forAudioAt: episode.path, tag: episode.tag, duration: duration,
                                           bookmarks: [], sources: sources)
        if reportProblems { for problem in merged.problems { log.warning(problem) } }
        return (ChapterList(sourced: merged.chapters, duration: duration), merged.origin)
    }

    /// The episode's bookmarks, numbered on their own, with their lengths beside `chapters`.
    func bookmarkSpans(for path: String, chapters: ChapterList, duration: Double?) -> [ChapterList.Span] {
        ChapterList.bookmarks(bookmarks.entries(for: path), chapters: chapters, duration: duration)
    }

    /// Rebuilds the bookmarks in play (after one changed).
    func refreshChapters() {
        guard var now = nowPlaying else { return }
        now.bookmarks = bookmarkSpans(for: now.episode.path, chapters: now.chapters, duration: player.status().duration)
        nowPlaying = now
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

    func saveBookmarks() throws(WireError) {
        do {
            try bookmarks.save(durable: true)
        } catch {
            throw WireError("store_failed", "Cannot save bookmarks: \(error).")
        }
    }

    func mark(_ request: Request) throws(WireError) -> JSON {
        let title = try request.string("title")?.trimmingWhitespace() ?? ""
        let status = player.status()
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
        broadcast("chapters", .object(bookmarkCounts()))
        return .object([("chapter", span.map { chapterJSON($0) } ?? .null)] + bookmarkCounts())
    }

    /// `chapters_count` and `bookmarks_count` of the episode in play.
    func bookmarkCounts() -> [(String, JSON)] {
        [("chapters_count", .number(Double(nowPlaying?.chapters.count ?? 0))),
         ("bookmarks_count", .number(Double(nowPlaying?.bookmarks.count ?? 0)))]
    }

    /// The bookmark listed as ★`number` (by `chapters` and `info`) in the episode in play, for
    /// `unmark N` and `chapter {bookmark: N}`: found by the number it is listed with, which is its
    /// number in `BookmarkStore`, never by its place among the listed ones.
    func bookmarkInPlay(_ number: Int) throws(WireError) -> (NowPlaying, ChapterList.Span) {
        guard player.status().state != .stopped, let now = nowPlaying else { throw .nothingPlaying() }
        guard let span = now.bookmarks.first(where: { $0.number == number }) else {
            throw WireError("no_such_bookmark", now.bookmarks.isEmpty
                ? "\"\(now.episode.title)\" has no bookmarks."
                : "There is no bookmark \(number); this episode has \(Daemon.bookmarkNumbers(now.bookmarks.map(\.number))).")
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

    /// `unmark N`: N is the bookmark's own number (★N in `wdfctl chapters`).
    func unmark(_ request: Request) throws(WireError) -> JSON {
        guard let number = try request.integer("number") else { throw .badArgument("unmark needs \"number\" (the bookmark's, as `wdfctl chapters` shows it).") }
        let (now, span) = try bookmarkInPlay(number)
        guard bookmarks.remove(path: now.episode.path, number: span.number) != nil else {
            throw WireError("no_such_bookmark", "Bookmark \(number) is no longer there.")
        }
        try saveBookmarks()
        refreshChapters()
        broadcast("chapters", .object(bookmarkCounts()))
        return .object([("removed", chapterJSON(span))] + bookmarkCounts())
    }

    // MARK: skip rules

    /// A chapter whose title matches `skip_chapters`; a bookmark inside one is skipped with it.
    func wouldSkip(_ span: ChapterList.Span) -> Bool {
        guard !skipRules.isEmpty else { return false }
        guard span.isBookmark else { return skipRules.matches(span.title) }
        guard let chapters = nowPlaying?.chapters else { return false }
        return chapters.current(at: span.start).map { skipRules.matches($0.title) } ?? false
    }

    /// When playback will enter a chapter to skip, from the heard position (recomputed after every
    /// state change, seek or boundary). The chapter the listener navigated into is never skipped.
    func scheduleSkip(_ status: PlayerStatus) {
        skipAt = nil
        guard status.state == .playing, !skipRules.isEmpty, let chapters = nowPlaying?.chapters else { return }
        let current = chapters.current(at: status.position)
        if let current, wouldSkip(current), current.number != navigatedChapter {
            skipAt = Daemon.now()
            return
        }
        guard let next = chapters.spans.first(where: { $0.start > status.position + 0.0005 && wouldSkip($0) }) else { return }
        skipAt = Daemon.now() + (next.start - status.position)
    }

    /// Leaves a chapter matched by `skip_chapters` for the next one that is not, with an event.
    func skipIfDue() {
        guard let due = skipAt, Daemon.now() >= due else { return }
        skipAt = nil
        let status = player.status()
        guard status.state == .playing, let chapters = nowPlaying?.chapters,
              let current = chapters.current(at: status.position), wouldSkip(current),
              current.number != navigatedChapter else {
            scheduleSkip(status)
            return
        }
        // Playback reached it before the prediction said: wait for the real start.
        var target = current
        while wouldSkip(target), let following = chapters.span(number: target.number + 1) { target = following }
        let destination = wouldSkip(target) ? target.end : target.start
        log.info("skipping chapter \(current.number) \"\(current.title)\" (skip_chapters)")
        lastSkipped = ["number": .number(Double(current.number)), "title": .string(current.title),
                       "at": .number(current.start)]
        broadcast("skip", ["chapter": chapterJSON(current), "to": .number(destination)])
        if let duration = status.duration, destination >= duration - 0.05 {
            _ = player.seek(to: max(0, duration - 0.05))
        } else {
            _ = player.seek(to: destination)
        }
    }
}
