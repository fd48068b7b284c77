import Glibc
import WDFAudio
import WDFCore
import WDFPlatform
import WDFProtocol
import WDFMPRIS

/// The control socket's side of wdfplayd: one poll loop over the listening socket, the clients,
/// the playback thread's events (handed to the engine), signals and the library's folders;
/// sessions and their limits; requests to `Commands`; the engine's events to subscribers.
/// Everything here runs on one thread (the loop in `run`).
final class Server {
    let log = Log("wdf.daemon")
    let listenFD: Int32
    /// True when systemd owns the socket file (socket activation): we neither bind nor unlink it.
    let socketFromSystemd: Bool
    let socketPath: String
    let signals: SignalDescriptor
    let playerEvents: Mailbox<PlayerEvent>
    let notifier: SystemdNotifier?
    let engine: Engine
    let library: Library
    let commands: Commands
    let reserve: DescriptorReserve
    let views: WireView
    /// SIGHUP: read the config again.
    var onReload: () -> Void = {}
    var sessions: [Int32: ClientSession] = [:]
    var nextSessionID = 1
    /// How many clients fit under the open-files limit (see DescriptorReserve).
    var clientLimit = DescriptorReserve.maximumClients
    var acceptPausedUntil: Double?
    var acceptRanOutLogged = false
    /// Set after a large reply; see `service`.
    var trimAfterLargeReply = false
    var running = true
    /// MPRIS on the session bus (nil: not set up); its descriptor is polled with the others.
    var mpris: MPRISService?
    /// An event since the last turn was a jump in position: `Seeked` is due.
    var mprisSeekPending = false
    /// The speed last announced: a change is a discontinuity for clients that estimate the
    /// position from the last `Seeked` and `Rate`.
    var mprisRate: Double?
    /// An event since the last turn began an episode or a chapter: a notification may be due.
    var mprisNotifyPending = false
    /// What a desktop notification would say now (nil: none; see `EngineMPRIS.notification`).
    var notification: () -> (summary: String, body: String)? = { nil }

    /// How long the loop leaves the listening socket alone after `accept` ran out of descriptors.
    static let acceptPause = 0.25

    init(listenFD: Int32, socketFromSystemd: Bool, socketPath: String, signals: SignalDescriptor,
         playerEvents: Mailbox<PlayerEvent>, notifier: SystemdNotifier?, engine: Engine, library: Library,
         commands: Commands, reserve: DescriptorReserve) {
        self.listenFD = listenFD
        self.socketFromSystemd = socketFromSystemd
        self.socketPath = socketPath
        self.signals = signals
        self.playerEvents = playerEvents
        self.notifier = notifier
        self.engine = engine
        self.library = library
        self.commands = commands
        self.reserve = reserve
        views = WireView(engine: engine)
        engine.observe { [unowned self] event in
            if case let .checkpoint(status) = event { self.notifier?.status(self.serviceStatus(status)) }
            if let line = self.views.event(for: event) { self.broadcast(line) }
            switch event {
            case .seeked: self.mprisSeekPending = true
            case .episodeStarted:
                self.mprisSeekPending = true
                self.mprisNotifyPending = true
            case .chapterChanged: self.mprisNotifyPending = true
            default: break
            }
        }
    }

    // MARK: the loop

    /// Serves until `quit` or SIGTERM/SIGINT; returns the exit status.
    func run() -> Int32 {
        clientLimit = reserve.raiseLimit()
        reserve.holdSpare()
        notifier?.send("READY=1\nSTATUS=Idle")
        mpris?.start()
        while running {
            var fds: [pollfd] = [
                pollfd(fd: listenFD, events: acceptIsPaused ? 0 : Int16(POLLIN), revents: 0),
                pollfd(fd: playerEvents.fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: library.watchFD, events: Int16(POLLIN), revents: 0),
            ]
            let order = Array(sessions.keys)
            for fd in order {
                var events: Int16 = sessions[fd]?.wantsInput == true ? Int16(POLLIN) : 0
                if (sessions[fd]?.unsent ?? 0) > 0 { events |= Int16(POLLOUT) }
                fds.append(pollfd(fd: fd, events: events, revents: 0))  // sessions from index 4
            }
            let busIndex = fds.count
            if let bus = mpris?.pollDescriptor { fds.append(bus) }
            let timeout = Server.sooner(pollTimeout(), mpris?.pollTimeout ?? -1)
            let rc: Int32
            do {
                rc = try sys("poll", "the daemon's descriptors") { poll(&fds, nfds_t(fds.count), timeout) }
            } catch {
                log.error("poll failed: \(error.reason)")
                break
            }
            if fds[2].revents != 0 { handleSignals() }
            if fds[1].revents != 0 {
                for event in playerEvents.take() { engine.receive(event) }
                notifier?.status(serviceStatus(engine.status))
            }
            if fds[3].revents != 0 {
                library.drainWatch()
                engine.libraryChanged()
            }
            if fds[0].revents != 0 { acceptClients() }
            for (i, fd) in order.enumerated() where fds[i + 4].revents != 0 {
                service(fd, readable: fds[i + 4].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0)
            }
            engine.tick()
            if fds.count > busIndex, fds[busIndex].revents != 0 || rc == 0 { mpris?.process() }
            announceToBus()
            dropSilentClients()
        }
        shutdown()
        return 0
    }

    /// Milliseconds until the next timer (the engine's, a client's, accepting again); forever
    /// otherwise (an idle or paused daemon does not wake up).
    private func pollTimeout() -> Int32 {
        let due = [engine.nextDeadline, sessionDeadline(), acceptPausedUntil].compactMap { $0 }.min()
        guard let due else { return -1 }
        return Int32(max(0, min(60_000, (due - Server.now()) * 1000 + 1)))
    }

    /// The shorter of two poll timeouts in milliseconds (-1: none).
    static func sooner(_ a: Int32, _ b: Int32) -> Int32 {
        if a < 0 { return b }
        if b < 0 { return a }
        return min(a, b)
    }

    /// After every turn: `PropertiesChanged` for what the turn changed (the service compares;
    /// nothing is sent when nothing changed) and `Seeked` after a jump or a change of speed.
    private func announceToBus() {
        guard let mpris else { return }
        mpris.stateChanged()
        if mprisRate != engine.listening.speed {
            if mprisRate != nil { mprisSeekPending = true }
            mprisRate = engine.listening.speed
        }
        if mprisSeekPending {
            mprisSeekPending = false
            mpris.seeked()
        }
        if mprisNotifyPending {
            mprisNotifyPending = false
            if let (summary, body) = notification() { mpris.notify(summary: summary, body: body) }
        }
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
                onReload()
            default:
                log.info("signal \(signal): saving and exiting")
                running = false
            }
        }
    }

    private func shutdown() {
        notifier?.send("STOPPING=1\nSTATUS=Saving and exiting")
        engine.shutdown()
        mpris?.stop()
        for session in sessions.values {
            _ = session.flush()
            close(session.fd)
        }
        sessions.removeAll()
        _ = reserve.releaseSpare()
        close(listenFD)
        if !socketFromSystemd { unlink(socketPath) }
        log.info("stopped")
    }

    // MARK: running out of descriptors

    /// True while the loop should not poll the listening socket.
    var acceptIsPaused: Bool {
        guard let until = acceptPausedUntil else { return false }
        if Server.now() >= until {
            acceptPausedUntil = nil
            return false
        }
        return true
    }

    /// Before accepting past `clientLimit`: drops the idle client heard from longest ago (one
    /// that never subscribed first). False when every client is busy.
    func makeRoomForClient() -> Bool {
        let idle = sessions.values.filter { $0.unsent == 0 && $0.input.isEmpty && !$0.discardingLongLine && !$0.closing }
        guard let victim = idle.min(by: { ($0.subscribed ? 1 : 0, $0.lastInput) < ($1.subscribed ? 1 : 0, $1.lastInput) }) else {
            return false
        }
        log.warning("\(sessions.count) clients, the most this daemon takes: closing client \(victim.id), idle the longest")
        victim.abandonBacklog(with: Message.reply(id: .null, .failure(Server.tooManyClients(
            "The daemon has \(sessions.count) connections, as many as it takes; closing this idle one."))).json)
        drop(victim)
        return true
    }

    static func tooManyClients(_ message: String) -> WireError {
        WireError("too_many_clients", message)
    }

    /// `accept` failed for want of descriptors: takes the waiting connection off the queue with
    /// the spare descriptor and refuses it, then pauses accepting briefly (no busy loop).
    func acceptRanOut(_ code: Int32) {
        if !acceptRanOutLogged {
            log.error("Cannot accept a connection: \(String(cString: strerror(code))). Refusing new ones while that lasts.")
            acceptRanOutLogged = true
        }
        if reserve.releaseSpare() {
            let fd = accept(listenFD, nil, nil)
            if fd >= 0 {
                var line = Message.reply(id: .null, .failure(Server.tooManyClients(
                    "The daemon is out of file descriptors; try again in a moment."))).json.serializedBytes
                line.append(0x0A)
                _ = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                close(fd)
            }
            reserve.holdSpare()
        }
        acceptPausedUntil = Server.now() + Server.acceptPause
    }
}
