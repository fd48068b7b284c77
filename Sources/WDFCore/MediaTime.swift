/// Times that come from outside — the socket, the state files, tags, sidecars, the feed store —
/// checked before they become positions, or integers (`Int(someDouble)` traps on NaN, infinity
/// and anything past ±2^63).
public enum MediaTime {
    /// The longest time wdfplay accepts anywhere: 10,000,000 s, about 115 days. Far past any
    /// episode, and far inside what frame counts (seconds × 192 kHz) and `Int` can hold.
    public static let maximum = 10_000_000.0

    /// A time that can be a position in an episode: finite, not negative, at most `maximum`.
    public static func isValid(_ seconds: Double) -> Bool {
        seconds.isFinite && seconds >= 0 && seconds <= maximum
    }

    /// `seconds` if it `isValid`, else nil.
    public static func valid(_ seconds: Double?) -> Double? {
        seconds.flatMap { isValid($0) ? $0 : nil }
    }

    /// `seconds` forced into 0…`maximum` (NaN becomes 0).
    public static func clamped(_ seconds: Double) -> Double {
        seconds.isNaN ? 0 : min(max(seconds, 0), maximum)
    }

    /// The sample frame at `seconds` (clamped as above) for `rate` frames a second, rounded to
    /// the nearest.
    public static func frame(at seconds: Double, rate: Int) -> Int {
        Int(saturating: (clamped(seconds) * Double(max(0, rate))).rounded())
    }
}

extension Int {
    /// `value` truncated towards zero, saturating at `Int.min`/`Int.max`; NaN is 0. Unlike
    /// `Int(_:)` it never traps.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9_223_372_036_854_775_807.0 {  // 2^63: the first Double past Int.max
            self = .max
        } else if value <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int(value)
        }
    }
}
