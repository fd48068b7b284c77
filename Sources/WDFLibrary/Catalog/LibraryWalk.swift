import Glibc
import WDFCore
import WDFPlatform

/// One walk of the library folder: the regular `.mp3` files under it (hidden entries skipped,
/// symlinks followed) with their size and modification time, and the folders walked.
///
/// The folder is a stranger's, so the walk is bounded whatever it holds:
/// - **Each folder once.** A folder is known by its device and inode: however many links lead
///   to it (`ln -s . a`, a link to the parent, `/proc/self/root`), it is walked once, under the
///   first path found. Folders reached through a real path are walked before those reached
///   through a symlink, so a file keeps its real path when it has one; a file reached by two
///   paths (a link to it, a hard link) is listed once too.
/// - **A budget**: at most `depth` levels, `folders` folders, `entries` directory entries and
///   `seconds` of time. A walk past its budget stops where it is and says so (`stopped`); what
///   it found until then stands. Folders below the depth limit are counted (`tooDeep`) and left.
/// - **Interruptible**: `interrupted` is asked every few hundred entries (the daemon asks
///   whether SIGTERM is pending) and stops the walk when it says yes.
/// - **Only names and `stat`**: no file is opened here, so a FIFO or a device met on the way is
///   never waited on (it is not a regular file, so it is not listed either). Names are read
///   from each `readdir` record within its own length (`FileName.entryName`) and kept byte for
///   byte (`FileName.string`), so a name that is not UTF-8 is listed and can be opened.
public struct LibraryWalk {
    public struct Budget: Sendable, Equatable {
        public var entries: Int
        public var folders: Int
        public var depth: Int
        public var seconds: Double

        public init(entries: Int, folders: Int, depth: Int, seconds: Double) {
            self.entries = entries
            self.folders = folders
            self.depth = depth
            self.seconds = seconds
        }

        /// A library of 10,000 episodes in a few hundred folders walks in about 25 ms; this
        /// allows 20 times that many entries and still ends on `/` or `/proc` in about a second.
        /// The walk runs on the daemon's main loop, which answers nobody meanwhile: 5 s at most
        /// (a cold disk's walk is cut there and done again a minute later, from the cache).
        public static let library = Budget(entries: 200_000, folders: 10_000, depth: 16, seconds: 5)
    }

    /// Why a walk ended before it had seen every folder.
    public enum Stop: Sendable, Equatable {
        case entries(Int)
        case folders(Int)
        case time(Double)
        case interrupted

        /// One sentence for the log and the `episodes` reply, naming the folder.
        public func sentence(root: String) -> String {
            let folder = FileName.display(root)
            let rest = "the walk stopped there, and the library lists the episodes found until then."
            switch self {
            case let .entries(count):
                return "The library folder \(folder) holds more than \(count) files and folders; \(rest)"
            case let .folders(count):
                return "The library folder \(folder) has more than \(count) folders; \(rest)"
            case let .time(seconds):
                return "Walking the library folder \(folder) took more than \(Int(seconds.rounded())) s; \(rest)"
            case .interrupted:
                return "The walk of the library folder \(folder) was interrupted."
            }
        }
    }

    public struct FileStamp: Sendable, Equatable {
        public var path: String
        public var size: Int
        public var mtime: Int
    }

    private struct Identity: Hashable {
        var device: UInt
        var inode: UInt
        init(_ st: stat) {
            device = UInt(st.st_dev)
            inode = UInt(st.st_ino)
        }
    }

    public private(set) var files: [FileStamp] = []
    /// The folders walked, each once (the library folder first).
    public private(set) var folders: [String] = []
    /// Set when the walk ended before seeing everything.
    public private(set) var stopped: Stop?
    /// Folders left because they lie deeper than `budget.depth`.
    public private(set) var tooDeep = 0
    /// Directory entries read.
    public private(set) var entriesRead = 0

    private let budget: Budget
    private let interrupted: () -> Bool
    private let started: Double
    private var visited: Set<Identity> = []
    /// Each file's index in `files`, and whether it was reached through a symlink.
    private var seenFiles: [Identity: (index: Int, viaLink: Bool)] = [:]
    /// Folders reached through a symlink, walked after the real ones.
    private var linked: [(path: String, depth: Int)] = []

    /// Walks `root` (nothing when it is not a folder that can be read).
    public static func run(_ root: String, budget: Budget = .library, interrupted: @escaping () -> Bool = { false }) -> LibraryWalk {
        var walk = LibraryWalk(budget: budget, interrupted: interrupted)
        walk.start(root)
        return walk
    }

    private init(budget: Budget, interrupted: @escaping () -> Bool) {
        self.budget = budget
        self.interrupted = interrupted
        started = LibraryWalk.monotonicNow()
    }

    static func monotonicNow() -> Double { MonotonicClock.now() }

    private mutating func start(_ root: String) {
        var st = stat()
        guard FileName.withCString(root, { stat($0, &st) }) == 0, st.st_mode & S_IFMT == S_IFDIR else { return }
        visited.insert(Identity(st))
        walkFolder(root, depth: 0)
        var next = 0
        while stopped == nil, next < linked.count {
            let (path, depth) = linked[next]
            next += 1
            guard FileName.withCString(path, { stat($0, &st) }) == 0, st.st_mode & S_IFMT == S_IFDIR,
                  visited.insert(Identity(st)).inserted else { continue }
            walkFolder(path, depth: depth)
        }
    }

    /// False (and `stopped` set) when the budget is spent or the walk is interrupted.
    private mutating func withinBudget() -> Bool {
        if stopped != nil { return false }
        if entriesRead > budget.entries {
            stopped = .entries(budget.entries)
        } else if entriesRead % 128 == 0 {
            if LibraryWalk.monotonicNow() - started > budget.seconds {
                stopped = .time(budget.seconds)
            } else if interrupted() {
                stopped = .interrupted
            }
        }
        return stopped == nil
    }

    private mutating func walkFolder(_ directory: String, depth: Int) {
        guard folders.count < budget.folders else {
            stopped = .folders(budget.folders)
            return
        }
        guard withinBudget(), let dir = FileName.withCString(directory, { opendir($0) }) else { return }
        defer { closedir(dir) }
        folders.append(directory)
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        while let entry = readdir(dir) {
            entriesRead += 1
            guard withinBudget() else { return }
            let name = FileName.entryName(entry)
            // Hidden entries, "." and ".." among them, are skipped.
            guard let first = name.first, first != 0x2E else { continue }
            let type = entry.pointee.d_type
            let mp3 = LibraryWalk.isMP3(name)
            guard mp3 || type == UInt8(DT_DIR) || type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN) else { continue }
            let path = prefix + FileName.string(name)
            var st = stat()
            guard FileName.withCString(path, { stat($0, &st) }) == 0 else { continue }
            let kind = st.st_mode & S_IFMT
            var viaLink = type == UInt8(DT_LNK)
            if type == UInt8(DT_UNKNOWN) {
                var lst = stat()
                viaLink = FileName.withCString(path, { lstat($0, &lst) }) == 0 && lst.st_mode & S_IFMT == S_IFLNK
            }
            if kind == S_IFDIR {
                let id = Identity(st)
                guard !visited.contains(id) else { continue }
                guard depth < budget.depth else {
                    tooDeep += 1
                    continue
                }
                if viaLink {
                    linked.append((path, depth + 1))
                } else {
                    visited.insert(id)
                    walkFolder(path, depth: depth + 1)
                    guard stopped == nil else { return }
                }
            } else if kind == S_IFREG, mp3 {
                let stamp = FileStamp(path: path, size: Int(st.st_size),
                                      mtime: Int(st.st_mtim.tv_sec) &* 1_000_000 &+ Int(st.st_mtim.tv_nsec) / 1000)
                let id = Identity(st)
                if let seen = seenFiles[id] {
                    // The same file again: a real path wins over one through a link.
                    if seen.viaLink, !viaLink {
                        files[seen.index] = stamp
                        seenFiles[id] = (seen.index, false)
                    }
                    continue
                }
                seenFiles[id] = (files.count, viaLink)
                files.append(stamp)
            }
        }
    }

    /// ".mp3" in any case at the end of a name of more than 4 bytes, checked on the bytes.
    public static func isMP3(_ name: [UInt8]) -> Bool {
        let n = name.count
        return n > 4 && name[n - 4] == 0x2E && name[n - 3] | 0x20 == 0x6D && name[n - 2] | 0x20 == 0x70 && name[n - 1] == 0x33
    }
}
