import Glibc
import WDFCore
import WDFAudio

/// The catalog side of the daemon: which episode a request names, the episode list, the
/// episode page, played marks. The library index lives in the cache directory and is refreshed
/// (size and modification time of each file) on every request that needs it; the feed store is
/// written by `wdfplay-feed` and re-read here when its file changes. The daemon never touches
/// the network or XML.
extension Daemon {
    // MARK: the catalog

    /// Library and feed joined, up to date with the folder; and the library folder.
    func currentCatalog() throws(WireError) -> (items: [CatalogItem], root: String, fromDemo: Bool) {
        let (root, fromDemo) = try libraryRoot()
        var changed = false
        if catalog?.root != root {
            var fresh = Catalog(root: root, cacheDirectory: paths.cacheDirectory)
            fresh.loadIndex()
            catalog = fresh
            libraryWatch?.forgetAll()
            changed = true
        }
        // Walk the folders only when inotify saw a change since the last walk (or cannot tell);
        // a folder whose last walk spent its budget, at most once a minute.
        let walkDue = libraryRewalkAt.map { Daemon.now() >= $0 } ?? (libraryWatch?.changed ?? true)
        if var current = catalog, changed || walkDue {
            libraryWatch?.walking()
            let report = current.refresh(interrupted: Daemon.stopSignalPending)
            noteWalk(report, root: root)
            if report.stopped == nil, let watch = libraryWatch, !watch.watch(current.directories) {
                log.notice("cannot watch every folder of the library (inotify); it will be read again on every request")
                libraryWatch = nil
            }
            if report.changed {
                changed = true
                log.debug("library: \(report.read) read, \(report.kept) unchanged, \(report.removed) gone")
            }
            do {
                try current.saveIndex()
                catalogProblem = nil
            } catch {
                if catalogProblem == nil { log.warning("Cannot write the library index: \(error).") }
                catalogProblem = "\(error)"
            }
            catalog = current
        }
        if reloadFeedIfChanged() { changed = true }
        if changed || catalogItems == nil {
            catalogItems = nil
            catalogItems = CatalogItem.merge(entries: catalog?.entries ?? [], feed: feedStore.items)
            // Reading thousands of tags or a large index leaves freed memory behind.
            if (catalogItems?.count ?? 0) > 1000 { trimAfterLargeReply = true }
        }
        return (catalogItems ?? [], root, fromDemo)
    }

    /// Logs a walk that stopped early (once per reason) and schedules the next one.
    private func noteWalk(_ report: Catalog.Refresh, root: String) {
        if report.tooDeep > 0 {
            log.debug("library: \(report.tooDeep) folders deeper than \(LibraryWalk.Budget.library.depth) levels left out")
        }
        guard let stop = report.stopped, stop != .interrupted else {
            if libraryWalkStop != nil { log.notice("the library folder was walked to its end again") }
            libraryWalkStop = nil
            libraryRewalkAt = nil
            return
        }
        let sentence = stop.sentence(root: root) + " It is walked again a minute later at the earliest."
        if sentence != libraryWalkStop { log.warning(sentence) }
        libraryWalkStop = sentence
        libraryRewalkAt = Daemon.now() + 60
    }

    /// Whether SIGTERM or SIGINT waits to be read (they are blocked and read from a signalfd by
    /// the main loop): a long walk of the library stops for them.
    static func stopSignalPending() -> Bool {
        var set = sigset_t()
        sigemptyset(&set)
        guard sigpending(&set) == 0 else { return false }
        return sigismember(&set, SIGTERM) == 1 || sigismember(&set, SIGINT) == 1
    }

    /// Re-reads the feed store when its file changed (`wdfplay-feed` writes it); true if it did.
    func reloadFeedIfChanged() -> Bool {
        var st = stat()
        // Wrapping arithmetic: only equality matters, and a time past 2262 (ext4 goes to 2446)
        // in nanoseconds overflows Int, which trapped.
        let stamp = stat(feedStore.file, &st) == 0
            ? Int(st.st_mtim.tv_sec) &* 1_000_000_000 &+ Int(st.st_mtim.tv_nsec) ^ Int(st.st_size) : nil
        guard stamp != feedStamp else { return false }
        feedStamp = stamp
        var fresh = FeedStore(directory: paths.stateDirectory)
        if let problem = fresh.load() { log.warning(problem) }
        feedStore = fresh
        return true
    }

    /// The feed item of the file at `path`, if the feed knows it.
    func feedRecord(forPath path: String) -> FeedRecord? {
        if let items = catalogItems, let item = items.first(where: { $0.path == path }) { return item.feed }
        return feedStore.items.first { $0.file == path }
    }

    func resolver(_ items: [CatalogItem]) -> EpisodeResolver {
        var resolver = EpisodeResolver(items: items, currentSeries: nil, lastKey: engine.store.lastPath, records: engine.store.records)
        // Config `series` may be a unique beginning of a name, as on the command line.
        var current: String? = config.series.isEmpty ? nil : resolver.series(named: config.series) ?? config.series
        if current == nil, let last = engine.store.lastPath {
            current = items.first(where: { $0.storeKey == last })?.series
        }
        resolver.currentSeries = current
        return resolver
    }

    /// The episode after the finished one at `path` in its series (skipping those marked
    /// played), when there is one.
    func nextAfterFinished(_ path: String) -> (CatalogItem, fromDemo: Bool)? {
        guard let (items, _, fromDemo) = try? currentCatalog(),
              let item = items.first(where: { $0.path == path }),
              case let .found(next) = resolver(items).following(item, skippingPlayed: true) else { return nil }
        return (next, fromDemo)
    }

    /// What `episode` (or `path`) and `series` in a request ask for; nil when it names none.
    func selector(_ request: Request) throws(WireError) -> EpisodeSelection? {
        var target = request.body["episode"] ?? .null
        if target.isNull, let path = try request.string("path") { target = .string(path) }
        return try EpisodeSelection(episode: target, series: try request.string("series"))
    }

    /// The one episode `query` names, or a refusal that says why (with the candidates when
    /// several fit, and what to do when it is not downloaded yet).
    func resolveItem(_ query: EpisodeQuery) throws(WireError) -> (CatalogItem, fromDemo: Bool) {
        let (items, root, fromDemo) = try currentCatalog()
        switch resolver(items).resolve(query) {
        case let .found(item):
            return (item, fromDemo)
        case let .ambiguous(sentence, candidates):
            let list = candidates.map { candidate in
                "\n  \(candidate.number.map { "#\($0)" } ?? "  ")  \(candidate.title)" + (candidate.path.map { "  (\($0))" } ?? "  (not downloaded)")
            }
            throw WireError("ambiguous_episode", sentence + list.joined(),
                            detail: ["candidates": .array(candidates.map { itemJSON($0) })])
        case let .notFound(sentence):
            if items.isEmpty {
                throw WireError("unknown_episode", "\(sentence) The library at \(root) has no MP3 files.")
            }
            throw WireError("unknown_episode", sentence)
        }
    }

    /// The item's file, or `not_downloaded` naming what to fetch.
    func downloadedPath(_ item: CatalogItem) throws(WireError) -> String {
        if let path = item.path { return path }
        var detail: [(String, JSON)] = [("guid", JSON(item.feed?.guid)), ("title", .string(item.title))]
        if let url = item.feed?.enclosureURL { detail.append(("url", .string(url))) }
        if let length = item.feed?.enclosureLength { detail.append(("length", .number(Double(length)))) }
        let how = item.feed?.enclosureURL == nil
            ? "and its feed item has no audio file to download."
            : "yet; `wdfctl download \(item.number.map { "\($0)" } ?? "\"\(item.title)\"")` fetches it."
        throw WireError("not_downloaded", "\(item.shortName) (\"\(item.title)\") is in the feed but not downloaded \(how)",
                        detail: .object(detail))
    }

    // MARK: commands

    /// `episodes`: the episodes of a series (`series`, else the current one), or all with `all`.
    func episodesCommand(_ request: Request) throws(WireError) -> JSON {
        let wanted = try request.string("series")?.trimmingWhitespace()
        let all = try request.bool("all") ?? false
        let (items, _, _) = try currentCatalog()
        let resolver = resolver(items)
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
        for item in list { entries.append(itemJSON(item)) }
        var reply: [(String, JSON)] = [
            ("series", JSON(series)),
            ("count", .number(Double(list.count))),
            ("episodes", .array(entries)),
            ("series_names", .array(resolver.seriesNames.map { .string($0) })),
        ]
        // Only when the walk of the library spent its budget: the list may be incomplete.
        if let stop = libraryWalkStop { reply.append(("library_incomplete", .string(stop))) }
        return .object(reply)
    }

    /// `info`: the episode page. Without `episode`: the episode in play, else the last one.
    func infoCommand(_ request: Request) throws(WireError) -> JSON {
        let item: CatalogItem
        let selected = try selector(request)
        switch selected {
        case let .query(query)?:
            item = try resolveItem(query).0
        case let .path(path)?:
            item = try itemForPath(path)
        case nil:
            let path = (engine.status.state != .stopped ? engine.nowPlaying?.episode.path : nil) ?? engine.store.lastPath
            guard let path else {
                throw WireError("no_last_episode", "Nothing has been played yet; name an episode, e.g. `wdfctl info 6`.")
            }
            item = try itemForPath(path)
        }
        guard case var .object(pairs) = itemJSON(item) else { return .null }
        var notes: String?
        var notesSource: String?
        var chapters: [JSON] = []
        if let path = item.path {
            let episode = try episode(atPath: path)
            if let html = item.feed?.notesHTML, !html.isEmpty {
                (notes, notesSource) = (html, "feed")
            } else if let comment = episode.comment, !comment.isEmpty {
                (notes, notesSource) = (comment, "tag")
            }
            pairs.append(("album", JSON(episode.album)))
            let (list, origin) = chapterList(for: episode, duration: item.duration, reportProblems: false)
            let marks = engine.bookmarkSpans(for: episode.path, chapters: list, duration: item.duration)
            chapters = Daemon.interleaved(list.spans, marks).map { span in
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
        return .object(pairs)
    }

    /// `played` / `unplayed`: the listener's mark. Unplayed also forgets the position.
    func playedCommand(_ request: Request, played: Bool) throws(WireError) -> JSON {
        let item: CatalogItem
        switch try selector(request) {
        case let .query(query)?: item = try resolveItem(query).0
        case let .path(path)?: item = try itemForPath(path)
        case nil:
            let path = (engine.status.state != .stopped ? engine.nowPlaying?.episode.path : nil)
            guard let path else {
                throw .badArgument("Name the episode to mark, e.g. `wdfctl \(played ? "played" : "unplayed") 6`.")
            }
            item = try itemForPath(path)
        }
        if let problem = engine.setPlayed(played, key: item.storeKey, duration: item.duration) {
            throw WireError("store_failed", problem)
        }
        return itemJSON(item)
    }

    /// The catalog item of a file (one outside the library gets an entry of its own).
    func itemForPath(_ path: String) throws(WireError) -> CatalogItem {
        let items = (try? currentCatalog().items) ?? []
        let real = FileSystem.realPath(path) ?? path
        if let item = items.first(where: { $0.path == real || $0.path == path }) { return item }
        try checkEpisodeFile(path)
        var st = stat()
        guard FileName.withCString(real, { stat($0, &st) }) == 0 else {
            throw WireError("file_not_found", "The file \(FileName.display(path)) does not exist.")
        }
        let entry = CatalogEntry.read(path: real, size: Int(st.st_size), mtime: 0)
        return CatalogItem(entry: entry, feed: nil)
    }

    // MARK: JSON

    func itemJSON(_ item: CatalogItem) -> JSON {
        let record = engine.store.record(for: item.storeKey)
        var progress: [(String, JSON)]
        if let record, record.played {
            progress = [("state", "played")]
        } else if let record, record.position > 0 {
            progress = [("state", "partial"), ("position", .number(record.position))]
        } else {
            progress = [("state", "new")]
        }
        if let record { progress.append(("updated", .number(Double(record.updated)))) }
        var pairs: [(String, JSON)] = [
            ("number", JSON(item.number)),
            ("title", .string(item.title)),
            ("series", JSON(item.series)),
            ("date", JSON(item.date)),
            ("duration", JSON(item.duration)),
            ("path", JSON(item.path)),
            ("downloaded", .bool(item.isDownloaded)),
            ("in_feed", .bool(item.feed != nil)),
            ("progress", .object(progress)),
        ]
        if item.durationIsEstimate { pairs.append(("duration_estimated", true)) }
        if let entry = item.entry {
            pairs.append(("chapters", .number(Double(entry.chapterCount))))
            if let problem = entry.problem { pairs.append(("problem", .string(problem))) }
        } else if let feed = item.feed {
            pairs.append(("chapters", .number(Double(feed.chapters.count))))
        }
        return .object(pairs)
    }
}

// MARK: what the engine asks

extension Daemon: EngineHost {
    func chapters(for episode: Episode, duration: Double?) -> (ChapterList, ChapterOrigin?) {
        chapterList(for: episode, duration: duration)
    }

    /// The next episode of the series of the one at `path` (skipping those marked played).
    func episode(after path: String) -> CatalogItem? {
        guard let items = try? currentCatalog().items,
              let item = items.first(where: { $0.path == path }),
              case let .found(next) = resolver(items).following(item, skippingPlayed: true) else { return nil }
        return next
    }
}
