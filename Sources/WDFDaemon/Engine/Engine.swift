import WDFAudio
import WDFCore

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
    var config: Config
    var store: ResumeStore
    var storeProblem: String?
    var bookmarks: BookmarkStore
    var skipRules: SkipRules
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
    /// When playback enters a chapter to skip; the chapter the listener chose is exempt.
    var skipAt: Double?
    var navigatedChapter: Int?
    var lastSkipped: SkippedChapter?
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
        skipRules = SkipRules(patterns: config.skipChapters)
        player = PlayerControl(sink: sink, decoderFactory: decoderFactory, events: playerEvents)
        if let problem = store.load() { log.warning(problem) }
        if let problem = loaded.warning { log.warning(problem) }
    }

    /// `observer` hears every event from now on.
    func observe(_ observer: @escaping (EngineEvent) -> Void) {
        observers.append(observer)
    }

    func emit(_ event: EngineEvent) {
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
        [nextCheckpoint, outputRecovery.nextAttempt, sleepTimer?.nextDeadline, skipAt, requeueAt].compactMap { $0 }.min()
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
        skipRules = SkipRules(patterns: fresh.skipChapters)
        var problem: AudioError?
        if previous.volume != fresh.volume || previous.audioDevice != fresh.audioDevice,
           case let .failure(error) = player.configureOutput(device: fresh.audioDevice, volumePercent: fresh.volume) {
            problem = error
        }
        if nowPlaying != nil { queueNext() }
        return problem
    }

    /// Saves the heard position and stops the playback thread.
    func shutdown() {
        remember(heardStatus(), durable: true)
        player.shutdown()
    }
}
