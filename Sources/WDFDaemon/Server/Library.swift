import Glibc
import WDFCore
import WDFAudio
import WDFPlatform
import WDFStore
import WDFLibrary
import WDFProtocol

/// The catalog side of the daemon: which episode a request names, the library and the feed.
/// The library index lives in the cache directory and is refreshed (size and modification time
/// of each file) on every request that needs it; the feed store is written by `wdfplay-feed` and
/// re-read here when its file changes. The daemon never touches the network or XML.
final class Library {
    let log = Log("wdf.daemon")
    let paths: XDGPaths
    let configPath: String
    let environment: [String: String]
    var config: Config
    /// The listener's positions and played marks (the engine's resume store).
    var positions: () -> ResumeStore = { ResumeStore(directory: "") }
    /// The library index, loaded on first use.
    var catalog: Catalog?
    var catalogProblem: String?
    var feedStore: FeedStore
    var feedStamp: Int?
    /// Library and feed joined, rebuilt only when either changed.
    var catalogItems: [CatalogItem]?
    /// Reports changes in the library's folders; nil without inotify (then every request walks them).
    var libraryWatch = LibraryWatch()
    /// Why the last walk of the library stopped early (its budget spent), and when the next one
    /// is due: such a folder is walked at most once a minute.
    var libraryWalkStop: String?
    var libraryRewalkAt: Double?
    /// Set when a large list was built (thousands of items): the server trims malloc's arenas.
    var grewLarge = false

    init(paths: XDGPaths, config: Config, configPath: String, environment: [String: String]) {
        self.paths = paths
        self.config = config
        self.configPath = configPath
        self.environment = environment
        feedStore = FeedStore(directory: paths.stateDirectory)
    }

    /// The inotify descriptor for the loop to poll (-1: none).
    var watchFD: Int32 { libraryWatch?.fd ?? -1 }

    /// Takes the changes inotify reported.
    func drainWatch() { libraryWatch?.drain() }

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
        let walkDue = libraryRewalkAt.map { Server.now() >= $0 } ?? (libraryWatch?.changed ?? true)
        if var current = catalog, changed || walkDue {
            libraryWatch?.walking()
            let report = current.refresh(interrupted: Library.stopSignalPending)
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
            if (catalogItems?.count ?? 0) > 1000 { grewLarge = true }
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
        libraryRewalkAt = Server.now() + 60
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
        var resolver = EpisodeResolver(items: items, currentSeries: nil, lastKey: positions().lastPath, records: positions().records)
        // Config `series` may be a unique beginning of a name, as on the command line.
        var current: String? = config.series.isEmpty ? nil : resolver.series(named: config.series) ?? config.series
        if current == nil, let last = positions().lastPath {
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
                            detail: AmbiguousEpisode(candidates: candidates.map(summary)).json)
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
        let detail = NotDownloaded(guid: item.feed?.guid, title: item.title, url: item.feed?.enclosureURL,
                                   length: item.feed?.enclosureLength)
        let how = item.feed?.enclosureURL == nil
            ? "and its feed item has no audio file to download."
            : "yet; `wdfctl download \(item.number.map { "\($0)" } ?? "\"\(item.title)\"")` fetches it."
        throw WireError("not_downloaded", "\(item.shortName) (\"\(item.title)\") is in the feed but not downloaded \(how)",
                        detail: detail.json)
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

}
