import Glibc

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
    /// The folders the last `refresh` walked (the library folder and its subfolders).
    public private(set) var directories: [String] = []

    public struct Refresh: Sendable, Equatable {
        /// Files whose tags were read (new or changed).
        public var read = 0
        /// Files taken from the index unchanged.
        public var kept = 0
        /// Files that are gone.
        public var removed = 0
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
    @discardableResult
    public mutating func refresh() -> Refresh {
        var report = Refresh()
        var fresh: [CatalogEntry] = []
        var stillThere = 0
        let (files, folders) = Catalog.scan(root)
        directories = folders
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

    // MARK: the folder

    struct FileStamp {
        var path: String
        var size: Int
        var mtime: Int
    }

    /// Regular `.mp3` files under `directory` (recursively, hidden entries skipped, symlinks
    /// followed, at most 16 levels), with their size and modification time; and the folders.
    static func scan(_ directory: String) -> (files: [FileStamp], directories: [String]) {
        var found: [FileStamp] = []
        var folders: [String] = []
        walk(directory, depth: 16, into: &found, folders: &folders)
        return (found, folders)
    }

    private static func walk(_ directory: String, depth: Int, into found: inout [FileStamp], folders: inout [String]) {
        guard depth > 0, let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        folders.append(directory)
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        while let entry = readdir(dir) {
            let (name, isHidden, isMP3) = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: UInt8.self, capacity: 256) { p -> (String?, Bool, Bool) in
                    let length = strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
                    let bytes = UnsafeBufferPointer(start: p, count: length)
                    let hidden = length == 0 || p[0] == 0x2E
                    // ".mp3" in any case, checked on bytes before a String is made.
                    let mp3 = length > 4 && bytes[length - 4] == 0x2E && bytes[length - 3] | 0x20 == 0x6D &&
                        bytes[length - 2] | 0x20 == 0x70 && bytes[length - 1] == 0x33
                    let type = entry.pointee.d_type
                    let worth = !hidden && (mp3 || type == UInt8(DT_DIR) || type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN))
                    return (worth ? String(decoding: bytes, as: UTF8.self) : nil, hidden, mp3)
                }
            }
            guard let name, !isHidden else { continue }
            let path = prefix + name
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            let kind = st.st_mode & S_IFMT
            if kind == S_IFDIR {
                walk(path, depth: depth - 1, into: &found, folders: &folders)
            } else if kind == S_IFREG, isMP3 {
                found.append(FileStamp(path: path, size: Int(st.st_size),
                                       mtime: Int(st.st_mtim.tv_sec) * 1_000_000 + Int(st.st_mtim.tv_nsec) / 1000))
            }
        }
    }
}
