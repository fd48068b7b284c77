import WDFCore

/// What the playback thread does to the audio between decoder and sink (the DSP stage): speed
/// with the pitch kept, silence shortening, loudness levelling gain and volume. All neutral (1.0,
/// off, nil, 1.0) is the plain path: the decoder's buffer goes to the sink untouched.
///
/// Set with `PlayerControl.apply` (at once) or with `load` (from the episode's first frame).
/// Positions stay in episode time whatever is set here.
public struct PlaybackProcessing: Sendable, Equatable {
    public static let speedRange: ClosedRange<Double> = 0.5...3.0
    public static let volumeRange: ClosedRange<Double> = 0...1.5

    /// Playback speed, pitch kept (0.5…3.0; 1 = as recorded).
    public var speed: Double
    /// How hard silences are shortened.
    public var silence: SilenceMode
    /// Loudness levelling gain in dB (−30…30), nil for none.
    public var levellingGainDB: Double?
    /// Volume factor on PulseAudio's cubic curve: 1.0 = 100 %, 0…1.5.
    public var volume: Double

    public init(speed: Double = 1, silence: SilenceMode = .off, levellingGainDB: Double? = nil, volume: Double = 1) {
        self.speed = speed
        self.silence = silence
        self.levellingGainDB = levellingGainDB
        self.volume = volume
    }

    /// Speed 1, silence off, no levelling, volume 100 %: the DSP stage is bypassed.
    public var isNeutral: Bool { speed == 1 && silence == .off && (levellingGainDB ?? 0) == 0 && volume == 1 }

    /// Only the gain (levelling or volume) differs from `other`.
    func differsOnlyInGain(from other: PlaybackProcessing) -> Bool {
        speed == other.speed && silence == other.silence
    }

    /// Why these values cannot be applied (one sentence naming the setting), or nil.
    public var problem: String? {
        if !speed.isFinite || !Self.speedRange.contains(speed) {
            return "The speed \(speed) is outside 0.5…3.0."
        }
        if let gain = levellingGainDB, !gain.isFinite || !(-30...30).contains(gain) {
            return "The levelling gain \(gain) dB is outside −30…30 dB."
        }
        if !volume.isFinite || !Self.volumeRange.contains(volume) {
            return "The volume \(volume * 100) % is outside 0…150 %."
        }
        return nil
    }
}
