import Glibc
import WDFAudio
import WDFCore
import WDFLibrary

/// The commands that list: the chapters in play, a series' episodes, an episode's page, played marks.
extension Commands {
    func chapterListJSON() throws(WireError) -> JSON {
        guard engine.status.state != .stopped, engine.nowPlaying != nil else { throw .nothingPlaying() }
        let status = engine.heardStatus()
        guard status.state != .stopped, let now = engine.nowPlaying else { throw .nothingPlaying() }
        let current = now.chapters.current(at: status.position)?.number
        let source = now.chapterOrigin?.rawValue
        // The episode's chapters by their numbers, the listener's bookmarks (numbered on their
        // own, `bookmark: true`) in time order among them.
        return .array(WireView.interleaved(now.chapters.spans, now.bookmarks).map { span in
            var json = views.chapterJSON(span)
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

    /// `episodes`: the episodes of a series (`series`, else the current one), or all with `all`.
    func episodesCommand(_ request: Request) throws(WireError) -> JSON {
        let wanted = try request.string("series")?.trimmingWhitespace()
        let all = try request.bool("all") ?? false
        let (items, _, _) = try library.currentCatalog()
        let resolver = library.resolver(items)
        var list = items
        var series: String?
        if let wanted, !wanted.isEmpty {
            guard let name = resolver.series(named: wanted) else {
                let names = resolver.seriesNames.map { "\"\($0)\"" }.joined(separator: ", ")
                throw WireError("unknown_series", "No series is called \"\(wanted)\"" + (names.isEmpty ? "." : "; the series are \(names)."))
            }
            series = name
        } else if !all, let current = resolver.currentSeries, !resolver.items(inSeries: current).isEmpty {
            series = current
        }
        if let series { list = resolver.items(inSeries: series) }
        var entries: [JSON] = []
        entries.reserveCapacity(list.count)
        for item in list { entries.append(library.itemJSON(item)) }
        var reply: [(String, JSON)] = [
            ("series", JSON(series)),
            ("count", .number(Double(list.count))),
            ("episodes", .array(entries)),
            ("series_names", .array(resolver.seriesNames.map { .string($0) })),
        ]
        // Only when the walk of the library spent its budget: the list may be incomplete.
        if let stop = library.libraryWalkStop { reply.append(("library_incomplete", .string(stop))) }
        return .object(reply)
    }

    /// `info`: the episode page. Without `episode`: the episode in play, else the last one.
    func infoCommand(_ request: Request) throws(WireError) -> JSON {
        let item: CatalogItem
        let selected = try library.selector(request)
        switch selected {
        case let .query(query)?:
            item = try library.resolveItem(query).0
        case let .path(path)?:
            item = try library.itemForPath(path)
        case nil:
            let path = (engine.status.state != .stopped ? engine.nowPlaying?.episode.path : nil) ?? engine.store.lastPath
            guard let path else {
                throw WireError("no_last_episode", "Nothing has been played yet; name an episode, e.g. `wdfctl info 6`.")
            }
            item = try library.itemForPath(path)
        }
        guard case var .object(pairs) = library.itemJSON(item) else { return .null }
        var notes: String?
        var notesSource: String?
        var chapters: [JSON] = []
        if let path = item.path {
            let episode = try library.episode(atPath: path)
            if let html = item.feed?.notesHTML, !html.isEmpty {
                (notes, notesSource) = (html, "feed")
            } else if let comment = episode.comment, !comment.isEmpty {
                (notes, notesSource) = (comment, "tag")
            }
            pairs.append(("album", JSON(episode.album)))
            let (list, origin) = library.chapterList(for: episode, duration: item.duration, reportProblems: false)
            let marks = engine.bookmarkSpans(for: episode.path, chapters: list, duration: item.duration)
            chapters = WireView.interleaved(list.spans, marks).map { span in
                var json: [(String, JSON)] = [
                    ("number", .number(Double(span.number))), ("title", .string(span.title)), ("start", .number(span.start)),
                    ("end", span.end.isFinite ? .number(span.end) : .null),
                    ("source", .string(span.isBookmark ? ChapterOrigin.bookmark.rawValue : origin?.rawValue ?? span.origin.rawValue)),
                ]
                if let url = span.url { json.append(("url", .string(url))) }
                return .object(json)
            }
        } else if let feed = item.feed {
            if let html = feed.notesHTML, !html.isEmpty { (notes, notesSource) = (html, "feed") }
            let duration = feed.duration
            chapters = feed.chapters.enumerated().map { offset, chapter in
                let next = offset + 1 < feed.chapters.count ? feed.chapters[offset + 1].start : duration
                var json: [(String, JSON)] = [
                    ("number", .number(Double(offset + 1))), ("title", .string(chapter.title)), ("start", .number(chapter.start)),
                    ("end", JSON(next)), ("source", .string(ChapterOrigin.feed.rawValue)),
                ]
                if let url = chapter.url { json.append(("url", .string(url))) }
                return .object(json)
            }
        }
        pairs.append(("notes", JSON(notes.map { ShowNotesText.plain($0) })))
        pairs.append(("notes_source", JSON(notesSource)))
        pairs.append(("chapter_list", .array(chapters)))
        if let feed = item.feed {
            pairs.append(("url", JSON(feed.enclosureURL)))
            pairs.append(("guid", .string(feed.guid)))
        }
        if let path = item.path, let measured = engine.levels.measurement(of: path) {
            let gain = engine.levels.gain(for: path, config: engine.config) ?? 0
            pairs.append(("loudness", [
                "lufs": JSON(measured.loudness), "true_peak": JSON(measured.truePeak), "gain": .number(gain),
                "levelling": .bool(engine.config.normalize),
            ]))
        }
        return .object(pairs)
    }

    /// `played` / `unplayed`: the listener's mark. Unplayed also forgets the position.
    func playedCommand(_ request: Request, played: Bool) throws(WireError) -> JSON {
        let item: CatalogItem
        switch try library.selector(request) {
        case let .query(query)?: item = try library.resolveItem(query).0
        case let .path(path)?: item = try library.itemForPath(path)
        case nil:
            let path = (engine.status.state != .stopped ? engine.nowPlaying?.episode.path : nil)
            guard let path else {
                throw .badArgument("Name the episode to mark, e.g. `wdfctl \(played ? "played" : "unplayed") 6`.")
            }
            item = try library.itemForPath(path)
        }
        if let problem = engine.setPlayed(played, key: item.storeKey, duration: item.duration) {
            throw WireError("store_failed", problem)
        }
        return library.itemJSON(item)
    }

}
