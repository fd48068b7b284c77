import WDFCore

/// `info`'s `loudness`: what the episode measured (EBU R128, once per file) and the levelling
/// gain it plays with. Written only for an episode that has been measured.
public struct LoudnessInfo: Sendable, Equatable {
    /// Integrated loudness, LUFS; nil when nothing in it is above the absolute gate (silence).
    public var lufs: Double?
    /// Highest true peak, dBTP; nil for digital silence.
    public var truePeak: Double?
    /// The levelling gain in dB (0 when `normalize` is off, or for silence).
    public var gain: Double
    /// Whether levelling is on (`normalize`).
    public var levelling: Bool

    public init(lufs: Double?, truePeak: Double?, gain: Double, levelling: Bool) {
        self.lufs = lufs
        self.truePeak = truePeak
        self.gain = gain
        self.levelling = levelling
    }

    public var json: JSON {
        ["lufs": JSON(lufs), "true_peak": JSON(truePeak), "gain": .number(gain), "levelling": .bool(levelling)]
    }

    public init(json: JSON) throws(WireError) {
        let f = try ObjectReader(json, "loudness")
        self.init(lufs: try f.optionalDouble("lufs"), truePeak: try f.optionalDouble("true_peak"),
                  gain: try f.optionalDouble("gain") ?? 0, levelling: try f.optionalBool("levelling") ?? false)
    }
}
