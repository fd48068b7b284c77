/// When to try the sound server again after it went away: 0.25 s, then doubling up to 2 s, so the
/// server's return is noticed within about 2 s without a busy loop. Nothing is scheduled unless
/// playback was interrupted (a paused or idle daemon does not wake up).
struct OutputRecovery {
    static let firstDelay = 0.25
    static let longestDelay = 2.0

    private(set) var nextAttempt: Double?
    private var delay = OutputRecovery.firstDelay

    mutating func start(now: Double) {
        delay = OutputRecovery.firstDelay
        nextAttempt = now + delay
    }

    mutating func failed(now: Double) {
        delay = min(delay * 2, OutputRecovery.longestDelay)
        nextAttempt = now + delay
    }

    /// The listener took over (paused, stopped, played something else) or it worked.
    mutating func stop() {
        nextAttempt = nil
        delay = OutputRecovery.firstDelay
    }
}
