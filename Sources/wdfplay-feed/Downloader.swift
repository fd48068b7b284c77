import Glibc
import WDFCore
import WDFNet
import WDFPlatform
import WDFStore
import WDFLibrary

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

/// Fetches one feed item's audio into the library: into `.wdfplay-download-KEY.part` first (KEY
/// from the item's guid and URL: each item has its own, and a part is only resumed for the same
/// item and URL), resumed where a cut transfer stopped (a few times by itself, and on the next
/// run), under `TransferLimits` (deadline, minimum speed, size), checked against the length the
/// server announced and for MPEG audio, then renamed to `NAME.mp3` (a name no other file has).
/// The final name never holds half a file. The feed store then records where the episode is. Messages for people go to
/// standard error (standard output carries only `--json` results, and `wdfplay --json` relies on it).
struct Downloader {
    let context: FeedContext
    /// Transfers tried per run before giving up (the `.part` file stays for the next run).
    static let attempts = 4

    func fetch(_ record: FeedRecord, quiet: Bool) throws(DownloadError) -> String {
        guard let url = record.enclosureURL else {
            throw DownloadError("\"\(record.title)\" has no audio file in the feed (its item has no enclosure).")
        }
        // Only a feed read from a local file may point at local files.
        let origin = TransferOrigin.ofFeed(context.store.feedURL ?? context.config.feed)
        if let refusal = origin.refusal(url) {
            throw DownloadError("Downloading \"\(record.title)\" is refused: \(refusal)", permanent: true)
        }
        let library = context.config.library
        do {
            try FileSystem.makeDirectory(library, mode: 0o755)
        } catch {
            throw DownloadError("Cannot create the library folder \(library): \(error).")
        }
        // One run at a time per episode: two writing one `.part` would interleave their bytes.
        // Held until this returns; a run that waited finds the file the other one saved.
        let lock = try lockDownload(record)
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
        let part = Downloader.partPath(for: record, url: url, in: library)
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
                result = try HTTP.download(url, into: fd, offset: offset, declared: record.enclosureLength, origin: origin,
                                           limits: context.limits) { progress?.show($0) }
            } catch {
                close(fd)
                progress?.finish()
                if error.isPermanent {
                    // Refused (a scheme, a redirect, compressed audio) or over its size: nothing of it is kept.
                    unlink(part)
                    throw DownloadError("Downloading \"\(record.title)\" failed: \(error.message)", permanent: true)
                }
                if error.timedOut {
                    Downloader.removeIfEmpty(part)
                    let kept = FileSystem.exists(part) ? " The part received is kept in \(part); run the same command again to resume." : ""
                    throw DownloadError("Downloading \"\(record.title)\" failed: \(error.message)\(kept)")
                }
                if error.status == 416 || error.cannotResume {
                    // The range asked is past the end (what we have is bigger than the file), or the
                    // server sends the whole file whatever range is asked: start over.
                    unlink(part)
                    lastError = error
                    continue
                }
                if !error.wasCut {
                    if let status = error.status, status >= 400 { unlink(part) } else { Downloader.removeIfEmpty(part) }
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
            var written = stat()
            if fstat(fd, &written) == 0 { progress?.complete(bytes: Int(written.st_size)) }
            close(fd)
            if !synced { throw DownloadError("Cannot write \(part): \(String(cString: strerror(errno))).") }
            lastError = nil
            break
        }
        progress?.finish()
        if let lastError {
            Downloader.removeIfEmpty(part)
            let kept = FileSystem.exists(part) ? " The part received is kept in \(part); run the same command again to resume." : ""
            throw DownloadError("Downloading \"\(record.title)\" failed: \(lastError.message)\(kept)")
        }
        try verify(part: part, record: record, result: result)
        let target = try Downloader.place(part, for: record, in: library)
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
        // Every known item: a file another item was saved to (one of the same title, say) is
        // that item's, not this one's.
        // (Recorded paths as the catalog spells them: real paths.)
        let records = [record] + context.store.items.filter { $0.guid != record.guid }.map { item in
            var item = item
            item.file = item.file.map { FileSystem.realPath($0) ?? $0 }
            return item
        }
        let items = CatalogItem.merge(entries: catalog.entries, feed: records)
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
    /// Another run's download is waited for at most `limits.lockWait` seconds.
    private func lockDownload(_ record: FeedRecord) throws(DownloadError) -> (lock: FileLock, waited: Bool)? {
        let path = context.paths.cacheDirectory + "/downloads/" + FeedRecord.fileKey(guid: record.guid) + ".lock"
        let lock: FileLock
        do {
            lock = try FileLock(path: path)
        } catch {
            warn("Cannot lock \(path): \(error); downloading without the lock.")
            return nil
        }
        if lock.tryLock() { return (lock, false) }
        let wait = context.limits.lockWait
        warn("\(describe(record)) is being downloaded by another wdfplay-feed; waiting for it (at most \(TimeFormat.clock(Double(wait))))…")
        var waited = 0
        while waited < wait * 10 {
            usleep(100_000)
            waited += 1
            if lock.tryLock() { return (lock, true) }
        }
        throw DownloadError("Gave up waiting for another wdfplay-feed downloading \(describe(record)) after \(TimeFormat.clock(Double(wait))); it is still at it. Try again once it is done (or stopped).")
    }

    /// `LIBRARY/.wdfplay-download-KEY.part`: KEY from the guid and the URL, so that two items of
    /// one title have a part each, and a part is resumed only by the item and URL it came from.
    static func partPath(for record: FeedRecord, url: String, in library: String) -> String {
        library + "/.wdfplay-download-" + FeedRecord.fileKey(guid: record.guid + "\u{0}" + url) + ".part"
    }

    /// Removes `path` when it is an empty file (a transfer refused before its first byte).
    static func removeIfEmpty(_ path: String) {
        var st = stat()
        if stat(path, &st) == 0, st.st_size == 0 { unlink(path) }
    }

    /// Gives the finished `part` its name in the library (`target`), without replacing a file
    /// already there: another name is taken instead.
    static func place(_ part: String, for record: FeedRecord, in library: String) throws(DownloadError) -> String {
        for _ in 0..<100 {
            let target = Downloader.target(for: record, in: library)
            if link(part, target) == 0 {
                unlink(part)
                return target
            }
            if errno == EEXIST { continue }
            // No hard links here (a FAT drive, say): a rename, which the name check above made safe enough.
            guard rename(part, target) == 0 else {
                throw DownloadError("Cannot rename \(part) to \(target): \(String(cString: strerror(errno))).")
            }
            return target
        }
        throw DownloadError("Cannot find a free name for \(record.title) in \(library); the download is kept in \(part).")
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
        if let problem = store.load() {
            if store.isUnreadable {
                throw DownloadError("Downloaded \(path), but cannot record it: \(problem) The feed store is left as it is.")
            }
            warn(problem)
        }
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
            let origin = TransferOrigin.ofFeed(context.store.feedURL ?? context.config.feed)
            let (bytes, _) = try HTTP.fetch(url, limit: 4 << 20, origin: origin, limits: context.limits)
            try FileSystem.makeDirectory(FileSystem.directoryName(file))
            try FileSystem.writeAtomically(file, bytes, durable: false)
        } catch {
            warn("Cannot fetch the chapters of \"\(record.title)\" (\(url)): \(error).")
        }
    }

    /// `LIBRARY/Korean War #6 - Sino-Soviet Talks Part 2.mp3`: `fileName(for:)`; a name taken
    /// by another file gets " (2)", " (3)" ….
    static func target(for record: FeedRecord, in library: String) -> String {
        let name = fileName(for: record.title)
        var candidate = library + "/" + name + ".mp3"
        var n = 2
        while FileSystem.exists(candidate) && n < 10_000 {
            candidate = library + "/" + name + " (\(n)).mp3"
            n += 1
        }
        return candidate
    }

    /// A feed title as a file name: `/`, `\\` and `:` made harmless, control, format (bidi,
    /// zero-width) and private characters made spaces, blanks collapsed, no leading `.` or `-`,
    /// at most 180 bytes; "episode" when nothing is left.
    static func fileName(for title: String) -> String {
        var name = ""
        for scalar in title.unicodeScalars {
            switch scalar {
            case "/", "\\": name.append("-")
            case ":": name.append(" -")
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
                    name.append(" ")
                default:
                    name.unicodeScalars.append(scalar)
                }
            }
        }
        name = name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        name = String(name.drop { $0 == "." || $0 == "-" || $0 == " " })
        while name.utf8.count > 180 { name.removeLast() }
        name = name.trimmingWhitespace()
        return name.isEmpty ? "episode" : name
    }
}
