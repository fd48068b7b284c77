import ArgumentParser
import Glibc
import WDFClient
import WDFConfig
import WDFCore
import WDFFeed
import WDFNet
import WDFPlatform
import WDFStore
import WDFLibrary

@main
struct WDFPlayFeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdfplay-feed",
        abstract: "Fetch the podcast feed and download episodes (run by `wdfctl sync|download` and `wdfplay`).",
        discussion: """
            The feed is config `feed`; episodes go into config `library`. What the feed says is kept in \
            $XDG_STATE_HOME/wdfplay/feed.json, which wdfplayd reads. Only this program talks to the network.
            """,
        version: wdfplayVersion,
        subcommands: [SyncCommand.self, DownloadCommand.self])

    /// Whatever the exit (`fail` too), what was printed reached standard output or the status is 74.
    static func main() {
        StandardOutput.checkAtExit()
        main(nil)
    }
}

/// Settings and stores shared by the subcommands.
struct FeedContext {
    let environment: [String: String]
    let paths: XDGPaths
    let configPath: String
    let config: Config
    /// Deadlines, minimum speed and sizes of transfers (`TransferLimits`, from the environment).
    let limits: TransferLimits
    var store: FeedStore

    init() throws {
        environment = Environment.current
        paths = XDGPaths(environment: environment)
        configPath = Config.defaultPath(environment: environment)
        do {
            config = try ConfigFile.load(path: configPath)
        } catch {
            fail(error.description)
        }
        do throws(TransferError) {
            limits = try TransferLimits(environment: environment)
        } catch {
            fail(error.message)
        }
        store = FeedStore(directory: paths.stateDirectory)
    }

    var feedURL: String {
        get throws {
            guard !config.feed.isEmpty else {
                fail("No feed is configured: set `feed = \"https://…\"` in \(configPath).")
            }
            return config.feed
        }
    }

    func save() {
        do {
            try store.save()
        } catch {
            fail("Cannot save the feed store \(store.file): \(error).")
        }
    }

    /// The feed store's lock, taken (waiting for another run that holds it): read, change and
    /// save the store while holding it, so that a sync and a download at the same time (the
    /// timer and a listener, say) do not undo each other's changes. nil, with a warning, when the
    /// lock file cannot be made: the run goes on without it.
    func lockStore() -> FileLock? {
        do {
            let lock = try FileLock(path: store.file + ".lock")
            if !lock.tryLock() {
                warn("Waiting for another wdfplay-feed to finish writing \(store.file)…")
                try lock.lock()
            }
            return lock
        } catch {
            warn("Cannot lock \(store.file): \(error); going on without the lock.")
            return nil
        }
    }

    /// Reads the store (with its lock held: what other runs wrote is in it). A damaged one is set
    /// aside by `load`; what could be recovered from it is written back at once, so that every
    /// later read — the download's, the next run's — finds those episodes rather than no file.
    /// A store that exists but cannot be read (too large, no permission) is left alone, and the
    /// run ends: writing what it knows over it would lose every episode it records.
    mutating func loadStore() {
        store = FeedStore(directory: paths.stateDirectory)
        guard let problem = store.load() else { return }
        if store.isUnreadable {
            fail("\(problem) It is left as it is and nothing was changed; fix or move it aside, then run again.")
        }
        warn(problem)
        if !FileSystem.exists(store.file), !store.items.isEmpty || store.feedURL != nil { save() }
    }
}

/// One line on stderr and exit status 1.
func fail(_ message: String) -> Never {
    printError(message)
    exit(1)
}

/// A message for people (progress, notes): standard error, so that stdout stays for `--json`.
func warn(_ message: String) {
    printError(message)
}

// MARK: sync

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Fetch the feed and record every episode it lists.")

    @Option(help: ArgumentHelp("""
        Then download: `new` (episodes first seen in this sync, and those an earlier such sync could not \
        download; on the first sync of a feed only its newest episode) or `none`.
        """, valueName: "WHICH"))
    var download = "none"

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    func validate() throws {
        guard ["new", "none"].contains(download) else { throw ValidationError("--download takes `new` or `none`, not \"\(download)\".") }
    }

    func run() throws {
        var context = try FeedContext()
        let url = try context.feedURL
        let bytes: [UInt8]
        let result: TransferResult
        do {
            (bytes, result) = try HTTP.fetch(url, origin: .local, limits: context.limits)
        } catch {
            fail("Cannot fetch the feed: \(error.message) Nothing changed; the episodes known before are kept.")
        }
        let document: FeedDocument
        let now = Int(time(nil))
        do {
            document = try RSSParser.parse(bytes, now: now)
        } catch {
            fail("The feed at \(url) is not usable: \(error) Nothing changed; the episodes known before are kept.")
        }
        // From here to the save, the store is this run's alone; another run may have changed it
        // while the feed was being fetched.
        let storeLock = context.lockStore()
        context.loadStore()
        // A feed never synced before (the store is empty, or held another feed's episodes).
        let firstSync = context.store.items.isEmpty || context.store.feedURL != url
        let merge = context.store.merge(document.items, feedURL: url, podcastTitle: document.title, now: now)
        // What `--download new` takes: a listener who subscribes wants the latest episode, not the
        // whole back catalogue; after that, every new one. The mark is saved with the merge, so a
        // download that fails now is tried again by the next sync.
        let fresh = merge.added.filter { $0.enclosureURL != nil }
        let chosen = firstSync ? FeedStore.newest(fresh).map { [$0] } ?? [] : fresh
        if download == "new" {
            for record in chosen { context.store.setWanted(true, forGUID: record.guid) }
        }
        let retried = download == "new" ? context.store.wantedDownloads.filter { r in !chosen.contains { $0.guid == r.guid } } : []
        context.save()
        storeLock?.unlock()
        // Downloads go into the library folder: make it now, so that the daemon lists the feed's
        // episodes even before the first download.
        try? FileSystem.makeDirectory(context.config.library, mode: 0o755)
        let withoutAudio = document.items.filter { $0.enclosureURL == nil }
        if json && download == "none" {
            let summary: JSON = [
                "feed": .string(url), "final_url": .string(result.finalURL), "title": JSON(document.title),
                "items": .number(Double(document.items.count)), "known": .number(Double(context.store.items.count)),
                "added": .array(merge.added.map(recordJSON)), "updated": .number(Double(merge.updated)),
                "without_audio": .array(withoutAudio.map { .string($0.title) }),
            ]
            TerminalText.print(summary.serialized)
        } else if !json {
            let name = document.title ?? url
            // Episodes first seen in the feed but already in the library (the first sync of a
            // listener who has been downloading by hand) are not new to them.
            let present = context.alreadyInLibrary(merge.added)
            var line = "\(name): \(document.items.count) episodes in the feed, \(merge.added.count - present.count) new"
            if !present.isEmpty { line += ", \(present.count) already in the library" }
            if context.store.items.count > document.items.count { line += ", \(context.store.items.count) known in all" }
            TerminalText.print(line + ".")
            for record in merge.added {
                if let known = present[record.guid] {
                    TerminalText.print("  in the library\(known.played ? ", played" : ""): \(describe(record))")
                } else {
                    TerminalText.print("  new: \(describe(record))")
                }
            }
            for record in withoutAudio { TerminalText.print("  no audio file in the feed item: \"\(record.title)\"") }
            if result.finalURL != url { TerminalText.print("  (the feed moved to \(result.finalURL))") }
            if download == "new" && firstSync && fresh.count > chosen.count {
                TerminalText.print("  First sync of this feed: only the newest episode is downloaded; `wdfctl download N` fetches any other.")
            }
            for record in retried { TerminalText.print("  again: \(describe(record)) (its download failed before)") }
        }
        guard download == "new" else { return }
        var downloaded: [JSON] = []
        var failed = false
        var givenUp: [FeedRecord] = []
        for record in context.store.wantedDownloads {
            do {
                let path = try Downloader(context: context).fetch(record, quiet: json)
                downloaded.append(["guid": .string(record.guid), "path": .string(path)])
            } catch {
                warn(error.message)
                failed = true
                if error.permanent { givenUp.append(record) }
            }
        }
        if !givenUp.isEmpty {
            // Asking again would get the same answer: the next syncs leave these alone.
            let storeLock = context.lockStore()
            context.loadStore()
            for record in givenUp {
                context.store.setWanted(false, forGUID: record.guid)
                warn("\(describe(record)): not tried again by later syncs; `wdfctl download \(record.number.map(String.init) ?? "\"\(record.title)\"")` tries by hand.")
            }
            context.save()
            storeLock?.unlock()
        }
        if json {
            let summary: JSON = ["added": .array(merge.added.map(recordJSON)), "again": .array(retried.map(recordJSON)),
                                 "downloaded": .array(downloaded)]
            TerminalText.print(summary.serialized)
        }
        if failed { throw ExitCode(1) }
    }
}

func describe(_ record: FeedRecord) -> String {
    var text = record.number.map { "#\($0) " } ?? ""
    text += record.title
    if let date = record.date { text += " (\(date))" }
    return text
}

func recordJSON(_ record: FeedRecord) -> JSON {
    [
        "guid": .string(record.guid), "title": .string(record.title), "number": JSON(record.number),
        "series": JSON(record.series), "date": JSON(record.date), "url": JSON(record.enclosureURL),
        "length": JSON(record.enclosureLength), "file": JSON(record.file),
    ]
}

// MARK: download

struct DownloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download", abstract: "Download an episode known from the feed into the library.")

    @Argument(help: ArgumentHelp("The episode: N, SERIES N, or title words.", valueName: "EPISODE"))
    var words: [String] = []

    @Option(help: "The feed item's guid (what wdfplay passes).")
    var guid: String?

    @Flag(help: "Print the result as one JSON object (no progress bar).")
    var json = false

    func validate() throws {
        if words.isEmpty && guid == nil { throw ValidationError("Name the episode to download, e.g. `wdfctl download 7`.") }
    }

    func run() throws {
        var context = try FeedContext()
        let storeLock = context.lockStore()
        context.loadStore()
        storeLock?.unlock()
        let record = try choose(context)
        do {
            let path = try Downloader(context: context).fetch(record, quiet: json)
            let summary: JSON = ["guid": .string(record.guid), "path": .string(path)]
            if json { TerminalText.print(summary.serialized) }
        } catch {
            fail(error.message)
        }
    }

    private func choose(_ context: FeedContext) throws -> FeedRecord {
        if let guid {
            guard let record = context.store.item(guid: guid) else {
                fail("The feed store has no item with guid \"\(guid)\"; run `wdfctl sync` first.")
            }
            return record
        }
        guard !context.store.items.isEmpty else {
            fail("No episodes are known from the feed yet; run `wdfctl sync` first.")
        }
        let items = CatalogItem.merge(entries: [], feed: context.store.items)
        let resolver = EpisodeResolver(items: items, currentSeries: context.config.series.isEmpty ? nil : context.config.series,
                                       lastKey: nil)
        // The words name an episode as they do for wdfplay (EpisodeWords, EpisodeSelection).
        let query: EpisodeQuery
        switch EpisodeWords.selection(words) {
        case let .query(named)?: query = named
        case let .path(path)?: fail("\(path) is a file; download takes an episode of the feed, e.g. `wdfctl download 7`.")
        case nil: fail("Name the episode to download, e.g. `wdfctl download 7`.")
        }
        switch resolver.resolve(query) {
        case let .found(item):
            guard let record = item.feed else { fail("That episode is not in the feed.") }
            return record
        case let .ambiguous(sentence, candidates):
            fail(sentence + candidates.map { "\n  \($0.number.map { "#\($0)" } ?? "  ")  \($0.title)" }.joined())
        case .notFound:
            let numbers = items.compactMap(\.number)
            let known = numbers.isEmpty ? "" : " (it lists numbers \(numbers.min()!)–\(numbers.max()!))"
            fail("The feed has no episode \"\(words.joined(separator: " "))\"\(known); `wdfctl sync` fetches the latest.")
        }
    }
}
