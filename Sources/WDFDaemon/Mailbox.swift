import CLinux
import Glibc
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
        _ = write(fd, &one, 8)
    }

    /// Everything posted so far (and clears the eventfd).
    func take() -> [Value] {
        var counter: UInt64 = 0
        _ = read(fd, &counter, 8)
        return items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}

/// SIGTERM, SIGINT and SIGHUP as readable events (signalfd), blocked for every thread.
struct SignalWatch {
    let fd: Int32

    /// Must run before any other thread starts, so that all of them inherit the mask.
    init() throws(DaemonError) {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
        let fd = signalfd(-1, &set, Int32(SFD_CLOEXEC) | Int32(SFD_NONBLOCK))
        guard fd >= 0 else { throw DaemonError("Cannot create a signalfd: \(String(cString: strerror(errno))).") }
        self.fd = fd
    }

    /// The signals that arrived.
    func take() -> [Int32] {
        var result: [Int32] = []
        var info = signalfd_siginfo()
        while read(fd, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
            result.append(Int32(info.ssi_signo))
        }
        return result
    }
}
