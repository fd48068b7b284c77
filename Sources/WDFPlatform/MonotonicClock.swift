import Glibc

/// The one clock for durations and deadlines: CLOCK_MONOTONIC, which neither jumps with the
/// wall clock nor goes back. Seconds since an arbitrary start (boot), for differences only.
public enum MonotonicClock {
    public static func now() -> Double {
        let ts = read()
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Whole microseconds, as libraries on the same clock count (sd-bus timeouts).
    public static func microseconds() -> UInt64 {
        let ts = read()
        return UInt64(ts.tv_sec) &* 1_000_000 &+ UInt64(ts.tv_nsec / 1000)
    }

    private static func read() -> timespec {
        var ts = timespec()
        // Cannot fail for CLOCK_MONOTONIC with a valid pointer (clock_gettime(2): EINVAL, EFAULT).
        _ = clock_gettime(CLOCK_MONOTONIC, &ts)
        return ts
    }
}
