/// How far back to start when an episode is resumed: the longer the listener was away, the more
/// they have forgotten. AntennaPod's steps (3 s after a minute, 10 s after an hour, 20 s after a
/// day), scaled by the configured `resume_rewind` (`base`, 3 s by default, which gives exactly
/// AntennaPod's numbers): `base` up to an hour away, `base × 10/3` from an hour, `base × 20/3` from
/// a day. A short pause keeps today's `base` rewind; `base` 0 turns rewinding off.
public enum ResumeRewind {
    public static let hour = 3600.0
    public static let day = 86400.0

    /// Seconds to rewind after `away` seconds without playing. An unknown or impossible `away`
    /// (not finite, negative: the clock went back) gives `base`. A `base` that is not finite or
    /// negative gives 0.
    public static func seconds(away: Double, base: Double) -> Double {
        guard base.isFinite, base > 0 else { return 0 }
        guard away.isFinite, away >= 0 else { return base }
        if away >= day { return base * 20 / 3 }
        if away >= hour { return base * 10 / 3 }
        return base
    }

    /// The position to resume at: `position` minus the rewind, never before 0.
    public static func position(resuming position: Double, away: Double, base: Double) -> Double {
        guard position.isFinite, position > 0 else { return 0 }
        return max(0, position - seconds(away: away, base: base))
    }
}
