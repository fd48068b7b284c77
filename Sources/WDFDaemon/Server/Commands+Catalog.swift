import Glibc
import WDFAudio
import WDFCore
import WDFLibrary
import WDFProtocol

/// The commands that list: the chapters in play, a series' episodes, an episode's page, played marks.
extension Commands {
    func chapterList() throws(WireError) -> [ChapterInfo] {
        guard engine.status.state != .stopped, engine.nowPlaying != nil else { throw .nothingPlaying() }
        let status = engine.heardStatus()
        guard status.state != .stopped, let now = engine.nowPlaying else { throw .nothingPlaying() }
        let current = now.chapters.current(at: status.position)?.number
        let source = now.chapterOrigin?.rawValue
        // The episode's chapters by their numbers, the listener's bookmarks (numbered on their
        // own, `bookmark: true`) in time order among them.
        return WireView.interleaved(now.chapters.spans, now.bookmarks).map { span in
            var chapter = views.chapter(span)
            chapter.length = span.length.isFinite ? span.length : 0
            chapter.source = span.isBookmark ? ChapterOrigin.bookmark.rawValue : source ?? span.origin.rawValue
            chapter.bookmark = span.isBookmark
            chapter.skip = engine.wouldSkip(span)
            chapter.url = span.url
            chapter.image = span.image
            chapter.description = span.description
            chapter.current = !span.isBookmark && span.number == current
            return chapter
        }
    }

    /// `episodes`: the episodes of a series (`series`, else the current one), or all with `all`.
    func episodes(series wanted: String?, all: Bool) throws(WireError) -> EpisodeList {
        let (items, _, _) = try library.currentCatalog()
        let resolver = library.resolver(items)
        var list = items
        var series: String?
        if let wanted {
            guard let name = resolver.series(named: wanted) else {
                let names = resolver.seriesNames.map { "\"\($0)\"" }.joined(separator: ", ")
                throw WireError("unknown_series", "No series is called \"\(wanted)\"" + (names.isEmpty ? "." : "; the series are \(names)."))
            }
            series = name
        } else if !all, let current = resolver.currentSeries, !resolver.items(inSeries: current).isEmpty {
            series = current
        }
        if let series { list = resolver.items(inSeries: series) }
        var episodes: [EpisodeSummary] = []
        episodes.reserveCapacity(list.count)
        for item in list { episodes.append(library.summary(item)) }
        // `library_incomplete` only when the walk of the library spent its budget.
        return EpisodeList(series: series, episodes: episodes, seriesNames: resolver.seriesNames,
                           libraryIncomplete: library.libraryWalkStop)
    }

    /// `info`: the episode page. Without `episode`: the episode in play, else the last one.
    func page(_ selection: EpisodeSelection?) throws(WireError) -> EpisodePage {
        let item: CatalogItem
        switch selection {
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
        let summary = library.summary(item)
        var album: String?
        var notes: String?
        var notesSource: String?
        var chapters: [ChapterInfo] = []
        if let path = item.path {
            let episode = try library.episode(atPath: path)
            if let html = item.feed?.notesHTML, !html.isEmpty {
                (notes, notesSource) = (html, "feed")
            } else if let comment = episode.comment, !comment.isEmpty {
                (notes, notesSource) = (comment, "tag")
            }
            album = episode.album
            let (list, origin) = library.chapterList(for: episode, duration: item.duration, reportProblems: false)
            let marks = engine.bookmarkSpans(for: episode.path, chapters: list, duration: item.duration)
            chapters = WireView.interleaved(list.spans, marks).map { span in
                ChapterInfo(number: span.number, title: span.title, start: span.start, end: span.end.isFinite ? span.end : nil,
                            source: span.isBookmark ? ChapterOrigin.bookmark.rawValue : origin?.rawValue ?? span.origin.rawValue,
                            url: span.url)
            }
        } else if let feed = item.feed {
            if let html = feed.notesHTML, !html.isEmpty { (notes, notesSource) = (html, "feed") }
            let duration = feed.duration
            chapters = feed.chapters.enumerated().map { offset, chapter in
                let next = offset + 1 < feed.chapters.count ? feed.chapters[offset + 1].start : duration
                return ChapterInfo(number: offset + 1, title: chapter.title, start: chapter.start, end: next,
                                   source: ChapterOrigin.feed.rawValue, url: chapter.url)
            }
        }
        var loudness: LoudnessInfo?
        if let path = item.path, let measured = engine.levels.measurement(of: path) {
            loudness = LoudnessInfo(lufs: measured.loudness, truePeak: measured.truePeak,
                                    gain: engine.levels.gain(for: path, config: engine.config) ?? 0,
                                    levelling: engine.config.normalize)
        }
        return EpisodePage(episode: summary, album: album, notes: notes.map { ShowNotesText.plain($0) }, notesSource: notesSource,
                           chapterList: chapters, url: item.feed?.enclosureURL, guid: item.feed?.guid, loudness: loudness)
    }

    /// `played` / `unplayed`: the listener's mark. Unplayed also forgets the position.
    func setPlayed(_ played: Bool, _ selection: EpisodeSelection?) throws(WireError) -> EpisodeSummary {
        let item: CatalogItem
        switch selection {
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
        return library.summary(item)
    }
}
