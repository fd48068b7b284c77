import Glibc
import WDFAudio
import WDFCore

/// wdfplayd: the control socket, the resume store and the episode in play, around one
/// `PlayerControl`. Everything here runs on one thread (the loop in `run`); the playback thread
/// is reached only through the player, and its events come back through `playerEvents`.
public final class Daemon {
    public struct Options: Sendable {
        public var socketPath: String?
        public var configPath: String?
        public var verbose = false
        public var environment: [String: String]

        public init(socketPath: String? = nil, configPath: String? = nil, verbose: Bool = false,
                    environment: [String: String]) {
            self.socketPath = socketPath
            self.configPath = configPath
            self.verbose = verbose
            self.environment = environment
        }
    }

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
    let options: Options
    let paths: XDGPaths
    let configPath: String
    let socketPath: String
    var config: Config
    var store: ResumeStore
    var storeProblem: String?
    let player: PlayerControl
    let playerEvents: Mailbox<PlayerEvent>
    let signals: SignalWatch
    var listenFD: Int32 = -1
    /// True when systemd owns the socket file (socket activation): we neither bind nor unlink it.
    var socketFromSystemd = false
    let notifier: SystemdNotifier?
    var sessions: [Int32: ClientSession] = [:]
    var nextSessionID = 1
    /// How many clients fit under the open-files limit (see Daemon+Descriptors).
    var clientLimit = Daemon.maximumClients
    /// Held for the moment descriptors run out (see `acceptRanOut`).
    var spareFD: Int32 = -1
    var acceptPausedUntil: Double?
    var acceptRanOutLogged = false
    var nowPlaying: NowPlaying?
    var lastChapterNumber: Int?
    var nextCheckpoint: Double?
    /// Set while the sound server is gone and playback should carry on when it returns.
    var outputRecovery = OutputRecovery()
    var sleepTimer: SleepTimer?
    var bookmarks: BookmarkStore
    var skipRules: SkipRules
    /// When playback enters a chapter to skip; the chapter the listener chose is exempt.
    var skipAt: Double?
    var navigatedChapter: Int?
    var lastSkipped: JSON = .null
    /// The library index, loaded on first use (see Daemon+Catalog).
    var catalog: Catalog?
    var catalogProblem: String?
    var feedStore: FeedStore
    var feedStamp: Int?
    /// Library and feed joined, rebuilt only when either changed.
    var catalogItems: [CatalogItem]?
    /// Reports changes in the library's folders; nil without inotify (then every request walks them).
    var libraryWatch = LibraryWatch()
    /// Why the last walk of the library stopped early (its budget spent), and when the next one
    /// is due: such a folder is walked at most once a minute (see Daemon+Catalog).
    var libraryWalkStop: String?
    var libraryRewalkAt: Double?
    /// Set after a large reply; see `service`.
    var trimAfterLargeReply = false
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
    var running = true

    public init(options: Options) throws(DaemonError) {
        self.options = options
        signals = try SignalWatch()
        paths = XDGPaths(environment: options.environment)
        configPath = options.configPath ?? paths.configFile
        config = try ConfigReader.load(path: configPath, environment: options.environment)
        Log.configure(threshold: options.verbose ? .debug : Log.Level(name: config.logLevel.rawValue) ?? .info,
                      environment: options.environment)
        socketPath = paths.socketPath(override: options.socketPath, environment: options.environment)
        notifier = SystemdNotifier(environment: options.environment)
        // The socket first: a second daemon stops here, before it touches the state files or
        // the sound server.
        let listening: Int32
        if let inherited = SocketActivation.listeningSocket(environment: options.environment) {
            listening = inherited
            socketFromSystemd = true
        } else {
            listening = try UnixSocket.listen(at: socketPath,
                                              privateDirectory: FileSystem.directoryName(socketPath) == paths.runtimeDirectory)
        }
        let createdSocket = !socketFromSystemd
        let playerEvents: Mailbox<PlayerEvent>
        let sink: PulseSink
        do throws(DaemonError) {
            playerEvents = try Mailbox<PlayerEvent>()
            do {
                sink = try PulseSink(applicationName: "wdfplay", device: config.audioDevice, volumePercent: config.volume)
            } catch {
                throw DaemonError(error.message)
            }
        } catch {
            close(listening)
            if createdSocket { unlink(socketPath) }
            throw error
        }
        listenFD = listening
        self.playerEvents = playerEvents
        store = ResumeStore(directory: paths.stateDirectory)
        feedStore = FeedStore(directory: paths.stateDirectory)
        let loaded = BookmarkStore.load(directory: paths.stateDirectory)
        bookmarks = loaded.store
        skipRules = SkipRules(patterns: config.skipChapters)
        player = PlayerControl(sink: sink, events: { playerEvents.post($0) })
        if let problem = store.load() { log.warning(problem) }
        if let problem = loaded.warning { log.warning(problem) }
        do {
            try sink.connect()
        } catch {
            // Not fatal: the first play tries again and says why if it still cannot.
            log.warning("\(error.message) Playing will retry.")
        }
        log.info(socketFromSystemd ? "listening on the socket passed by systemd" : "listening on \(socketPath)")
    }

    // MARK: the loop

    /// Serves until `quit` or SIGTERM/SIGINT; returns the exit status.
    public func run() -> Int32 {
        clientLimit = raiseDescriptorLimit()
        spareFD = Daemon.openSpare()
        notifier?.send("READY=1\nSTATUS=Idle")
        while running {
            var fds: [pollfd] = [
                pollfd(fd: listenFD, events: acceptIsPaused ? 0 : Int16(POLLIN), revents: 0),
                pollfd(fd: playerEvents.fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: libraryWatch?.fd ?? -1, events: Int16(POLLIN), revents: 0),
            ]
            let order = Array(sessions.keys)
            for fd in order {
                var events: Int16 = sessions[fd]?.wantsInput == true ? Int16(POLLIN) : 0
                if (sessions[fd]?.unsent ?? 0) > 0 { events |= Int16(POLLOUT) }
                fds.append(pollfd(fd: fd, events: events, revents: 0))  // sessions from index 4
            }
            let rc = poll(&fds, nfds_t(fds.count), pollTimeout())
            if rc < 0 {
                if errno == EINTR { continue }
                log.error("poll failed: \(String(cString: strerror(errno)))")
                break
            }
            if fds[2].revents != 0 { handleSignals() }
            if fds[1].revents != 0 { for event in playerEvents.take() { handle(event) } }
            if fds[3].revents != 0 {
                libraryWatch?.drain()
                // Half a second later, so that a burst of changes costs one walk of the library.
                if config.continuePlaying, nowPlaying != nil, upNext == nil, requeueAt == nil { requeueAt = Daemon.now() + 0.5 }
            }
            if fds[0].revents != 0 { acceptClients() }
            for (i, fd) in order.enumerated() where fds[i + 4].revents != 0 {
                service(fd, readable: fds[i + 4].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0)
            }
            checkpointIfDue()
            retryOutputIfDue()
            runSleepTimerIfDue()
            skipIfDue()
            requeueIfDue()
            dropSilentClients()
        }
        shutdown()
        return 0
    }

    /// Milliseconds until the next checkpoint while playing; forever otherwise (an idle or
    /// paused daemon does not wake up).
    private func pollTimeout() -> Int32 {
        let due = [nextCheckpoint, outputRecovery.nextAttempt, sessionDeadline(), sleepTimer?.nextDeadline, skipAt, requeueAt,
                   acceptPausedUntil]
            .compactMap { $0 }.min()
        guard let due else { return -1 }
        return Int32(max(0, min(60_000, (due - Daemon.now()) * 1000 + 1)))
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    // MARK: player events

    private func handle(_ event: PlayerEvent) {
        defer { if let notifier { notifier.status(serviceStatus(player.status())) } }
        switch event {
        case let .stateChanged(status):
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
            nextCheckpoint = status.state == .playing ? Daemon.now() + config.checkpointInterval : nil
            broadcast("state", statusJSON(status))
        case let .seeked(status):
            scheduleSleep(status)
            scheduleSkip(status)
            remember(status, durable: true)
            broadcast("seek", statusJSON(status))
            announceChapterChange(status)
        case let .crossed(_, status):
            scheduleSleep(status)
            scheduleSkip(status)
            announceChapterChange(status)
        case let .ended(path, duration):
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
            let episode = nowPlaying.map { episodeJSON($0.episode, demo: $0.fromDemo) } ?? .null
            nowPlaying = nil
            lastChapterNumber = nil
            nextCheckpoint = nil
            log.info("finished \(path)")
            broadcast("end", ["episode": episode])
            continuing = config.continuePlaying ? upNext : nil
            upNext = nil
        case let .failed(error, status):
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
            continuing = nil
            followed(status)
        case let .outputLost(error, status, wasPlaying):
            log.error("\(error.message) Paused at \(TimeFormat.clock(status.position)).")
            remember(status, durable: true)
            nextCheckpoint = nil
            broadcast("output_lost", statusJSON(status))
            if wasPlaying { outputRecovery.start() }
        }
    }

    private func announceChapterChange(_ status: PlayerStatus) {
        guard let now = nowPlaying else { return }
        let number = now.chapters.current(at: status.position)?.number
        guard number != lastChapterNumber else { return }
        lastChapterNumber = number
        if let number { log.debug("chapter \(number)/\(now.chapters.count)") }
        broadcast("chapter", statusJSON(status))
    }

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
            try withSpareDescriptor { () throws(SystemError) in try store.save(durable: durable) }
            if storeProblem != nil { log.notice("saving positions works again") }
            storeProblem = nil
        } catch {
            if storeProblem == nil { log.error("Cannot save positions: \(error).") }
            storeProblem = "Cannot save positions: \(error)."
        }
    }

    private func checkpointIfDue() {
        guard let due = nextCheckpoint, Daemon.now() >= due else { return }
        let status = player.status()
        remember(status, durable: false)
        announceChapterChange(status)
        nextCheckpoint = status.state == .playing ? Daemon.now() + config.checkpointInterval : nil
        notifier?.status(serviceStatus(status))
    }

    /// "Playing Korean War #6 — 12:34/33:00, chapter 3/6" for `systemctl --user status`.
    func serviceStatus(_ status: PlayerStatus) -> String {
        guard status.state != .stopped, let now = nowPlaying else { return "Idle" }
        var text = status.state == .playing ? "Playing " : "Paused "
        if let series = now.episode.series, let number = now.episode.number, !series.isEmpty {
            text += "\(series) #\(number)"
        } else {
            text += now.episode.title
        }
        text += " — \(TimeFormat.clock(status.position))"
        if let duration = status.duration { text += "/\(TimeFormat.clock(duration))" }
        if let chapter = now.chapters.current(at: status.position) {
            text += ", chapter \(chapter.number)/\(now.chapters.count)"
        }
        if status.outputError != nil { text += " (output lost)" }
        return text
    }

    /// While the sound server is gone: try again with backoff, resume where it was heard.
    private func retryOutputIfDue() {
        guard let due = outputRecovery.nextAttempt, Daemon.now() >= due else { return }
        guard player.status().state == .paused else { outputRecovery.stop(); return }
        switch player.setPaused(false) {
        case .success:
            log.notice("the sound server is back; playing on")
            outputRecovery.stop()
        case .failure:
            outputRecovery.failed()
        }
    }

    // MARK: signals and shutdown

    private func handleSignals() {
        for signal in signals.take() {
            switch signal {
            case SIGHUP:
                reloadConfig()
            default:
                log.info("signal \(signal): saving and exiting")
                running = false
            }
        }
    }

    /// Reads the config file again; nil when it was read, else why not (the old settings stay).
    @discardableResult
    func reloadConfig() -> DaemonError? {
        do {
            let previous = config
            config = try ConfigReader.load(path: configPath, environment: options.environment)
            skipRules = SkipRules(patterns: config.skipChapters)
            Log.configure(threshold: options.verbose ? .debug : Log.Level(name: config.logLevel.rawValue) ?? .info,
                          environment: options.environment)
            // Every key takes effect now; the sink and the volume move the stream in play too.
            var changes: [String] = []
            if previous.volume != config.volume { changes.append("volume \(previous.volume) → \(config.volume)") }
            if previous.audioDevice != config.audioDevice {
                changes.append("audio_device \"\(previous.audioDevice)\" → \"\(config.audioDevice)\"")
            }
            if !changes.isEmpty, case let .failure(error) = player.configureOutput(device: config.audioDevice, volumePercent: config.volume) {
                log.error("\(error.message) (key `audio_device` in \(configPath))")
            }
            log.info("reloaded \(configPath)" + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", ")))
            if nowPlaying != nil { queueNext() }
            return nil
        } catch {
            log.error("\(error.message) Keeping the previous configuration.")
            return error
        }
    }

    /// The `reload` command: SIGHUP's reload, with a refusal that says what is wrong in the file.
    func reloadCommand() throws(WireError) -> JSON {
        if let error = reloadConfig() {
            throw WireError("bad_config", "\(error.message) The settings in effect are kept.")
        }
        return ["reloaded": .string(configPath)]
    }

    private func shutdown() {
        notifier?.send("STOPPING=1\nSTATUS=Saving and exiting")
        let status = player.status()
        remember(status, durable: true)
        player.shutdown()
        for session in sessions.values {
            _ = session.flush()
            close(session.fd)
        }
        sessions.removeAll()
        if spareFD >= 0 { close(spareFD) }
        close(listenFD)
        if !socketFromSystemd { unlink(socketPath) }
        log.info("stopped")
    }
}
