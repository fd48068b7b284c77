import Glibc
import Testing
@testable import WDFDaemon

/// A long walk of the library asks `Library.stopSignalPending` whether to stop: SIGTERM and
/// SIGINT are blocked in the daemon (read from a signalfd by the main loop), so they wait as
/// pending signals while the walk runs.
@Suite("wdfplayd stop signals", .serialized)
struct StopSignalTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aPendingStopSignalIsSeen(signal: Int32) throws {
        // Blocked on this thread only, sent to this thread only, and taken back before unblocking.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        var previous = sigset_t()
        #expect(pthread_sigmask(SIG_BLOCK, &set, &previous) == 0)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        #expect(!Library.stopSignalPending())
        #expect(pthread_kill(pthread_self(), signal) == 0)
        #expect(Library.stopSignalPending())
        var timeout = timespec(tv_sec: 1, tv_nsec: 0)
        #expect(sigtimedwait(&set, nil, &timeout) == signal)
        #expect(!Library.stopSignalPending())
    }

    @Test func otherSignalsDoNotStopAWalk() throws {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGUSR2)
        var previous = sigset_t()
        #expect(pthread_sigmask(SIG_BLOCK, &set, &previous) == 0)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        #expect(pthread_kill(pthread_self(), SIGUSR2) == 0)
        #expect(!Library.stopSignalPending())
        var timeout = timespec(tv_sec: 1, tv_nsec: 0)
        #expect(sigtimedwait(&set, nil, &timeout) == SIGUSR2)
    }
}
