import WDFAudio
import WDFCore

/// Chapters from every source, the listener's bookmarks, and skip rules.
extension Daemon {
    /// The episode's navigable chapters: the winning source's, with the bookmarks merged in.
    func chapterList(for episode: Episode, duration: Double?, reportProblems: Bool = true) -> (ChapterList, ChapterOrigin?) {
        let sources = ChapterSources.all(feed: feedRecord(forPath: episode.path), cacheDirectory: paths.cacheDirectory)
        let merged = ChapterSources.merged(forAudioAt: episode.path, tag: episode.tag, duration: duration,
                                           bookmarks: bookmarks.bookmarks(for: episode.path), sources: sources)
        if reportProblems { for problem in merged.problems { log.warning(problem) } }
        return (ChapterList(sourced: merged.chapters, duration: duration), merged.origin)
    }

    /// Rebuilds the list in play (after a bookmark changed) and tells the playback thread.
    func refreshChapters() {
        guard var now = nowPlaying else { return }
        let duration = player.status().duration
        (now.chapters, now.chapterOrigin) = chapterList(for: now.episode, duration: duration, reportProblems: false)
        nowPlaying = now
        player.watch(boundaries: now.chapters.boundaries)
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
        guard bookmarks.add(path: now.episode.path, title: title, position: status.position) != nil else {
            throw WireError("too_many_bookmarks", "This episode already has \(BookmarkStore.maximumPerEpisode) bookmarks.")
        }
        try saveBookmarks()
        refreshChapters()
        let span = nowPlaying?.chapters.spans.last { $0.isBookmark && abs($0.start - status.position) < 0.0005 }
        log.info("bookmark at \(TimeFormat.clock(status.position)) in \(now.episode.path)")
        broadcast("chapters", ["chapters_count": .number(Double(nowPlaying?.chapters.count ?? 0))])
        return ["chapter": span.map { chapterJSON($0) } ?? .null, "chapters_count": .number(Double(nowPlaying?.chapters.count ?? 0))]
    }

    /// `unmark N`: N is the bookmark's number in the chapter list (`wdfctl chapters`).
    func unmark(_ request: Request) throws(WireError) -> JSON {
        guard let number = try request.integer("number") else { throw .badArgument("unmark needs \"number\" (as `wdfctl chapters` shows it).") }
        guard player.status().state != .stopped, let now = nowPlaying else { throw .nothingPlaying() }
        guard let span = now.chapters.span(number: number) else {
            throw WireError("no_such_chapter", "There is no chapter \(number); this episode has \(now.chapters.count).")
        }
        guard span.isBookmark else {
            throw WireError("not_a_bookmark", "Chapter \(number) (\"\(span.title)\") comes from the episode, not from your bookmarks.")
        }
        guard bookmarks.remove(path: now.episode.path, position: span.start) != nil else {
            throw WireError("no_such_chapter", "Bookmark \(number) is no longer there.")
        }
        try saveBookmarks()
        refreshChapters()
        broadcast("chapters", ["chapters_count": .number(Double(nowPlaying?.chapters.count ?? 0))])
        return ["removed": chapterJSON(span), "chapters_count": .number(Double(nowPlaying?.chapters.count ?? 0))]
    }

    // MARK: skip rules

    /// A chapter whose title matches `skip_chapters`; a bookmark inside one is skipped with it
    /// (it only splits the chapter it falls in).
    func wouldSkip(_ span: ChapterList.Span) -> Bool {
        guard !skipRules.isEmpty else { return false }
        guard span.isBookmark else { return skipRules.matches(span.title) }
        guard let chapters = nowPlaying?.chapters else { return false }
        let host = chapters.spans[..<(span.number - 1)].last { !$0.isBookmark }
        return host.map { skipRules.matches($0.title) } ?? false
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
