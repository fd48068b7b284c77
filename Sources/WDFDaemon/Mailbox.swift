import CLinux
import Glibc
import WDFPlatform
import Synchronization

/// Hands values from other threads (the playback thread's events) to the daemon's loop and
/// wakes it through an eventfd that the loop polls.
final class Mailbox<Value: Sendable>: Sendable {
    let fd: Int32
    private let items = Mutex<[Value]>([])

    init() throws(DaemonError) {
        let fd = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard fd >= 0 else { throw DaemonError("Cannot create an eventfd: \(String(cString: strerror(errno))).") }
        self.fd = fd
    }

    deinit { close(fd) }

    func post(_ value: Value) {
        items.withLock { $0.append(value) }
        var one: UInt64 = 1
        // EAGAIN only when the counter is at its maximum: the loop is woken already.
        _ = try? sys(nonBlocking: "write", "the player's eventfd") { write(fd, &one, 8) }
    }

    /// Everything posted so far (and clears the eventfd).
    func take() -> [Value] {
        var counter: UInt64 = 0
        // EAGAIN: nothing was posted since the last take; the items are read either way.
        _ = try? sys(nonBlocking: "read", "the player's eventfd") { read(fd, &counter, 8) }
        return items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}
