import Glibc

/// Monotonic time in seconds, for everything that schedules: the engine's timers (checkpoint,
/// sleep fade, skip, output retry) and the null sink's pace. Injected, so that tests run them
/// on a `SimulatedClock` without waiting.
public protocol EngineClock: AnyObject, Sendable {
    /// Seconds on a monotonic clock (only differences mean something).
    func now() -> Double
}

/// CLOCK_MONOTONIC: the daemon's clock.
public final class SystemClock: EngineClock {
    public init() {}

    public func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
