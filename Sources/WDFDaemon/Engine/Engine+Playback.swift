import WDFAudio
import WDFCore
import WDFLibrary

/// What the listener asks for: playing, pausing, seeking, chapters, stopping, bookmarks and the
/// sleep timer.
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
        let start = from ?? (restart ? 0 : levels.resumePosition(for: episode.path, in: store, config: config))
        // A `from` past the end is refused, as `seek` refuses it (not played from the start).
        let loaded = try result(player.load(path: episode.path, position: start, title: episode.title,
                                            refusePastEnd: from != nil,
                                            processing: levels.processing(startingWith: episode.path,
                                                                          listening.processing(for: episode, config: config, current: status.processing),
                                                                          config: config)))
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
        skip.navigatedChapter = navigated ? chapters.current(at: loaded.position)?.number : nil
        skip.lastSkipped = nil
        lastChapterNumber = chapters.current(at: loaded.position)?.number
        player.watch(boundaries: chapters.boundaries)
        store.update(path: episode.path, position: loaded.position, duration: loaded.duration)
        saveStore(durable: true)
        log.info("playing \(episode.path) from \(TimeFormat.clock(loaded.position))")
        if let changed = levels.began(episode.path, config: config, current: status.processing) { note(changed) }
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
        if paused {
            levels.adoptListenerVolume(config: config)
            if status.state == .playing { levels.pausedSince = clock.now() }
        } else if status.state == .paused, case let rewind = levels.rewindAfterPause(now: clock.now(), config: config), rewind > 0 {
            // Back after more than an hour: start a little earlier, as a resume does.
            let heard = heardStatus()
            if case let .success(moved) = player.seek(to: max(0, heard.position - rewind)) { note(moved) }
            log.info("back after a long pause: \(rewind) s earlier")
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
        skip.navigatedChapter = nowPlaying?.chapters.current(at: max(0, target))?.number
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
        skip.navigatedChapter = span.number
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
        skip.navigatedChapter = now.chapters.current(at: span.start)?.number
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

    // MARK: bookmarks

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
                : "There is no bookmark \(number); this episode has \(BookmarkNumbers.phrase(now.bookmarks.map(\.number))).")
        }
        return (now, span)
    }

    // MARK: the sleep timer (driven by `tick`; nothing wakes up while paused)

    /// Sets the timer (`nil`: off). A new timer replaces the old one; a fade in progress stops
    /// and the volume comes back.
    func setSleep(_ mode: SleepTimer.Mode?) {
        guard let mode else {
            cancelSleep(restoringVolume: true)
            return
        }
        sleepTimer = SleepTimer(mode: mode)
        cancelSleep(restoringVolume: true, keepMode: true)
        scheduleSleep(heardStatus())
        log.info("sleep timer: \(sleepTimer.map { "\($0.mode)" } ?? "off")")
        emit(.sleepChanged)
    }

    /// Recomputes when the fade begins, from the heard position (after any state change or seek).
    /// After a change of speed or skip silence: the skip rules and the sleep timer count again
    /// from where playback is heard; that status.
    func rescheduled() -> PlayerStatus {
        let status = heardStatus()
        scheduleSleep(status)
        scheduleSkip(status)
        return status
    }

    func scheduleSleep(_ status: PlayerStatus) {
        sleepTimer?.reschedule(status, chapters: nowPlaying?.chapters, now: clock.now(), speed: listening.speed)
    }

    func cancelSleep(restoringVolume: Bool, keepMode: Bool = false) {
        let wasFading = sleepTimer?.isFading == true
        if wasFading, restoringVolume { player.setGain(1) }
        if keepMode, let mode = sleepTimer?.mode {
            sleepTimer = SleepTimer(mode: mode)
        } else {
            sleepTimer = nil
        }
        if wasFading, nowPlaying != nil { queueNext() }  // the fade had taken the next episode off
    }

    /// Fade steps, then the pause; called every loop turn.
    func runSleepTimerIfDue() {
        guard var timer = sleepTimer, let due = timer.nextDeadline, clock.now() >= due else { return }
        let status = heardStatus()
        guard status.state == .playing else {
            scheduleSleep(status)
            return
        }
        if !timer.isFading {
            // The deadline came from a position reading; if playback started late (a sink
            // waking up) the fade is not due yet: wait for what is really left.
            if !timer.countsListeningTime, let left = timer.secondsUntilFade(
                position: status.position, chapters: nowPlaying?.chapters, duration: status.duration,
                speed: listening.speed), left > 0.05 {
                timer.fadeAt = clock.now() + left
                sleepTimer = timer
                return
            }
            timer.fadeFrom = status.position
            timer.fadeStep = 0
            log.info("sleep timer: fading out from \(TimeFormat.clock(status.position))")
            // Nothing follows a fade: the next episode must not start in the stream while it
            // fades (it would be the one paused, and the one heard next time).
            sleepTimer = timer
            queueNext()
        }
        timer.fadeStep += 1
        if timer.fadeStep <= SleepTimer.fadeSteps {
            player.setGain(1 - Double(timer.fadeStep) / Double(SleepTimer.fadeSteps))
            timer.nextFadeStep = clock.now() + SleepTimer.fadeSeconds / Double(SleepTimer.fadeSteps)
            sleepTimer = timer
            return
        }
        // Faded out: pause, go back to where the fade began, and restore the volume for next time.
        let from = timer.fadeFrom ?? status.position
        sleepTimer = nil
        if case let .success(paused) = player.setPaused(true) { note(paused) }
        if case let .success(back) = player.seek(to: from) { note(back) }
        player.setGain(1)
        remember(heardStatus(), durable: true)
        queueNext()  // resuming goes on into the next episode as usual
        log.info("sleep timer: paused; resuming will start at \(TimeFormat.clock(from))")
        emit(.slept(pausedAt: from))
    }

    /// The episode ended during the fade: it is opened again, paused where the fade began, as if
    /// the fade had ended first. Nothing after it is started or marked.
    func pauseAfterSleep(_ episode: Episode, at from: Double) {
        let fromDemo = host?.isDemo(episode.path) ?? false
        switch player.load(path: episode.path, position: from, paused: true, title: episode.title) {
        case let .success(loaded):
            note(loaded)
            began(episode, fromDemo: fromDemo, status: loaded, navigated: false)
            remember(loaded, durable: true)
            log.info("sleep timer: paused; resuming will start at \(TimeFormat.clock(from))")
            emit(.stateChanged(loaded))
        case let .failure(error):
            store.update(path: episode.path, position: from, duration: nil)
            saveStore(durable: true)
            log.error("Cannot open \(episode.path) again after the sleep timer: \(error.message)")
        }
        emit(.slept(pausedAt: from))
    }
}
