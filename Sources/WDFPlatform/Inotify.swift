import CLinux
import Glibc
import WDFCore

/// An inotify instance (non-blocking, close-on-exec): watches on folders, and a descriptor that
/// turns readable when one of them saw an event. What the events mean is the caller's business.
public final class Inotify {
    public let fd: Int32

    /// nil when inotify is not available (out of instances, say).
    public init?() {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    /// Watches `path` for the events in `mask`; the watch descriptor, nil when it cannot be
    /// watched (gone, or the limit of watches reached).
    public func addWatch(_ path: String, mask: UInt32) -> Int32? {
        let wd = FileName.withCString(path) { inotify_add_watch(fd, $0, mask) }
        return wd >= 0 ? wd : nil
    }

    /// Removes a watch; EINVAL only means the folder is gone, and its watch with it.
    public func removeWatch(_ wd: Int32) {
        _ = inotify_rm_watch(fd, wd)
    }

    /// Reads every pending event and throws them away; true when there was at least one.
    public func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var any = false
        while case let .done(n)? = try? sys(nonBlocking: "read", "inotify", { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }), n > 0 {
            any = true
        }
        return any
    }
}
