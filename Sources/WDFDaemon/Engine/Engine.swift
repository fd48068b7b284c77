import WDFAudio
import WDFCore
import WDFPlatform
import WDFLibrary

/// The player's domain side: the episode in play with its chapters and bookmarks, the resume
/// store, skip rules, the sleep timer, continuing into the next episode, checkpoints and output
/// recovery, around one `PlayerControl`. No sockets and no JSON: the server turns requests into
/// calls and `EngineEvent`s into lines. Everything here runs on one thread (the daemon's loop);
/// the playback thread's events come in through `receive`, and the timers run from `tick`.
///
/// The engine keeps the player's last status (`status`, from events and answers), so deciding
/// needs no round trip to the playback thread; `heardStatus()` asks where playback is heard
/// when a position matters.
final class Engine {
    /// The episode in the player.
    struct NowPlaying {
        var episode: Episode
        var chapters: ChapterList
        /// The listener's bookmarks, numbered apart from the chapters (`ChapterList.bookmarks`).
        var bookmarks: [ChapterList.Span] = []
        /// The source the chapters came from (nil: none).
        var chapterOrigin: ChapterOrigin?
        var fromDemo: Bool
    }

    let log = Log("wdf.daemon")
    let clock: any EngineClock
    let player: PlayerControl
    /// Speed and skip silence: what each episode plays with, the listener's choices, time saved.
    let listening: Listening
    /// Loudness levelling, the listener's volume, the rewind after a long pause.
    let levels: Levels
    var config: Config
    var store: ResumeStore
    var storeProblem: String?
    var bookmarks: BookmarkStore
    weak var host: (any EngineHost)?
    /// Lends a descriptor to a save that ran out of them (nil: none held).
    weak var reserve: DescriptorReserve?
    private var observers: [(EngineEvent) -> Void] = []
    /// The player's last status: from its events and from the answers to commands, the newest
    /// (by `stamp`) winning, so that an event read late does not undo a newer answer.
    private(set) var status: PlayerStatus = .stopped
    var nowPlaying: NowPlaying?
    var lastChapterNumber: Int?
    var nextCheckpoint: Double?
    /// Set while the sound server is gone and playback should carry on when it returns.
    var outputRecovery = OutputRecovery()
    var sleepTimer: SleepTimer?
    /// Skip rules over the episode in play.
    var skip: SkipPlan
    /// The episode queued to follow the one in play (config `continue`).
    var upNext: CatalogItem?
    /// Set between an episode's end and the event that says how the next one follows.
    var continuing: CatalogItem?
    /// Set between the end of an episode that the sleep timer was fading and the stop after it:
    /// the episode and where the fade began.
    var sleptThroughEnd: (Episode, Double)?
    /// When to look again for a next episode to queue: the library changed while one plays with
    /// nothing to follow it (a download of the next one may just have finished).
    var requeueAt: Double?

    /// - Parameters:
    ///   - sink: where the audio goes (PulseSink in the daemon, NullSink in tests); owned by
    ///     the playback thread from now on.
    ///   - playerEvents: hands the playback thread's events to the engine's thread, which passes
    ///     them to `receive` (the daemon: a mailbox its loop polls).
    init(config: Config, stateDirectory: String, clock: any EngineClock, sink: any AudioSink & Sendable,
         decoderFactory: @escaping PlayerControl.DecoderFactory = { path throws(AudioError) in try MP3Decoder(path: path) },
         playerEvents: @escaping @Sendable (PlayerEvent) -> Void) {
        self.config = config
        self.clock = clock
        store = ResumeStore(directory: stateDirectory)
        let loaded = BookmarkStore.load(directory: stateDirectory)
        bookmarks = loaded.store
        skip = SkipPlan(rules: SkipRules(patterns: config.skipChapters))
        player = PlayerControl(sink: sink, decoderFactory: decoderFactory, events: playerEvents)
        listening = Listening(stateDirectory: stateDirectory, player: player)
        levels = Levels(stateDirectory: stateDirectory, config: config, player: player, decoderFactory: decoderFactory, playerEvents: playerEvents)
        if let problem = store.load() { log.warning(problem) }
        if let problem = loaded.warning { log.warning(problem) }
    }

    /// `observer` hears every event from now on.
    func observe(_ observer: @escaping (EngineEvent) -> Void) {
        observers.append(observer)
    }

    func emit(_ event: EngineEvent) {
        listening.observe(event, config: config)
        for observer in observers { observer(event) }
    }

    // MARK: the player's status

    /// Keeps `fresh` as the last status unless a newer one is known.
    @discardableResult
    func note(_ fresh: PlayerStatus) -> PlayerStatus {
        if fresh.stamp == 0 || fresh.stamp >= status.stamp { status = fresh }
        return fresh
    }

    /// Where playback is heard now: one round trip to the playback thread (and from there to
    /// the sound server while playing). For positions; states come from `status`.
    func heardStatus() -> PlayerStatus {
        note(player.status())
    }

    /// An answer from the player, noted, or the refusal it means on the wire.
    func result(_ result: Result<PlayerStatus, AudioError>) throws(WireError) -> PlayerStatus {
        switch result {
        case let .success(status): return note(status)
        case let .failure(error) where error.code == .pastEnd: throw .badArgument(error.message)
        case let .failure(error): throw WireError(error.code.rawValue, error.message)
        }
    }

    // MARK: timers

    /// The next moment `tick` has something to do (nil: nothing until a request or event).
    var nextDeadline: Double? {
        [nextCheckpoint, outputRecovery.nextAttempt, sleepTimer?.nextDeadline, skip.at, requeueAt].compactMap { $0 }.min()
    }

    /// Runs whatever is due: checkpoint, output retry, sleep fade, skip, requeue.
    func tick() {
        checkpointIfDue()
        retryOutputIfDue()
        runSleepTimerIfDue()
        skipIfDue()
        requeueIfDue()
    }

    /// The library changed: with `continue`, look again (half a second later, so that a burst of
    /// changes costs one walk) for an episode to follow the one in play.
    func libraryChanged() {
        if config.continuePlaying, nowPlaying != nil, upNext == nil, requeueAt == nil { requeueAt = clock.now() + 0.5 }
    }

    // MARK: skip rules

    /// The chapter the skip rules left last.
    var lastSkipped: SkippedChapter? { skip.lastSkipped }

    /// True for a chapter (or bookmark) of the episode in play that the skip rules leave.
    func wouldSkip(_ span: ChapterList.Span) -> Bool { skip.wouldSkip(span, in: nowPlaying?.chapters) }

    func scheduleSkip(_ status: PlayerStatus) {
        skip.schedule(status, chapters: nowPlaying?.chapters, now: clock.now(), speed: listening.speed)
    }

    /// Leaves a chapter matched by `skip_chapters` for the next one that is not, with an event.
    private func skipIfDue() {
        guard let due = skip.at, clock.now() >= due else { return }
        let status = heardStatus()
        guard let (current, destination) = skip.decide(status, chapters: nowPlaying?.chapters, now: clock.now(),
                                                       speed: listening.speed) else { return }
        log.info("skipping chapter \(current.number) \"\(current.title)\" (skip_chapters)")
        emit(.skipped(current, to: destination))
        let end = status.duration.map { max(0, $0 - 0.05) }
        if case let .success(moved) = player.seek(to: end.map { min(destination, $0) } ?? destination) { note(moved) }
    }

    // MARK: positions

    /// Records the player's position for the current episode.
    func remember(_ status: PlayerStatus, durable: Bool) {
        if let path = status.path, status.state != .stopped {
            // A paused position is kept to the millisecond: `status` shows the same number.
            store.update(path: path, position: status.position, duration: status.duration, exact: status.state == .paused)
        }
        saveStore(durable: durable)
    }

    func saveStore(durable: Bool) {
        do {
            if let reserve {
                try reserve.withSpareDescriptor { () throws(SystemError) in try store.save(durable: durable) }
            } else {
                try store.save(durable: durable)
            }
            if storeProblem != nil { log.notice("saving positions works again") }
            storeProblem = nil
        } catch {
            if storeProblem == nil { log.error("Cannot save positions: \(error).") }
            storeProblem = "Cannot save positions: \(error)."
        }
    }

    /// `played` / `unplayed` from the catalog: the mark and the save, or why it was not saved.
    func setPlayed(_ played: Bool, key: String, duration: Double?) -> String? {
        store.setPlayed(played, key: key, duration: duration)
        saveStore(durable: true)
        return storeProblem
    }

    private func checkpointIfDue() {
        guard let due = nextCheckpoint, clock.now() >= due else { return }
        let status = heardStatus()
        remember(status, durable: false)
        announceChapterChange(status)
        nextCheckpoint = status.state == .playing ? clock.now() + config.checkpointInterval : nil
        emit(.checkpoint(status))
    }

    func announceChapterChange(_ status: PlayerStatus) {
        guard let now = nowPlaying else { return }
        let number = now.chapters.current(at: status.position)?.number
        guard number != lastChapterNumber else { return }
        lastChapterNumber = number
        if let number { log.debug("chapter \(number)/\(now.chapters.count)") }
        emit(.chapterChanged(status))
    }

    /// While the sound server is gone: try again with backoff, resume where it was heard.
    private func retryOutputIfDue() {
        guard let due = outputRecovery.nextAttempt, clock.now() >= due else { return }
        guard status.state == .paused else { outputRecovery.stop(); return }
        switch player.setPaused(false) {
        case let .success(resumed):
            note(resumed)
            log.notice("the sound server is back; playing on")
            outputRecovery.stop()
        case .failure:
            outputRecovery.failed(now: clock.now())
        }
    }

    // MARK: configuration and shutdown

    /// New settings (a reload): skip rules now, output device and volume on the stream in play,
    /// and what follows the episode in play. Returns why the output could not move, if it could not.
    func apply(_ fresh: Config) -> AudioError? {
        let previous = config
        config = fresh
        skip.rules = SkipRules(patterns: fresh.skipChapters)
        listening.configChanged(fresh)
        let (problem, changed) = levels.configChanged(from: previous, to: fresh, playing: nowPlaying?.episode.path, current: status.processing)
        _ = changed.map { note($0) }
        if nowPlaying != nil { queueNext() }
        return problem
    }

    /// Saves the heard position and stops the playback thread.
    func shutdown() {
        remember(heardStatus(), durable: true)
        levels.shutdown(config: config)
        player.shutdown()
    }

    // MARK: the player's events

    func receive(_ event: PlayerEvent) {
        switch event {
        case let .measured(path, result):
            _ = levels.measured(path: path, result, playing: nowPlaying?.episode.path, config: config, current: status.processing).map { note($0) }
        case let .stateChanged(status):
            note(status)
            levels.stateChanged(status.state, now: clock.now())
            if status.state == .stopped, let (episode, from) = sleptThroughEnd {
                sleptThroughEnd = nil
                pauseAfterSleep(episode, at: from)
                return
            }
            if status.state == .stopped, let next = continuing {
                // The next episode could not follow in the same stream: start it now.
                continuing = nil
                startFollowing(next)
                return
            }
            if sleepTimer?.isFading == true, status.state != .playing {
                // The listener paused during the fade: no sleep any more, full volume next time.
                cancelSleep(restoringVolume: true)
            }
            if status.state == .stopped { sleepTimer = nil }
            scheduleSleep(status)
            scheduleSkip(status)
            remember(status, durable: status.state != .playing)
            nextCheckpoint = status.state == .playing ? clock.now() + config.checkpointInterval : nil
            emit(.stateChanged(status))
        case let .seeked(status):
            note(status)
            scheduleSleep(status)
            scheduleSkip(status)
            remember(status, durable: true)
            emit(.seeked(status))
            announceChapterChange(status)
        case let .crossed(_, status):
            note(status)
            scheduleSleep(status)
            scheduleSkip(status)
            announceChapterChange(status)
        case let .ended(path, duration):
            ended(path: path, duration: duration)
        case let .failed(error, status):
            note(status)
            // Not an end: the file changed under the player. The place heard is kept, unplayed.
            log.error("\(error.message) Stopped at \(TimeFormat.clock(status.position)); the position is kept.")
            if let path = status.path {
                store.update(path: path, position: status.position, duration: status.duration)
            }
            saveStore(durable: true)
            nowPlaying = nil
            lastChapterNumber = nil
            nextCheckpoint = nil
            continuing = nil
            upNext = nil
        case let .continued(status):
            note(status)
            continuing = nil
            followed(status)
        case let .outputLost(error, status, wasPlaying):
            note(status)
            log.error("\(error.message) Paused at \(TimeFormat.clock(status.position)).")
            remember(status, durable: true)
            nextCheckpoint = nil
            emit(.outputLost(status))
            if wasPlaying { outputRecovery.start(now: clock.now()) }
        }
    }

    private func ended(path: String, duration: Double) {
        if let from = sleepTimer?.fadeFrom, let episode = nowPlaying?.episode, episode.path == path {
            // The audio ran out while the sleep timer was fading it (a timer of listening time
            // ending in the last seconds): pause there all the same, where the fade began.
            sleptThroughEnd = (episode, from)
            sleepTimer = nil
            upNext = nil
            return
        }
        store.update(path: path, position: duration, duration: duration, finished: true)
        saveStore(durable: true)
        let finished = nowPlaying
        nowPlaying = nil
        lastChapterNumber = nil
        nextCheckpoint = nil
        log.info("finished \(path)")
        emit(.episodeEnded(finished?.episode, fromDemo: finished?.fromDemo ?? false))
        continuing = config.continuePlaying ? upNext : nil
        upNext = nil
    }

    // MARK: continue

    /// Tells the player which file follows the one in play: the next number of its series, if
    /// downloaded, from where the listener stopped in it.
    func queueNext() {
        upNext = nil
        guard config.continuePlaying, let now = nowPlaying, sleepTimer?.isFading != true,
              let next = host?.episode(after: now.episode.path) else {
            player.queue(path: nil)
            return
        }
        guard let path = next.path else {
            log.info("\(next.shortName) follows but is not downloaded; playback will stop at the end")
            player.queue(path: nil)
            return
        }
        upNext = next
        player.queue(path: path, position: levels.resumePosition(for: path, in: store, config: config), title: next.title)
    }

    /// The library changed while an episode plays with nothing queued after it: the next one
    /// may have arrived.
    func requeueIfDue() {
        guard let due = requeueAt, clock.now() >= due else { return }
        requeueAt = nil
        guard nowPlaying != nil, upNext == nil else { return }
        queueNext()
        if let next = upNext { log.info("\(next.shortName) arrived in the library; it follows the episode in play") }
    }

    /// The queued episode is being heard, without a gap (the player switched files in the stream).
    func followed(_ status: PlayerStatus) {
        guard let path = status.path, let host, let episode = try? host.episode(atPath: path) else { return }
        began(episode, fromDemo: host.isDemo(path), status: status, navigated: false)
        emit(.stateChanged(status))
        nextCheckpoint = clock.now() + config.checkpointInterval
    }

    /// The queued episode could not follow in the same stream (another sample format): load it.
    func startFollowing(_ item: CatalogItem) {
        guard let path = item.path, let host else { return }
        do throws(WireError) {
            let episode = try host.episode(atPath: path)
            let start = levels.resumePosition(for: path, in: store, config: config)
            switch player.load(path: path, position: start, title: episode.title) {
            case let .success(loaded):
                note(loaded)
                began(episode, fromDemo: host.isDemo(path), status: loaded, navigated: false)
            case let .failure(error):
                log.error("Cannot continue with \(path): \(error.message)")
            }
        } catch {
            log.error("Cannot continue with \(path): \(error.message)")
        }
    }
}
