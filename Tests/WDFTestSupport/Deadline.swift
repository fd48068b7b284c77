import Foundation

/// Waiting for a state with a deadline, on the monotonic clock.
package enum Deadline {
    /// Seconds on CLOCK_MONOTONIC (the clock the recorder stamps samples with).
    package static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    package struct Expired: Error, CustomStringConvertible {
        package var what: String
        package var timeout: Double
        package var last: String
        package var description: String { "Timed out after \(timeout) s waiting for \(what)" + (last.isEmpty ? "" : "; last seen: \(last)") }
    }

    /// Calls `probe` every `interval` s until it returns a value, and returns that value; throws
    /// `Expired` (with the last thing `probe` reported through `note`) when `timeout` passes.
    package static func `await`<T>(
        _ what: String, until probe: (_ note: (String) -> Void) async throws -> T?, timeout: Double,
        interval: Double = 0.02
    ) async throws -> T {
        let end = now() + timeout
        var last = ""
        while true {
            if let value = try await probe({ last = $0 }) { return value }
            if now() >= end { throw Expired(what: what, timeout: timeout, last: last) }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }

    /// Sleeps until the monotonic time `t` (for listening windows, which are measurements).
    package static func sleep(until t: Double) async throws {
        let delta = t - now()
        if delta > 0 { try await Task.sleep(nanoseconds: UInt64(delta * 1e9)) }
    }
}
