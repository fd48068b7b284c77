import Glibc
import WDFCore

/// An advisory lock (flock) on a small file of its own, held until `unlock()` or deinit, for the
/// programs that update the same files in turn: two `wdfplay-feed` runs (the sync timer and a
/// `wdfctl download`, say) must not write one download or the feed store at once. A process that
/// dies lets go of its locks with it.
public final class FileLock {
    private var fd: Int32

    /// Opens (creating it and its folder if need be) the lock file at `path`, not yet locked.
    public init(path: String) throws(SystemError) {
        try FileSystem.makeDirectory(FileSystem.directoryName(path))
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError("open", path) }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Takes the lock if nobody holds it; false when another holder has it.
    public func tryLock() -> Bool {
        (try? sys(nonBlocking: "flock", "a lock file") { flock(fd, LOCK_EX | LOCK_NB) })?.value != nil
    }

    /// Takes the lock, waiting for its holder to let go.
    public func lock() throws(SystemError) {
        try sys("flock", "a lock file") { flock(fd, LOCK_EX) }
    }

    public func unlock() {
        _ = flock(fd, LOCK_UN)
    }
}
