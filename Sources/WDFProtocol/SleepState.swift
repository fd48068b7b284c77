import WDFCore

/// The sleep timer as `sleep`, the status and the `sleep` event show it:
/// `{mode, remaining, fading}`, plus `paused_at` in the event that says it paused playback.
public struct SleepState: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable {
        case off
        /// Listening time.
        case time
        case chapter
        case episode
    }

    public var mode: Mode
    /// Seconds until the pause; nil (null) when off or not computable.
    public var remaining: Double?
    public var fading: Bool
    /// Where resuming starts, after the timer paused playback (the event only).
    public var pausedAt: Double?

    public init(mode: Mode, remaining: Double?, fading: Bool, pausedAt: Double? = nil) {
        self.mode = mode
        self.remaining = remaining
        self.fading = fading
        self.pausedAt = pausedAt
    }

    /// The timer off (nothing to show).
    public static let off = SleepState(mode: .off, remaining: nil, fading: false)

    public var json: JSON {
        var pairs: [(String, JSON)] = [("mode", .string(mode.rawValue)), ("remaining", JSON(remaining)), ("fading", .bool(fading))]
        if let pausedAt { pairs.append(("paused_at", .number(pausedAt))) }
        return .object(pairs)
    }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "sleep timer")
        let name = try f.string("mode")
        guard let mode = Mode(rawValue: name) else {
            throw WireError("bad_reply", "The sleep timer from wdfplayd has an unknown mode \"\(name)\".")
        }
        self.init(mode: mode, remaining: try f.optionalDouble("remaining"), fading: try f.optionalBool("fading") ?? false,
                  pausedAt: try f.optionalDouble("paused_at"))
    }
}
