import WDFAudio
import WDFCore

/// Playing, pausing, seeking, chapters and stopping, as the listener asks for them.
extension Engine {
    /// What a play request did: the status, where it started, and whether it went on from a
    /// remembered position.
    struct Started {
        var status: PlayerStatus
        var startedAt: Double
        var resumed: Bool
    }

    /// Plays `episode`: from `from` seconds, from the start with `restart`, else where the
    /// listener left it (rewound by `resume_rewind`). Already in play: it just carries on.
    func play(_ episode: Episode, fromDemo: Bool, from: Double?, restart: Bool) throws(WireError) -> Started {
        if from == nil, !restart, status.path == episode.path, status.state != .stopped {
            // Already loaded: just carry on where it is.
            let resumed = try result(player.setPaused(false))
            return Started(status: resumed, startedAt: resumed.position, resumed: true)
        }
        if status.state != .stopped { remember(heardStatus(), durable: true) }
        let start = from ?? (restart ? 0 : store.startPosition(for: episode.path, rewind: config.resumeRewind))
        // A `from` past the end is refused, as `seek` refuses it (not played from the start).
        let loaded = try result(player.load(path: episode.path, position: start, title: episode.title,
                                            refusePastEnd: from != nil))
        outputRecovery.stop()
        began(episode, fromDemo: fromDemo, status: loaded, navigated: from != nil)
        return Started(status: loaded, startedAt: loaded.position, resumed: from == nil && !restart && start > 0)
    }

    /// The player has `episode` loaded (by a play request, or following the last one): its
    /// chapters, the resume record, and what comes after it.
    func began(_ episode: Episode, fromDemo: Bool, status loaded: PlayerStatus, navigated: Bool) {
        let (chapters, origin) = host?.chapters(for: episode, duration: loaded.duration) ?? (ChapterList(sourced: [], duration: loaded.duration), nil)
        nowPlaying = NowPlaying(episode: episode, chapters: chapters,
                                bookmarks: bookmarkSpans(for: episode.path, chapters: chapters, duration: loaded.duration),
                                chapterOrigin: origin, fromDemo: fromDemo)
        navigatedChapter = navigated ? chapters.current(at: loaded.position)?.number : nil
        lastSkipped = nil
        lastChapterNumber = chapters.current(at: loaded.position)?.number
        player.watch(boundaries: chapters.boundaries)
        store.update(path: episode.path, position: loaded.position, duration: loaded.duration)
        saveStore(durable: true)
        log.info("playing \(episode.path) from \(TimeFormat.clock(loaded.position))")
        emit(.episodeStarted(episode, loaded))
        queueNext()
    }

    /// Pauses or resumes the episode in play (`nothing_playing` when stopped). Resuming while
    /// the sound server is gone tries now and keeps trying.
    func setPaused(_ paused: Bool) throws(WireError) -> PlayerStatus {
        guard status.state != .stopped else { throw .nothingPlaying() }
        if paused {
            // The listener's pause wins over carrying on when the sound server returns.
            outputRecovery.stop()
        } else if status.outputError != nil {
            // Resuming while the server is gone: try now, and keep trying if it is still away.
            switch player.setPaused(false) {
            case let .success(resumed):
                outputRecovery.stop()
                return note(resumed)
            case let .failure(error):
                outputRecovery.start(now: clock.now())
                throw WireError(error.code.rawValue, "\(error.message) Playback will resume when it is back.")
            }
        }
        let changed = try result(player.setPaused(paused))
        // Saved before the reply: a pause that was answered is on disk.
        if paused { remember(changed, durable: true) }
        return changed
    }

    /// Seeks to `position` seconds, or by `offset` from where playback is heard.
    func seek(position: Double?, offset: Double?) throws(WireError) -> PlayerStatus {
        guard status.state != .stopped else { throw .nothingPlaying() }
        let known = position == nil ? heardStatus() : status
        guard known.state != .stopped else { throw .nothingPlaying() }
        let target = position ?? known.position + (offset ?? 0)
        if let duration = known.duration, target > duration {
            throw .badArgument("\(TimeFormat.clock(target)) is past the end of the episode (\(TimeFormat.clock(duration))).")
        }
        // Seeking into a chapter is choosing it: skip rules leave it alone.
        navigatedChapter = nowPlaying?.chapters.current(at: max(0, target))?.number
        return try result(player.seek(to: max(0, target)))
    }

    /// The chapters of the episode in play and where it is heard; refused when there are none.
    func chaptersInPlay() throws(WireError) -> (ChapterList, PlayerStatus) {
        guard status.state != .stopped, nowPlaying != nil else { throw .nothingPlaying() }
        let heard = heardStatus()
        guard heard.state != .stopped, let now = nowPlaying else { throw .nothingPlaying() }
        guard !now.chapters.isEmpty else {
            throw WireError("no_chapters", "\"\(now.episode.title)\" has no chapters.")
        }
        return (now.chapters, heard)
    }

    /// Navigation by the listener: the chapter they chose plays even if a skip rule matches it.
    func jump(to span: ChapterList.Span) throws(WireError) -> PlayerStatus {
        navigatedChapter = span.number
        return try result(player.seek(to: span.start))
    }

    func nextChapter() throws(WireError) -> PlayerStatus {
        let (chapters, status) = try chaptersInPlay()
        guard let next = chapters.next(after: status.position) else {
            throw WireError("no_next_chapter", "This is the last chapter.")
        }
        return try jump(to: next)
    }

    /// The start of the chapter heard (after its first seconds) or of the one before.
    func previousChapter() throws(WireError) -> PlayerStatus {
        let (chapters, status) = try chaptersInPlay()
        guard let target = chapters.previous(from: status.position) else {
            return try result(player.seek(to: 0))
        }
        return try jump(to: target)
    }

    /// Chapter `number` (1-based), or the first whose title contains `title` (any case).
    func goToChapter(number: Int?, title: String?) throws(WireError) -> PlayerStatus {
        let (chapters, _) = try chaptersInPlay()
        if let number {
            guard let span = chapters.span(number: number) else {
                throw WireError("no_such_chapter", "There is no chapter \(number); this episode has \(chapters.count).")
            }
            return try jump(to: span)
        }
        let text = (title ?? "").lowercased()
        guard let span = chapters.spans.first(where: { $0.title.lowercased().contains(text) }) else {
            throw WireError("no_such_chapter", "No chapter title contains \"\(title ?? "")\".")
        }
        return try jump(to: span)
    }

    /// Bookmark ★`number` of the episode in play.
    func goToBookmark(_ number: Int) throws(WireError) -> PlayerStatus {
        let (now, span) = try bookmarkInPlay(number)
        navigatedChapter = now.chapters.current(at: span.start)?.number
        return try result(player.seek(to: span.start))
    }

    /// Stops playing; the heard position is kept.
    func stop() -> PlayerStatus {
        if status.state != .stopped { remember(heardStatus(), durable: true) }
        let stopped = note(player.stop())
        outputRecovery.stop()
        nowPlaying = nil
        lastChapterNumber = nil
        nextCheckpoint = nil
        return stopped
    }
}
