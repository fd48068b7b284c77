import Glibc
import WDFCore

/// Small, explicit file operations: whole-file reads, atomic replacement, private directories.
public enum FileSystem {
    /// Reads a whole regular file, refusing files larger than `limit` bytes and anything that
    /// is not a regular file (a FIFO is never waited on: see `openForReading`).
    public static func read(_ path: String, limit: Int = 64 << 20) throws(SystemError) -> [UInt8] {
        let fd = try openForReading(path)
        defer { close(fd) }
        var st = stat()
        try sys("fstat", path) { fstat(fd, &st) }
        if Int(st.st_size) > limit { throw SystemError("read", path, code: EFBIG) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try sys("read", path) { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw SystemError("read", path, code: EFBIG) }
        }
        return bytes
    }

    /// Replaces `path` with `bytes` so that a reader (or a crash) sees either the old file or the
    /// new one, never a half: write a temporary file beside it, optionally fsync, rename over.
    /// With `durable`, the data and the directory entry are on disk when this returns.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], durable: Bool, mode: mode_t = 0o600) throws(SystemError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = try sys("open", temporary) { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
        do throws(SystemError) {
            var offset = 0
            while offset < bytes.count {
                let n = try sys("write", temporary) {
                    bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                }
                offset += n
            }
            if durable { try sys("fsync", temporary) { fsync(fd) } }
            try sys("close", temporary) { close(fd) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        do throws(SystemError) {
            try sys("rename", path) { rename(temporary, path) }
        } catch {
            unlink(temporary)
            throw error
        }
        if durable { syncDirectory(of: path) }
    }

    /// Makes `path` and missing parents; the last component gets `mode`.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(SystemError) {
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { return }
            throw SystemError("mkdir", path, code: ENOTDIR)
        }
        let parent = directoryName(path)
        if parent != path, !parent.isEmpty { try makeDirectory(parent, mode: 0o755) }
        if mkdir(path, mode) != 0, errno != EEXIST { throw SystemError("mkdir", path) }
    }

    public static func exists(_ path: String) -> Bool {
        FileName.withCString(path) { access($0, F_OK) } == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        fileType(path) == .directory
    }

    public static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The canonical absolute path (symlinks resolved), or nil if it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = FileName.withCString(path, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return FileName.string(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)))
    }

    /// The names in `directory` (without "." and ".."), unsorted, as path strings (`FileName`:
    /// a name that is not UTF-8 keeps its bytes); none when it cannot be read.
    public static func names(in directory: String) -> [String] {
        guard let dir = FileName.withCString(directory, { opendir($0) }) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = FileName.entryName(entry)
            if name != [0x2E], name != [0x2E, 0x2E] { names.append(FileName.string(name)) }
        }
        return names
    }

    /// Moves a state file that cannot be used out of the way, to `FILE.damaged-<unix time>`, and
    /// returns the new name (nil if even the rename failed; the file is then left as it was).
    public static func setAside(_ file: String) -> String? {
        // Named by the second; a second damaged file in the same second gets -2, -3 …
        var aside = file + ".damaged-\(time(nil))"
        var n = 2
        while exists(aside) && n < 1000 {
            aside = file + ".damaged-\(time(nil))-\(n)"
            n += 1
        }
        return rename(file, aside) == 0 ? aside : nil
    }

    private static func syncDirectory(of path: String) {
        let fd = open(directoryName(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
