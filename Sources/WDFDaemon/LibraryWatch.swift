import CLinux
import Glibc
import WDFCore
import WDFPlatform

/// Tells the daemon when something changed in the library's folders (inotify), so that an
/// unchanged library is not walked again on every request. Files that are created, deleted,
/// renamed, closed after writing or touched count; a file kept open and written without being
/// closed does not (taggers and downloads close their files).
final class LibraryWatch {
    private let inotify: Inotify
    var fd: Int32 { inotify.fd }
    private var watches: [String: Int32] = [:]
    /// True until a walk has seen the folders as they are; any event sets it again.
    private(set) var changed = true

    private static let mask = UInt32(IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
                                         | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

    /// nil when inotify is not available (the daemon then walks the folder on every request).
    init?() {
        guard let inotify = Inotify() else { return nil }
        self.inotify = inotify
    }

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
            guard let wd = inotify.addWatch(directory, mask: LibraryWatch.mask) else {
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
        for wd in Set(watches.values) { inotify.removeWatch(wd) }
        watches.removeAll()
        changed = true
    }

    /// Reads the pending events (called when `fd` is readable).
    func drain() {
        if inotify.drain() { changed = true }
    }
}
