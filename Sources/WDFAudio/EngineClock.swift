import WDFPlatform

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

    public func now() -> Double { MonotonicClock.now() }
}
