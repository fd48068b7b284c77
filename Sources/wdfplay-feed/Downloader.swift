import Glibc
import WDFCore
import WDFNet

struct DownloadError: Error {
    var message: String
    /// The server will not give this file (404, 410, a web page instead of audio …): trying again
    /// later would fail the same way. Network failures, 5xx answers and cut transfers are not.
    var permanent: Bool
    init(_ message: String, permanent: Bool = false) {
        self.message = message
        self.permanent = permanent
    }
}

/// Fetches one feed item's audio into the library: into `NAME.mp3.part` first, resumed where a
/// cut transfer stopped (a few times by itself, and on the next run), checked against the length
/// the server declared and for MPEG audio, then renamed to `NAME.mp3`. The final name never holds
/// half a file. The feed store then records where the episode is. Messages for people go to
/// standard error (standard output carries only `--json` results, and `wdfplay --json` relies on it).
struct Downloader {
    let context: FeedContext
    /// Transfers tried per run before giving up (the `.part` file stays for the next run).
    static let attempts = 4

    func fetch(_ record: FeedRecord, quiet: Bool) throws(DownloadError) -> String {
        guard let url = record.enclosureURL else {
            throw DownloadError("\"\(record.title)\" has no audio file in the feed (its item has no enclosure).")
        }
        let library = context.config.library
        do {
            try FileSystem.makeDirectory(library, mode: 0o755)
        } catch {
            throw DownloadError("Cannot create the library folder \(library): \(error).")
        }
        // One run at a time per episode: two writing one `.part` would interleave their bytes.
        // Held until this returns; a run that waited finds the file the other one saved.
        let lock = lockDownload(record)
        defer { lock?.lock.unlock() }
        var record = record
        if lock?.waited == true, let saved = currentRecord(record.guid) { record = saved }
        if let existing = record.file, FileSystem.exists(existing) {
            if !quiet { warn("\(describe(record)) is already downloaded: \(existing)") }
            return existing
        }
        if let existing = inLibrary(record) {
            // Copied in by hand, or downloaded by another program: recorded, not fetched again.
            try remember(existing, for: record)
            if !quiet { warn("\(describe(record)) is already in the library: \(existing)") }
            return existing
        }
        let target = Downloader.target(for: record, in: library)
        let part = target + ".part"
        let progress = quiet ? nil : ProgressLine(title: record.number.map { "#\($0)" } ?? record.title)
        var lastError: TransferError?
        var result: TransferResult?
        for attempt in 1...Downloader.attempts {
            let fd = open(part, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw DownloadError("Cannot write \(part): \(String(cString: strerror(errno))).") }
            var st = stat()
            fstat(fd, &st)
            let offset = Int(st.st_size)
            if attempt == 1, !quiet {
                let size = record.enclosureLength.map { " (\(Bytes.text($0)))" } ?? ""
                warn(offset > 0 ? "Resuming \(describe(record)) at \(Bytes.text(offset))\(size)" : "Downloading \(describe(record))\(size)")
            }
            do throws(TransferError) {
                result = try HTTP.download(url, into: fd, offset: offset) { progress?.show($0) }
            } catch {
                close(fd)
                progress?.finish()
                if error.status == 416 {
                    // The range asked is past the end: what we have is bigger than the file. Start over.
                    unlink(part)
                    lastError = error
                    continue
                }
                if !error.wasCut {
                    if let status = error.status, status >= 400 { unlink(part) }
                    // A client error says what a retry would get (408 and 429 ask for one).
                    let permanent = error.status.map { (400..<500).contains($0) && $0 != 408 && $0 != 429 } ?? false
                    throw DownloadError("Downloading \"\(record.title)\" failed: \(error.message)", permanent: permanent)
                }
                lastError = error
                if attempt < Downloader.attempts {
                    if !quiet { warn("  the connection broke off; resuming (\(attempt)/\(Downloader.attempts - 1))") }
                    usleep(UInt32(attempt) * 500_000)
                }
                continue
            }
            let synced = fsync(fd) == 0
            close(fd)
            if !synced { throw DownloadError("Cannot write \(part): \(String(cString: strerror(errno))).") }
            lastError = nil
            break
        }
        progress?.finish()
        if let lastError {
            throw DownloadError("Downloading \"\(record.title)\" failed: \(lastError.message) The part received is kept in \(part); run the same command again to resume.")
        }
        try verify(part: part, record: record, result: result)
        guard rename(part, target) == 0 else {
            throw DownloadError("Cannot rename \(part) to \(target): \(String(cString: strerror(errno))).")
        }
        try remember(target, for: record)
        fetchChapters(record)
        if !quiet { warn("Saved \(target)") }
        return target
    }

    /// The library file that is this feed item (by series and number, else by title), as the
    /// daemon would match them; the library index in the cache makes this cheap.
    private func inLibrary(_ record: FeedRecord) -> String? {
        guard FileSystem.isDirectory(context.config.library) else { return nil }
        var catalog = Catalog(root: FileSystem.realPath(context.config.library) ?? context.config.library,
                              cacheDirectory: context.paths.cacheDirectory)
        catalog.loadIndex()
        catalog.refresh()
        try? catalog.saveIndex()
        let items = CatalogItem.merge(entries: catalog.entries, feed: [record])
        return items.first { $0.feed?.guid == record.guid }?.path
    }

    /// The size must be what the server declared (else what the feed declared), and the file
    /// must be MPEG audio: an HTML error page with status 200 is not an episode.
    private func verify(part: String, record: FeedRecord, result: TransferResult?) throws(DownloadError) {
        var st = stat()
        guard stat(part, &st) == 0 else { throw DownloadError("The download \(part) vanished.") }
        let size = Int(st.st_size)
        if let expected = result?.totalLength, size != expected {
            throw DownloadError("Downloading \"\(record.title)\" ended at \(size) bytes, but the server announced \(expected); the part is kept in \(part), run the same command again to resume.")
        }
        if result?.totalLength == nil, let declared = record.enclosureLength, size < declared {
            throw DownloadError("Downloading \"\(record.title)\" ended at \(size) bytes, but the feed announces \(declared); the part is kept in \(part), run the same command again to resume.")
        }
        guard MP3DurationReader.read(path: part) != nil else {
            unlink(part)
            let type = result?.contentType.map { " (the server sent \($0))" } ?? ""
            throw DownloadError("What \(record.enclosureURL ?? "the feed") sent for \"\(record.title)\" is not MP3 audio\(type); nothing was saved.",
                                permanent: true)
        }
    }

    /// The episode's download lock (in the cache folder), taken; `waited` when another run held it.
    private func lockDownload(_ record: FeedRecord) -> (lock: FileLock, waited: Bool)? {
        let path = context.paths.cacheDirectory + "/downloads/" + FeedRecord.fileKey(guid: record.guid) + ".lock"
        do {
            let lock = try FileLock(path: path)
            if lock.tryLock() { return (lock, false) }
            warn("\(describe(record)) is being downloaded by another wdfplay-feed; waiting for it…")
            try lock.lock()
            return (lock, true)
        } catch {
            warn("Cannot lock \(path): \(error); downloading without the lock.")
            return nil
        }
    }

    /// The store's item `guid` as it is now (another run may have downloaded it meanwhile).
    private func currentRecord(_ guid: String) -> FeedRecord? {
        var store = FeedStore(directory: context.paths.stateDirectory)
        _ = store.load()
        return store.item(guid: guid)
    }

    /// Records the file in the feed store, re-read first (under its lock) so that another run's
    /// changes stay.
    private func remember(_ path: String, for record: FeedRecord) throws(DownloadError) {
        let storeLock = context.lockStore()
        defer { storeLock?.unlock() }
        var store = FeedStore(directory: context.paths.stateDirectory)
        if let problem = store.load() { warn(problem) }
        if store.item(guid: record.guid) == nil {
            _ = store.merge([record], feedURL: store.feedURL ?? context.config.feed, podcastTitle: store.podcastTitle, now: record.firstSeen)
        }
        _ = store.setFile(path, forGUID: record.guid)
        do {
            try store.save()
        } catch {
            throw DownloadError("Downloaded \(path), but cannot record it in \(store.file): \(error).")
        }
    }

    /// The item's Podcasting 2.0 chapters file, kept in the cache for the daemon's feed chapter
    /// source. A failure costs only those chapters.
    private func fetchChapters(_ record: FeedRecord) {
        guard let url = record.chaptersURL else { return }
        let file = FeedChapterSource.cachedJSONPath(guid: record.guid, cacheDirectory: context.paths.cacheDirectory)
        do {
            let (bytes, _) = try HTTP.fetch(url, limit: 4 << 20)
            try FileSystem.makeDirectory(FileSystem.directoryName(file))
            try FileSystem.writeAtomically(file, bytes, durable: false)
        } catch {
            warn("Cannot fetch the chapters of \"\(record.title)\" (\(url)): \(error).")
        }
    }

    /// `LIBRARY/Korean War #6 - Sino-Soviet Talks Part 2.mp3`: the title, with `/` and `:` made
    /// harmless, cut to a sane length; a name taken by another file gets " (2)", " (3)" ….
    static func target(for record: FeedRecord, in library: String) -> String {
        var name = ""
        for c in record.title {
            switch c {
            case "/", "\\", "\0": name.append("-")
            case ":": name.append(" -")
            case "\n", "\r", "\t": name.append(" ")
            default: name.append(c)
            }
        }
        name = String(name.trimmingWhitespace().drop { $0 == "." || $0 == "-" })
        while name.utf8.count > 180 { name.removeLast() }
        if name.isEmpty { name = "episode" }
        var candidate = library + "/" + name + ".mp3"
        var n = 2
        while FileSystem.exists(candidate) && !FileSystem.exists(candidate + ".part") {
            candidate = library + "/" + name + " (\(n)).mp3"
            n += 1
        }
        return candidate
    }
}

/// `  #7  12.3 MB / 30.1 MB  41%  2.1 MB/s  0:08 left` redrawn in place on a terminal; on
/// anything else, nothing until the end.
final class ProgressLine {
    let title: String
    let live = isatty(2) != 0
    private var drawn = false

    init(title: String) {
        self.title = title
    }

    func show(_ progress: TransferProgress) {
        guard live else { return }
        var line = "  \(Bytes.text(progress.bytes))"
        if let total = progress.total, total > 0 {
            line += " / \(Bytes.text(total))  \(min(100, progress.bytes * 100 / total))%"
        }
        if progress.rate > 0 {
            line += "  \(Bytes.text(Int(progress.rate)))/s"
            if let total = progress.total, total > progress.bytes {
                line += "  \(TimeFormat.clock(Double(total - progress.bytes) / progress.rate)) left"
            }
        }
        TerminalText.redrawError(line)
        drawn = true
    }

    func finish() {
        guard drawn else { return }
        TerminalText.printError("")
        drawn = false
    }
}
