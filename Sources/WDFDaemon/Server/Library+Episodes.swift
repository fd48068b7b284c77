import Glibc
import WDFAudio
import WDFCore
import WDFPlatform
import WDFLibrary
import WDFProtocol

/// Episodes in files: reading them, their chapters, the library folder, and an item on the wire.
extension Library {
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
        if config.libraryIsDefault, let demo = DemoSeries.locate(environment: environment) {
            return (demo, true)
        }
        if config.libraryIsDefault {
            throw WireError("no_library", "The library folder \(root) does not exist; set `library` in \(configPath).")
        }
        throw WireError("no_library", "The library folder \(root) (key `library` in \(configPath)) does not exist.")
    }

    func isDemo(_ path: String) -> Bool {
        guard let demo = DemoSeries.locate(environment: environment) else { return false }
        return path.hasPrefix(demo + "/")
    }

    /// The episode's navigable chapters: the winning source's. The listener's bookmarks are
    /// not among them (they would renumber them); see `Engine.bookmarkSpans`.
    func chapterList(for episode: Episode, duration: Double?, reportProblems: Bool = true) -> (ChapterList, ChapterOrigin?) {
        let sources = ChapterSources.all(feed: feedRecord(forPath: episode.path), cacheDirectory: paths.cacheDirectory)
        let merged = ChapterSources.merged(forAudioAt: episode.path, tag: episode.tag, duration: duration,
                                           bookmarks: [], sources: sources)
        if reportProblems { for problem in merged.problems { log.warning(problem) } }
        return (ChapterList(sourced: merged.chapters, duration: duration), merged.origin)
    }

    // MARK: on the wire

    /// The item as the catalog's episode object (`episodes`, `played`, `info`, candidates).
    func summary(_ item: CatalogItem) -> EpisodeSummary {
        let record = positions().record(for: item.storeKey)
        let state: EpisodeSummary.Progress.State
        if let record, record.played {
            state = .played
        } else if let record, record.position > 0 {
            state = .partial(position: record.position)
        } else {
            state = .new
        }
        return EpisodeSummary(number: item.number, title: item.title, series: item.series, date: item.date, duration: item.duration,
                              durationEstimated: item.durationIsEstimate, path: item.path, downloaded: item.isDownloaded,
                              inFeed: item.feed != nil, progress: .init(state, updated: record.map { Double($0.updated) }),
                              chapters: item.entry?.chapterCount ?? item.feed?.chapters.count, problem: item.entry?.problem)
    }
}

// MARK: what the engine asks

extension Library: EngineHost {
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
