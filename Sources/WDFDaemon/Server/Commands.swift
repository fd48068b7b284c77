import WDFAudio
import WDFCore
import WDFLibrary
import WDFProtocol

/// The protocol's commands, each a few lines from the `Command` (its arguments read and checked
/// once by `Request.read`) to the engine or the library and back to a typed `Reply` (`WireView`).
final class Commands {
    let engine: Engine
    let library: Library
    let views: WireView
    /// `quit`: the server stops after this reply.
    var onQuit: () -> Void = {}
    /// `reload`: read the config again; nil when it was read, else why not.
    var onReload: () -> DaemonError? = { nil }

    init(engine: Engine, library: Library) {
        self.engine = engine
        self.library = library
        views = WireView(engine: engine)
    }

    func run(_ command: Command, session: ClientSession) throws(WireError) -> Reply {
        switch command {
        case let .play(selection, from, restart): return .status(try play(selection, from: from, restart: restart))
        case .pause: return .status(try setPaused(true))
        case .resume: return .status(try setPaused(false))
        case .toggle: return .status(try setPaused(engine.status.state == .playing))
        case let .seek(.position(position)): return .status(views.status(try engine.seek(position: position, offset: nil)))
        case let .seek(.offset(offset)): return .status(views.status(try engine.seek(position: nil, offset: offset)))
        case .next: return .status(views.status(try engine.nextChapter()))
        case .prev: return .status(views.status(try engine.previousChapter()))
        case let .chapter(.number(number)): return .status(views.status(try engine.goToChapter(number: number, title: nil)))
        case let .chapter(.title(title)): return .status(views.status(try engine.goToChapter(number: nil, title: title)))
        case let .chapter(.bookmark(number)): return .status(views.status(try engine.goToBookmark(number)))
        case let .mark(title): return .mark(MarkReply(chapter: try engine.mark(title: title).map(views.chapter), counts: views.bookmarkCounts()))
        case let .unmark(number): return .unmark(UnmarkReply(removed: views.chapter(try engine.unmark(number)), counts: views.bookmarkCounts()))
        case .chapters: return .chapters(try chapterList())
        case let .episodes(series, all): return .episodes(try episodes(series: series, all: all))
        case let .info(selection): return .info(try page(selection))
        case let .played(selection): return .episode(try setPlayed(true, selection))
        case let .unplayed(selection): return .episode(try setPlayed(false, selection))
        case .status: return .status(views.status(engine.heardStatus()))
        case let .sleep(request): return .sleep(sleep(request))
        case let .speed(request): return .listening(try speed(request))
        case let .silence(mode): return .listening(try silence(mode))
        case let .volume(request): return .small(.volume(percent: try volume(request)))
        case .stop: return .status(views.status(engine.stop()))
        case .quit:
            onQuit()
            return .small(.quitting)
        case .reload: return .small(.reloaded(path: try reload()))
        case .subscribe, .unsubscribe:
            session.subscribed = command == .subscribe
            return .small(.subscribed(session.subscribed))
        case .ping: return .small(.pong(version: WDFCore.wdfplayVersion))
        case .help: return .help(CommandCatalog.entries.map { ($0.name, $0.summary) })
        }
    }

    // MARK: play

    private func play(_ selection: EpisodeSelection?, from: Double?, restart: Bool) throws(WireError) -> PlaybackStatus {
        let (episode, fromDemo) = try chooseEpisode(selection)
        let started = try engine.play(episode, fromDemo: fromDemo, from: from, restart: restart)
        return views.status(started.status, start: .init(at: started.startedAt, resumed: started.resumed))
    }

    /// The episode a play request names, and whether it comes from the demo series.
    private func chooseEpisode(_ selection: EpisodeSelection?) throws(WireError) -> (Episode, Bool) {
        switch selection {
        case nil:
            guard let last = engine.store.lastPath, !last.hasPrefix("feed:") else {
                throw WireError("no_last_episode", "There is no last episode to continue yet; name one, e.g. `wdfplay 6`.")
            }
            // Continuing a finished episode is going on to the next one in its series (as
            // `wdfplay SERIES` does); one with no next plays again from the start.
            if engine.store.record(for: last)?.finished == true, let next = library.nextAfterFinished(last) {
                return (try library.episode(atPath: try library.downloadedPath(next.0)), next.fromDemo)
            }
            return (try library.episode(atPath: last), library.isDemo(last))
        case let .path(path):
            return (try library.episode(atPath: path), library.isDemo(path))
        case let .query(query):
            let (item, fromDemo) = try library.resolveItem(query)
            return (try library.episode(atPath: try library.downloadedPath(item)), fromDemo)
        }
    }

    // MARK: transport

    /// Playing again when stopped is a `play` of the last episode (a media key bound to toggle
    /// starts it, as with mpc and playerctl).
    func setPaused(_ paused: Bool) throws(WireError) -> PlaybackStatus {
        if engine.status.state == .stopped, !paused {
            return try play(nil, from: nil, restart: false)
        }
        return views.status(try engine.setPaused(paused))
    }

    /// The `reload` command: SIGHUP's reload, with a refusal that says what is wrong in the file.
    /// Returns the config file read.
    func reload() throws(WireError) -> String {
        if let error = onReload() {
            throw WireError("bad_config", "\(error.message) The settings in effect are kept.")
        }
        return library.configPath
    }

    // MARK: sleep

    func sleep(_ request: Command.SleepRequest) -> SleepState {
        switch request {
        case .show: break
        case .off: engine.setSleep(nil)
        case let .listening(seconds): engine.setSleep(.listening(seconds))
        case .chapterEnd: engine.setSleep(.chapterEnd)
        case .episodeEnd: engine.setSleep(.episodeEnd)
        }
        return views.sleep()
    }

    // MARK: speed and skip silence

    func speed(_ request: Command.SpeedRequest) throws(WireError) -> ListeningState {
        switch request {
        case .show: return views.listeningState(engine.heardStatus())
        case let .set(speed): try engine.listening.setSpeed(speed, by: nil, config: engine.config)
        case let .by(step): try engine.listening.setSpeed(nil, by: step, config: engine.config)
        }
        return views.listeningState(engine.rescheduled())
    }

    func silence(_ mode: SilenceMode?) throws(WireError) -> ListeningState {
        guard let mode else { return views.listeningState(engine.heardStatus()) }
        try engine.listening.setSilence(mode)
        return views.listeningState(engine.rescheduled())
    }

    /// `volume`: show it, set it, or move it (kept within 0…150).
    func volume(_ request: Command.VolumeRequest) throws(WireError) -> Int {
        switch request {
        case .show: return engine.levels.currentVolume(config: engine.config)
        case let .set(percent): return try engine.levels.setVolume(percent, config: engine.config)
        case let .change(step):
            return try engine.levels.setVolume(engine.levels.currentVolume(config: engine.config) + step, config: engine.config)
        }
    }
}
