import Glibc
import WDFCore
import WDFPlatform

/// Every MP3 under the library folder, read from tags only, and kept in an index file in the
/// cache directory so that the next start reads only what changed.
///
/// The index is one JSON object per line after a header line: a line that cannot be read costs
/// only its own file a re-read, and a missing, foreign or damaged index is simply rebuilt
/// (removing it loses nothing but time). `refresh` compares each file's size and modification
/// time with the index and reads the tags of new or changed files only.
public struct Catalog: Sendable {
    public static let formatVersion = 2
    public let root: String
    public let indexFile: String
    /// Sorted by path.
    public private(set) var entries: [CatalogEntry] = []
    private var byPath: [String: Int] = [:]
    /// True when `entries` differ from what the index file holds.
    public private(set) var isDirty = false
    /// The folders the last `refresh` walked (the library folder and its subfolders, each once).
    public private(set) var directories: [String] = []

    public struct Refresh: Sendable, Equatable {
        /// Files whose tags were read (new or changed).
        public var read = 0
        /// Files taken from the index unchanged.
        public var kept = 0
        /// Files that are gone.
        public var removed = 0
        /// Set when the walk ended early (`LibraryWalk`): files of the index it did not reach
        /// are then kept as they were, not counted as gone.
        public var stopped: LibraryWalk.Stop?
        /// Folders left because they lie too deep.
        public var tooDeep = 0
        public var changed: Bool { read > 0 || removed > 0 }

        public init(read: Int = 0, kept: Int = 0, removed: Int = 0) {
            self.read = read
            self.kept = kept
            self.removed = removed
        }
    }

    public init(root: String, cacheDirectory: String) {
        self.root = root
        indexFile = cacheDirectory + "/library-index.jsonl"
    }

    /// Reads the index file if it belongs to `root`; anything else starts empty (and is replaced
    /// on the next save). Never fails: the index is only a cache.
    public mutating func loadIndex() {
        entries = []
        byPath = [:]
        guard let bytes = try? FileSystem.read(indexFile, limit: 512 << 20) else { return }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).makeIterator()
        guard let first = lines.next(), let header = try? JSONParser.parse(Array(first)),
              header["version"]?.intValue == Catalog.formatVersion, header["root"]?.stringValue == root else {
            isDirty = true
            return
        }
        var loaded: [CatalogEntry] = []
        while let line = lines.next() {
            guard let json = try? JSONParser.parse(Array(line)), let entry = CatalogEntry(json: json) else {
                isDirty = true  // a damaged line: that file is read again
                continue
            }
            loaded.append(entry)
        }
        setEntries(loaded)
    }

    /// Brings the entries up to date with the folder: new and changed files are read, removed
    /// ones dropped, the rest kept as they are.
    /// The walk is bounded (`budget`) and stops when `interrupted` says so; see `LibraryWalk`.
    @discardableResult
    public mutating func refresh(budget: LibraryWalk.Budget = .library,
                                 interrupted: @escaping () -> Bool = { false }) -> Refresh {
        var report = Refresh()
        var fresh: [CatalogEntry] = []
        var stillThere = 0
        let walk = LibraryWalk.run(root, budget: budget, interrupted: interrupted)
        directories = walk.folders
        report.stopped = walk.stopped
        report.tooDeep = walk.tooDeep
        let files = walk.files
        if walk.stopped != nil {
            // Not reached is not gone: keep what the index had for the rest of the folder.
            let reached = Set(files.map(\.path))
            fresh += entries.filter { !reached.contains($0.path) }
            stillThere += fresh.count
        }
        for file in files {
            let index = byPath[file.path]
            if index != nil { stillThere += 1 }
            if let index, entries[index].size == file.size, entries[index].mtime == file.mtime {
                fresh.append(entries[index])
                report.kept += 1
            } else {
                fresh.append(CatalogEntry.read(path: file.path, size: file.size, mtime: file.mtime))
                report.read += 1
            }
        }
        report.removed = entries.count - stillThere
        if report.changed {
            setEntries(fresh)
            isDirty = true
        }
        return report
    }

    private mutating func setEntries(_ list: [CatalogEntry]) {
        entries = list.sorted { $0.path < $1.path }
        byPath = Dictionary(entries.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func entry(atPath path: String) -> CatalogEntry? {
        byPath[path].map { entries[$0] }
    }

    /// Writes the index (atomically; no fsync: it is a cache).
    public mutating func saveIndex() throws(SystemError) {
        guard isDirty else { return }
        try FileSystem.makeDirectory(FileSystem.directoryName(indexFile))
        var text = JSON.object([("version", .number(Double(Catalog.formatVersion))), ("root", .string(root))]).serialized
        text.append("\n")
        for entry in entries {
            text.append(entry.json.serialized)
            text.append("\n")
        }
        try FileSystem.writeAtomically(indexFile, Array(text.utf8), durable: false)
        isDirty = false
    }

}
