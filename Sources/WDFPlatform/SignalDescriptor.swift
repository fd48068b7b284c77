import CLinux
import Glibc
import WDFCore

/// Signals as readable events (signalfd): the signals given are blocked for this thread and the
/// threads it starts later, and arrive on `fd` instead, for a poll loop to read. SIGPIPE is
/// ignored as well, so that writing to a closed socket is an EPIPE, not the end of the process.
public final class SignalDescriptor {
    public let fd: Int32

    /// Must run before any other thread starts, so that all of them inherit the mask.
    public init(_ signals: [Int32]) throws(SystemError) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        let rc = pthread_sigmask(SIG_BLOCK, &set, nil)
        guard rc == 0 else { throw SystemError("pthread_sigmask", "the signal mask", code: rc) }
        _ = signal(SIGPIPE, SIG_IGN)  // fails only for a signal number that does not exist (EINVAL)
        fd = try sys("signalfd", "a signalfd") { signalfd(-1, &set, Int32(SFD_CLOEXEC) | Int32(SFD_NONBLOCK)) }
    }

    deinit { close(fd) }

    /// The signals that arrived since the last call, oldest first.
    public func take() -> [Int32] {
        var result: [Int32] = []
        var info = signalfd_siginfo()
        let size = MemoryLayout<signalfd_siginfo>.size
        while case let .done(n)? = try? sys(nonBlocking: "read", "a signalfd", { read(fd, &info, size) }), n == size {
            result.append(Int32(bitPattern: info.ssi_signo))
        }
        return result
    }
}
