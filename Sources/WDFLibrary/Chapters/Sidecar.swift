import Glibc
import WDFCore
import WDFPlatform

/// Files that travel beside an episode (`NAME.cue`, `NAME.chapters.json`): where they are, and
/// reading one with care.
public enum Sidecar {
    /// `/dir/NAME.mp3` → `/dir/NAME` + `suffix`: the episode's file name with its last extension
    /// replaced (appended when it has none; dots in directory names are left alone).
    public static func path(of audioPath: String, suffix: String) -> String {
        let base = FileSystem.baseName(audioPath)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return audioPath + suffix }
        let stem = base[..<dot]
        let directory = audioPath.count == base.count ? "" : String(audioPath.dropLast(base.count))
        return directory + stem + suffix
    }

    /// Reads a sidecar of at most `limit` bytes; nil when there is none (ENOENT, or a directory
    /// component missing). Other failures are the source's errors. Only regular files (or
    /// symlinks to them) are opened: a FIFO named `NAME.cue` must not block the daemon.
    static func read(_ path: String, origin: ChapterOrigin, limit: Int) throws(ChapterSourceError) -> [UInt8]? {
        var info = stat()
        if FileName.withCString(path, { stat($0, &info) }) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ChapterSourceError(origin, file: path, reason: "it cannot be read (\(SystemError("stat", path).reason))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ChapterSourceError(origin, file: path, reason: "it is not a regular file")
        }
        do {
            return try FileSystem.read(path, limit: limit)
        } catch {
            switch error.code {
            case ENOENT, ENOTDIR: return nil
            case EFBIG: throw ChapterSourceError(origin, file: path, reason: "it is larger than \(limit >> 20) MiB")
            default: throw ChapterSourceError(origin, file: path, reason: "it cannot be read (\(error.reason))")
            }
        }
    }
}
