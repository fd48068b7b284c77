import CLinux
import Glibc
import WDFCore

/// Tells the daemon when something changed in the library's folders (inotify), so that an
/// unchanged library is not walked again on every request. Files that are created, deleted,
/// renamed, closed after writing or touched count; a file kept open and written without being
/// closed does not (taggers and downloads close their files).
final class LibraryWatch {
    let fd: Int32
    private var watches: [String: Int32] = [:]
    /// True until a walk has seen the folders as they are; any event sets it again.
    private(set) var changed = true

    private static let mask = UInt32(IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
                                         | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

    /// nil when inotify is not available (the daemon then walks the folder on every request).
    init?() {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    /// A walk of the folders starts: events from now on mean it may be out of date.
    func walking() {
        changed = false
    }

    /// Watches each of `directories` (already watched ones are kept). The walk lists each folder
    /// once however many links lead to it (`LibraryWalk`), so a loop of links costs no watches;
    /// inotify itself gives a folder met under a second path the watch it already has. False when one could not
    /// be watched (the limit of watches, say): then nothing can be trusted to report changes.
    /// A folder watched for the first time may have changed between the walk that found it and
    /// now, so the next request walks once more.
    func watch(_ directories: [String]) -> Bool {
        var ok = true
        for directory in directories where watches[directory] == nil {
            let wd = FileName.withCString(directory) { inotify_add_watch(fd, $0, LibraryWatch.mask) }
            if wd < 0 {
                ok = false
                continue
            }
            watches[directory] = wd
            changed = true
        }
        return ok
    }

    /// Stops watching everything (the library folder changed).
    func forgetAll() {
        // One folder under two paths (renamed between walks) has one watch: removed once.
        // EINVAL from it only means the folder is gone, and its watch with it.
        for wd in Set(watches.values) { _ = inotify_rm_watch(fd, wd) }
        watches.removeAll()
        changed = true
    }

    /// Reads the pending events (called when `fd` is readable).
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                changed = true
                continue
            }
            if n < 0, errno == EINTR { continue }
            return
        }
    }
}
