import Glibc
import WDFAudio
import WDFCore

/// wdfplayd's server: the control socket, its sessions and limits, and the commands, around one
/// `Engine` (the player's domain side). Everything here runs on one thread (the loop in `run`);
/// the playback thread's events come back through `playerEvents` and go to the engine, whose
/// events go out to subscribers.
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

    let log = Log("wdf.daemon")
    let options: Options
    let paths: XDGPaths
    let configPath: String
    let socketPath: String
    var config: Config
    let engine: Engine
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
        feedStore = FeedStore(directory: paths.stateDirectory)
        engine = Engine(config: config, stateDirectory: paths.stateDirectory, clock: SystemClock(), sink: sink,
                        playerEvents: { playerEvents.post($0) })
        engine.host = self
        engine.observe { [unowned self] event in self.publish(event) }
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
            if fds[1].revents != 0 {
                for event in playerEvents.take() { engine.receive(event) }
                notifier?.status(serviceStatus(engine.status))
            }
            if fds[3].revents != 0 {
                libraryWatch?.drain()
                engine.libraryChanged()
            }
            if fds[0].revents != 0 { acceptClients() }
            for (i, fd) in order.enumerated() where fds[i + 4].revents != 0 {
                service(fd, readable: fds[i + 4].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0)
            }
            engine.tick()
            dropSilentClients()
        }
        shutdown()
        return 0
    }

    /// Milliseconds until the next checkpoint while playing; forever otherwise (an idle or
    /// paused daemon does not wake up).
    private func pollTimeout() -> Int32 {
        let due = [engine.nextDeadline, sessionDeadline(), acceptPausedUntil].compactMap { $0 }.min()
        guard let due else { return -1 }
        return Int32(max(0, min(60_000, (due - Daemon.now()) * 1000 + 1)))
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// "Playing Korean War #6 — 12:34/33:00, chapter 3/6" for `systemctl --user status`.
    func serviceStatus(_ status: PlayerStatus) -> String {
        guard status.state != .stopped, let now = engine.nowPlaying else { return "Idle" }
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
            Log.configure(threshold: options.verbose ? .debug : Log.Level(name: config.logLevel.rawValue) ?? .info,
                          environment: options.environment)
            // Every key takes effect now; the sink and the volume move the stream in play too.
            var changes: [String] = []
            if previous.volume != config.volume { changes.append("volume \(previous.volume) → \(config.volume)") }
            if previous.audioDevice != config.audioDevice {
                changes.append("audio_device \"\(previous.audioDevice)\" → \"\(config.audioDevice)\"")
            }
            if let error = engine.apply(config) {
                log.error("\(error.message) (key `audio_device` in \(configPath))")
            }
            log.info("reloaded \(configPath)" + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", ")))
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
        engine.shutdown()
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
