import WDFAudio
import WDFCore

/// The protocol as one table: command name → handler. Arguments are checked by `Request`.
extension Daemon {
    typealias Handler = @Sendable (Daemon, Request, ClientSession) throws(WireError) -> JSON

    static let commands: [(name: String, summary: String, handler: Handler)] = [
        ("play", "play an episode: {episode: N | \"next\" | TITLE WORDS | path, series?: NAME, from?: s, restart?: bool}; none = the last one",
         { d, r, _ throws(WireError) in try d.play(r) }),
        ("pause", "pause", { d, _, _ throws(WireError) in try d.setPaused(true) }),
        ("resume", "resume; when stopped, play the last episode (or the next, once it is finished)",
         { d, r, _ throws(WireError) in try d.setPaused(false, request: r) }),
        ("toggle", "pause if playing, else resume (as `resume` does when stopped)",
         { d, r, _ throws(WireError) in try d.setPaused(d.engine.status.state == .playing, request: r) }),
        ("seek", "seek: {position: s} absolute, or {offset: ±s} relative", { d, r, _ throws(WireError) in try d.seek(r) }),
        ("next", "next chapter", { d, _, _ throws(WireError) in d.statusJSON(try d.engine.nextChapter()) }),
        ("prev", "previous chapter (the start of this one after its first 5 s)", { d, _, _ throws(WireError) in d.statusJSON(try d.engine.previousChapter()) }),
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
        ("status", "what plays, where, which chapter", { d, _, _ throws(WireError) in d.statusJSON(d.engine.heardStatus()) }),
        ("sleep", "sleep timer: {seconds: N} of listening, {at: \"chapter\"|\"episode\"} end, {off: true}; {} shows it",
         { d, r, _ throws(WireError) in try d.sleepCommand(r) }),
        ("stop", "stop playing (the position is kept)", { d, _, _ throws(WireError) in d.statusJSON(d.engine.stop()) }),
        ("quit", "save and exit the daemon", { d, _, _ throws(WireError) in d.quit() }),
        ("reload", "read the config file again, as SIGHUP does; a bad file is refused and the settings in effect kept",
         { d, _, _ throws(WireError) in try d.reloadCommand() }),
        ("subscribe", "push events (state, seek, chapter, end, output_lost) to this connection",
         { _, _, s throws(WireError) in s.subscribed = true; return ["subscribed": true] }),
        ("unsubscribe", "stop pushing events", { _, _, s throws(WireError) in s.subscribed = false; return ["subscribed": false] }),
        ("ping", "check the daemon is alive", { _, _, _ throws(WireError) in ["pong": true, "version": .string(WDFCore.wdfplayVersion)] }),
        ("help", "the commands", { _, _, _ throws(WireError) in
            .array(Daemon.commands.map { ["command": .string($0.name), "summary": .string($0.summary)] })
        }),
    ]

    func dispatch(_ request: Request, session: ClientSession) throws(WireError) -> JSON {
        guard let entry = Daemon.commands.first(where: { $0.name == request.command }) else {
            throw .unknownCommand(request.command)
        }
        return try entry.handler(self, request, session)
    }

    // MARK: play

    private func play(_ request: Request) throws(WireError) -> JSON {
        let from = try request.number("from")
        let restart = try request.bool("restart") ?? false
        if let from, from < 0 { throw .badArgument("\"from\" must not be negative.") }
        let (episode, fromDemo) = try chooseEpisode(request)
        let started = try engine.play(episode, fromDemo: fromDemo, from: from, restart: restart)
        return playReply(started.status, startedAt: started.startedAt, resumed: started.resumed)
    }

    private func playReply(_ status: PlayerStatus, startedAt: Double, resumed: Bool) -> JSON {
        var data = statusJSON(status)
        if case var .object(pairs) = data {
            pairs.append(("started_at", .number(startedAt)))
            pairs.append(("resumed", .bool(resumed)))
            data = .object(pairs)
        }
        return data
    }

    /// The episode a play request names, and whether it comes from the demo series.
    private func chooseEpisode(_ request: Request) throws(WireError) -> (Episode, Bool) {
        switch try selector(request) {
        case nil:
            guard let last = engine.store.lastPath, !last.hasPrefix("feed:") else {
                throw WireError("no_last_episode", "There is no last episode to continue yet; name one, e.g. `wdfplay 6`.")
            }
            // Continuing a finished episode is going on to the next one in its series (as
            // `wdfplay SERIES` does); one with no next plays again from the start.
            if engine.store.record(for: last)?.finished == true, let next = nextAfterFinished(last) {
                return (try episode(atPath: try downloadedPath(next.0)), next.fromDemo)
            }
            return (try episode(atPath: last), isDemo(last))
        case let .path(path):
            return (try episode(atPath: path), isDemo(path))
        case let .query(query):
            let (item, fromDemo) = try resolveItem(query)
            return (try episode(atPath: try downloadedPath(item)), fromDemo)
        }
    }

    func episode(atPath path: String) throws(WireError) -> Episode {
        try checkEpisodeFile(path)
        let real = FileSystem.realPath(path) ?? path
        var episode: Episode
        do {
            episode = try Episode.read(path: real)
        } catch {
            throw WireError("unreadable_tag", "\(error)")
        }
        // Downloaded from the feed: the feed's title and number, not the file's (maybe stale) tag.
        if let item = catalogItems?.first(where: { $0.path == real }), item.feedOwnsFile {
            episode.title = item.title
            episode.series = item.series
            episode.number = item.number
            episode.numberSource = item.numberSource
        }
        return episode
    }

    /// Refuses a path that names nothing, a folder, or anything else that is not a regular file
    /// (a FIFO would block whoever opens it; `FileSystem.openForReading` refuses it too).
    func checkEpisodeFile(_ path: String) throws(WireError) {
        let shown = FileName.display(path)
        switch FileSystem.fileType(path) {
        case .regular?: return
        case nil: throw WireError("file_not_found", "The file \(shown) does not exist.")
        case .directory?: throw WireError("not_mp3", "\(shown) is a folder, not an MP3 file.")
        case let type?: throw WireError("not_mp3", "\(shown) is \(type.notRegular).")
        }
    }

    /// The library folder, or the demo series when the listener has none yet.
    func libraryRoot() throws(WireError) -> (String, Bool) {
        let root = paths.expandingTilde(config.library)
        let type = FileSystem.fileType(root)
        if type == .directory { return (FileSystem.realPath(root) ?? root, false) }
        if type != nil, !config.libraryIsDefault {
            throw WireError("no_library", "The library \(FileName.display(root)) (key `library` in \(configPath)) is not a folder.")
        }
        if config.libraryIsDefault, let demo = DemoSeries.locate(environment: options.environment) {
            return (demo, true)
        }
        if config.libraryIsDefault {
            throw WireError("no_library", "The library folder \(root) does not exist; set `library` in \(configPath).")
        }
        throw WireError("no_library", "The library folder \(root) (key `library` in \(configPath)) does not exist.")
    }

    func isDemo(_ path: String) -> Bool {
        guard let demo = DemoSeries.locate(environment: options.environment) else { return false }
        return path.hasPrefix(demo + "/")
    }

    // MARK: transport

    /// `request`: the resume/toggle request; when stopped, playing again is a `play` of the last
    /// episode (a media key bound to toggle starts it, as with mpc and playerctl).
    private func setPaused(_ paused: Bool, request: Request? = nil) throws(WireError) -> JSON {
        if engine.status.state == .stopped, !paused, let request {
            return try play(request.withoutArguments())
        }
        return statusJSON(try engine.setPaused(paused))
    }

    private func seek(_ request: Request) throws(WireError) -> JSON {
        // Arguments first: a malformed request is refused the same way whatever is playing.
        let position = try request.number("position")
        let offset = try request.number("offset")
        guard position != nil || offset != nil else {
            throw .badArgument("seek needs \"position\" (seconds from the start) or \"offset\" (seconds, + or -).")
        }
        if let position, position < 0 { throw .badArgument("\"position\" must not be negative.") }
        return statusJSON(try engine.seek(position: position, offset: offset))
    }

    private func goToChapter(_ request: Request) throws(WireError) -> JSON {
        if let mark = try request.integer("bookmark") {
            return statusJSON(try engine.goToBookmark(mark))
        }
        let number = try request.integer("number")
        let title = try request.string("title")?.trimmingWhitespace()
        guard number != nil || !(title ?? "").isEmpty else {
            throw .badArgument("chapter needs \"number\" (1-based) or \"title\" (text to look for).")
        }
        return statusJSON(try engine.goToChapter(number: number, title: title))
    }

    func chapterListJSON() throws(WireError) -> JSON {
        guard engine.status.state != .stopped, engine.nowPlaying != nil else { throw .nothingPlaying() }
        let status = engine.heardStatus()
        guard status.state != .stopped, let now = engine.nowPlaying else { throw .nothingPlaying() }
        let current = now.chapters.current(at: status.position)?.number
        let source = now.chapterOrigin?.rawValue
        // The episode's chapters by their numbers, the listener's bookmarks (numbered on their
        // own, `bookmark: true`) in time order among them.
        return .array(Daemon.interleaved(now.chapters.spans, now.bookmarks).map { span in
            var json = chapterJSON(span)
            if case var .object(pairs) = json {
                pairs.append(("length", .number(span.length.isFinite ? span.length : 0)))
                pairs.append(("source", .string(span.isBookmark ? ChapterOrigin.bookmark.rawValue : source ?? span.origin.rawValue)))
                pairs.append(("bookmark", .bool(span.isBookmark)))
                pairs.append(("skip", .bool(engine.wouldSkip(span))))
                if let url = span.url { pairs.append(("url", .string(url))) }
                if let image = span.image { pairs.append(("image", .string(image))) }
                if let description = span.description { pairs.append(("description", .string(description))) }
                pairs.append(("current", .bool(!span.isBookmark && span.number == current)))
                json = .object(pairs)
            }
            return json
        })
    }

    private func quit() -> JSON {
        running = false
        return ["quitting": true]
    }

    // MARK: JSON views

    func statusJSON(_ status: PlayerStatus) -> JSON {
        let now = status.state == .stopped ? nil : engine.nowPlaying
        let chapter = now?.chapters.current(at: status.position)
        return [
            "state": .string(status.state.rawValue),
            "position": .number(status.position),
            "duration": JSON(status.duration),
            "episode": now.map { episodeJSON($0.episode, demo: $0.fromDemo) } ?? .null,
            "chapter": chapter.map(chapterJSON) ?? .null,
            "chapters_count": .number(Double(now?.chapters.count ?? 0)),
            "chapter_starts": .array((now?.chapters.spans ?? []).map { .number($0.start) }),
            "sleep": engine.sleepTimer == nil ? .null : sleepJSON(status),
            "skipped": now == nil ? .null : engine.lastSkipped.map(skippedJSON) ?? .null,
            "output_error": JSON(status.outputError?.message),
            "store_error": JSON(engine.storeProblem),
        ]
    }

    func episodeJSON(_ episode: Episode, demo: Bool = false) -> JSON {
        [
            "number": JSON(episode.number),
            "title": .string(episode.title),
            "series": JSON(episode.series),
            "path": .string(episode.path),
            "demo": .bool(demo),
        ]
    }

    func skippedJSON(_ skipped: SkippedChapter) -> JSON {
        ["number": .number(Double(skipped.number)), "title": .string(skipped.title), "at": .number(skipped.at)]
    }

    func chapterJSON(_ span: ChapterList.Span) -> JSON {
        ["number": .number(Double(span.number)), "title": .string(span.title),
         "start": .number(span.start), "end": span.end.isFinite ? .number(span.end) : .null]
    }
}
