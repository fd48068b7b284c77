import WDFCore

/// How the episode is being listened to: speed and skip silence, what is left at that speed and
/// the time saved. The reply to `speed` and `silence`; in the status object (its fields among the
/// status's) when the speed is not 1 or skip silence is on.
public struct ListeningState: Sendable, Equatable {
    public var speed: Double
    public var silence: SilenceMode
    /// Seconds of listening left in the episode at this speed (nil: nothing in play, or its
    /// length unknown).
    public var remaining: Double?
    /// Episode seconds skipped as silence in the episode in play (since it was started).
    public var timeSaved: Double
    /// Episode seconds skipped as silence in every episode so far (kept across restarts).
    public var timeSavedTotal: Double

    public init(speed: Double, silence: SilenceMode, remaining: Double?, timeSaved: Double, timeSavedTotal: Double) {
        self.speed = speed
        self.silence = silence
        self.remaining = remaining
        self.timeSaved = timeSaved
        self.timeSavedTotal = timeSavedTotal
    }

    /// The listening is plain: speed 1, skip silence off (the status then leaves the fields out).
    public var isPlain: Bool { speed == 1 && silence == .off }

    var pairs: [(String, JSON)] {
        [("speed", .number(speed)), ("silence", .string(silence.rawValue)), ("remaining", JSON(remaining)),
         ("time_saved", .number(timeSaved)), ("time_saved_total", .number(timeSavedTotal))]
    }

    public var json: JSON { .object(pairs) }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "listening settings")
        try self.init(reader: f)
    }

    /// From the fields of `f` (the reply's own, or the status's).
    init(reader f: ObjectReader) throws(WireError) {
        let name = try f.string("silence")
        guard let silence = SilenceMode(rawValue: name) else {
            throw WireError("bad_reply", "The skip silence mode from wdfplayd is unknown: \(ConfigValue.quoted(name)).")
        }
        guard let speed = try f.optionalDouble("speed"), speed > 0 else {
            throw WireError("bad_reply", "The speed from wdfplayd is missing or not above 0.")
        }
        self.init(speed: speed, silence: silence, remaining: try f.optionalDouble("remaining"),
                  timeSaved: try f.optionalDouble("time_saved") ?? 0, timeSavedTotal: try f.optionalDouble("time_saved_total") ?? 0)
    }
}
