import CLinux
import Glibc
import WDFCore

/// Runs `LoudnessScan` in the background: one short-lived thread per episode at idle priority
/// (`SCHED_IDLE`: it gets only CPU time nothing else wants, so playback and the daemon loop are
/// never behind it), at most one pass at a time.
///
/// While `hold(true)` (the player is paused or stopped) the pass waits on a condition variable
/// between buffers: a paused daemon keeps waking up zero times. The result goes to `onResult`
/// from the scanning thread (it must return quickly and never block): a measurement, nil for a
/// pass abandoned (a newer `measure`, `cancel`, or the file changed), or the error.
public final class LoudnessScanner: @unchecked Sendable {  // @unchecked: all mutable state is under `lock`
    public typealias Result = Swift.Result<EpisodeLoudness?, AudioError>

    static let idlePolicy: Int32 = 5
    private let lock = ConditionLock()
    private let decoderFactory: PlayerControl.DecoderFactory
    private let onResult: @Sendable (String, Result) -> Void
    /// Bumped by every `measure` and `cancel`: a pass whose number is not current stops.
    private var generation: UInt64 = 0
    private var held = false
    private var runningPath: String?

    public init(decoderFactory: @escaping PlayerControl.DecoderFactory = { path throws(AudioError) in try MP3Decoder(path: path) },
                onResult: @escaping @Sendable (String, Result) -> Void) {
        self.decoderFactory = decoderFactory
        self.onResult = onResult
    }

    /// The path being measured, if any.
    public var measuring: String? { lock.withLock { runningPath } }

    /// Starts measuring `path`, abandoning a pass of another file. A pass of the same file goes on.
    public func measure(path: String) {
        let mine: UInt64? = lock.withLock {
            if runningPath == path { return nil }
            generation &+= 1
            runningPath = path
            lock.broadcast()
            return generation
        }
        guard let mine else { return }
        let factory = decoderFactory
        startThread(name: "wdf-loudness") { [self] in
            var param = sched_param()
            // Best effort: normal priority when refused. SCHED_IDLE (5, <linux/sched.h>) is a
            // _GNU_SOURCE macro that Swift's Glibc module does not bring in.
            _ = sched_setscheduler(0, LoudnessScanner.idlePolicy, &param)
            let result: Result
            do throws(AudioError) {
                result = .success(try LoudnessScan.measure(path: path, decoderFactory: factory) { self.mayGoOn(mine) })
            } catch {
                result = .failure(error)
            }
            // The pass's decoder and buffers came from this thread's own malloc arena; give its
            // pages back, or the resident memory stays ~2 MiB higher for the daemon's life
            // (bench-player row 2: 13.3 MiB after a pass, against 11.4 without one).
            _ = malloc_trim(0)
            let current = lock.withLock {
                guard generation == mine else { return false }
                runningPath = nil
                return true
            }
            onResult(path, current ? result : .success(nil))
        }
    }

    /// Holds (true) or releases (false) the pass in progress and later ones.
    public func hold(_ hold: Bool) {
        lock.withLock {
            held = hold
            lock.broadcast()
        }
    }

    /// Abandons the pass in progress.
    public func cancel() {
        lock.withLock {
            generation &+= 1
            runningPath = nil
            lock.broadcast()
        }
    }

    /// Asked by the pass between buffers: waits while held; false once it is no longer current.
    private func mayGoOn(_ mine: UInt64) -> Bool {
        lock.withLock {
            while held && generation == mine { lock.wait() }
            return generation == mine
        }
    }
}
