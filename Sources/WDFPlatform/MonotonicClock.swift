import Glibc

/// The one clock for durations and deadlines: CLOCK_MONOTONIC, which neither jumps with the
/// wall clock nor goes back. Seconds since an arbitrary start (boot), for differences only.
public enum MonotonicClock {
    public static func now() -> Double {
        var ts = timespec()
        // Cannot fail for CLOCK_MONOTONIC with a valid pointer (clock_gettime(2): EINVAL, EFAULT).
        _ = clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
