import WDFAudio
import WDFCore
import WDFLibrary
import WDFProtocol

/// The protocol as one table: command name → handler, each a few lines from the request's
/// arguments (checked by `Request`) to the engine or the library and back to JSON (`WireView`).
final class Commands {
    typealias Handler = @Sendable (Commands, Request, ClientSession) throws(WireError) -> JSON

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

    static let table: [(name: String, summary: String, handler: Handler)] = [
        ("play", "play an episode: {episode: N | \"next\" | TITLE WORDS | path, series?: NAME, from?: s, restart?: bool}; none = the last one",
         { d, r, _ throws(WireError) in try d.play(r) }),
        ("pause", "pause", { d, _, _ throws(WireError) in try d.setPaused(true) }),
        ("resume", "resume; when stopped, play the last episode (or the next, once it is finished)",
         { d, r, _ throws(WireError) in try d.setPaused(false, request: r) }),
        ("toggle", "pause if playing, else resume (as `resume` does when stopped)",
         { d, r, _ throws(WireError) in try d.setPaused(d.engine.status.state == .playing, request: r) }),
        ("seek", "seek: {position: s} absolute, or {offset: ±s} relative", { d, r, _ throws(WireError) in try d.seek(r) }),
        ("next", "next chapter", { d, _, _ throws(WireError) in d.views.statusJSON(try d.engine.nextChapter()) }),
        ("prev", "previous chapter (the start of this one after its first 5 s)", { d, _, _ throws(WireError) in d.views.statusJSON(try d.engine.previousChapter()) }),
        ("chapter", "go to chapter {number: N} (1-based), the first whose title contains {title: TEXT}, or {bookmark: N}",
         { d, r, _ throws(WireError) in try d.goToChapter(r) }),
        ("mark", "bookmark the heard position as a chapter of your own: {title?: TEXT}", { d, r, _ throws(WireError) in try d.mark(r) }),
        ("unmark", "remove bookmark {number: N} (the bookmark's own number, ★N in the chapter list)", { d, r, _ throws(WireError) in try d.unmark(r) }),
        ("chapters", "the chapters of the episode in play", { d, _, _ throws(WireError) in try d.chapterListJSON() }),
        ("episodes", "the episodes of a series: {series?: NAME} (default: the current series), or {all: true}",
         { d, r, _ throws(WireError) in try d.episodesCommand(r) }),
        ("info", "an episode's page (title, date, length, chapters, show notes): {episode?, series?}; none = the one in play or last",
         { d, r, _ throws(WireError) in try d.infoCommand(r) }),
        ("played", "mark an episode played: {episode, series?}", { d, r, _ throws(WireError) in try d.playedCommand(r, played: true) }),
        ("unplayed", "mark an episode new again (its position is forgotten): {episode, series?}",
         { d, r, _ throws(WireError) in try d.playedCommand(r, played: false) }),
        ("status", "what plays, where, which chapter", { d, _, _ throws(WireError) in d.views.statusJSON(d.engine.heardStatus()) }),
        ("sleep", "sleep timer: {seconds: N} of listening, {at: \"chapter\"|\"episode\"} end, {off: true}; {} shows it",
         { d, r, _ throws(WireError) in try d.sleepCommand(r) }),
        ("speed", CommandCatalog.entry("speed")?.summary ?? "", { d, r, _ throws(WireError) in try d.speedCommand(r) }),
        ("silence", CommandCatalog.entry("silence")?.summary ?? "", { d, r, _ throws(WireError) in try d.silenceCommand(r) }),
        ("stop", "stop playing (the position is kept)", { d, _, _ throws(WireError) in d.views.statusJSON(d.engine.stop()) }),
        ("quit", "save and exit the daemon", { d, _, _ throws(WireError) in d.onQuit(); return ["quitting": true] }),
        ("reload", "read the config file again, as SIGHUP does; a bad file is refused and the settings in effect kept",
         { d, _, _ throws(WireError) in try d.reloadCommand() }),
        ("subscribe", "push events (state, seek, chapter, end, output_lost) to this connection",
         { _, _, s throws(WireError) in s.subscribed = true; return ["subscribed": true] }),
        ("unsubscribe", "stop pushing events", { _, _, s throws(WireError) in s.subscribed = false; return ["subscribed": false] }),
        ("ping", "check the daemon is alive", { _, _, _ throws(WireError) in ["pong": true, "version": .string(WDFCore.wdfplayVersion)] }),
        ("help", "the commands", { _, _, _ throws(WireError) in
            .array(Commands.table.map { ["command": .string($0.name), "summary": .string($0.summary)] })
        }),
    ]

    func dispatch(_ request: Request, session: ClientSession) throws(WireError) -> JSON {
        guard let entry = Commands.table.first(where: { $0.name == request.command }) else {
            throw .unknownCommand(request.command)
        }
        return try entry.handler(self, request, session)
    }

    // MARK: play

    func play(_ request: Request) throws(WireError) -> JSON {
        let from = try request.number("from")
        let restart = try request.bool("restart") ?? false
        if let from, from < 0 { throw .badArgument("\"from\" must not be negative.") }
        let (episode, fromDemo) = try chooseEpisode(request)
        let started = try engine.play(episode, fromDemo: fromDemo, from: from, restart: restart)
        return playReply(started.status, startedAt: started.startedAt, resumed: started.resumed)
    }

    private func playReply(_ status: PlayerStatus, startedAt: Double, resumed: Bool) -> JSON {
        var data = views.statusJSON(status)
        if case var .object(pairs) = data {
            pairs.append(("started_at", .number(startedAt)))
            pairs.append(("resumed", .bool(resumed)))
            data = .object(pairs)
        }
        return data
    }

    /// The episode a play request names, and whether it comes from the demo series.
    private func chooseEpisode(_ request: Request) throws(WireError) -> (Episode, Bool) {
        switch try library.selector(request) {
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

    /// `request`: the resume/toggle request; when stopped, playing again is a `play` of the last
    /// episode (a media key bound to toggle starts it, as with mpc and playerctl).
    private func setPaused(_ paused: Bool, request: Request? = nil) throws(WireError) -> JSON {
        if engine.status.state == .stopped, !paused, let request {
            return try play(request.withoutArguments())
        }
        return views.statusJSON(try engine.setPaused(paused))
    }

    private func seek(_ request: Request) throws(WireError) -> JSON {
        // Arguments first: a malformed request is refused the same way whatever is playing.
        let position = try request.number("position")
        let offset = try request.number("offset")
        guard position != nil || offset != nil else {
            throw .badArgument("seek needs \"position\" (seconds from the start) or \"offset\" (seconds, + or -).")
        }
        if let position, position < 0 { throw .badArgument("\"position\" must not be negative.") }
        return views.statusJSON(try engine.seek(position: position, offset: offset))
    }

    private func goToChapter(_ request: Request) throws(WireError) -> JSON {
        if let mark = try request.integer("bookmark") {
            return views.statusJSON(try engine.goToBookmark(mark))
        }
        let number = try request.integer("number")
        let title = try request.string("title")?.trimmingWhitespace()
        guard number != nil || !(title ?? "").isEmpty else {
            throw .badArgument("chapter needs \"number\" (1-based) or \"title\" (text to look for).")
        }
        return views.statusJSON(try engine.goToChapter(number: number, title: title))
    }

    /// The `reload` command: SIGHUP's reload, with a refusal that says what is wrong in the file.
    func reloadCommand() throws(WireError) -> JSON {
        if let error = onReload() {
            throw WireError("bad_config", "\(error.message) The settings in effect are kept.")
        }
        return ["reloaded": .string(library.configPath)]
    }

    // MARK: sleep and bookmarks

    func sleepCommand(_ request: Request) throws(WireError) -> JSON {
        if try request.bool("off") == true {
            engine.setSleep(nil)
            return views.sleepJSON()
        }
        let seconds = try request.number("seconds")
        let at = try request.string("at")
        switch (seconds, at) {
        case (nil, nil):
            return views.sleepJSON()
        case let (seconds?, nil):
            guard seconds > 0, seconds <= 24 * 3600 else { throw .badArgument("\"seconds\" must be between 0 and 24 hours.") }
            engine.setSleep(.listening(seconds))
        case (nil, "chapter"?):
            engine.setSleep(.chapterEnd)
        case (nil, "episode"?):
            engine.setSleep(.episodeEnd)
        default:
            throw .badArgument("sleep takes \"seconds\", or \"at\": \"chapter\" or \"episode\", or \"off\": true.")
        }
        return views.sleepJSON()
    }

    // MARK: speed and skip silence (arguments read by WDFProtocol's `Command.read`)

    func speedCommand(_ request: Request) throws(WireError) -> JSON {
        switch try Command.read(name: "speed", body: request.body) {
        case let .speed(.set(speed)): try engine.listening.setSpeed(speed, by: nil, config: engine.config)
        case let .speed(.by(step)): try engine.listening.setSpeed(nil, by: step, config: engine.config)
        default: return views.listeningJSON(engine.heardStatus())
        }
        return views.listeningJSON(engine.rescheduled())
    }

    func silenceCommand(_ request: Request) throws(WireError) -> JSON {
        if case let .silence(mode?) = try Command.read(name: "silence", body: request.body) {
            try engine.listening.setSilence(mode)
            return views.listeningJSON(engine.rescheduled())
        }
        return views.listeningJSON(engine.heardStatus())
    }

    func mark(_ request: Request) throws(WireError) -> JSON {
        let title = try request.string("title")?.trimmingWhitespace() ?? ""
        let span = try engine.mark(title: title)
        return .object([("chapter", span.map { views.chapterJSON($0) } ?? .null)] + views.bookmarkCounts())
    }

    /// `unmark N`: N is the bookmark's own number (★N in `wdfctl chapters`).
    func unmark(_ request: Request) throws(WireError) -> JSON {
        guard let number = try request.integer("number") else { throw .badArgument("unmark needs \"number\" (the bookmark's, as `wdfctl chapters` shows it).") }
        let span = try engine.unmark(number)
        return .object([("removed", views.chapterJSON(span))] + views.bookmarkCounts())
    }
}
