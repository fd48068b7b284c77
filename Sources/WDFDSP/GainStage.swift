import Glibc

/// The last stage before the sink: loudness levelling gain and the listener's volume, as one
/// factor on interleaved 16-bit frames, in place.
///
/// - Changes never jump: the factor moves linearly to a new value (`rampSeconds`).
/// - It never clips: a peak guard takes the factor down at once when a frame would pass
///   `ceiling` and lets it back up over `releaseSeconds`. With the levelling gain from
///   `levellingGain(loudness:truePeak:)` (true-peak limited) the guard stays idle for the episode
///   measured; it is the backstop for volumes above 100 % and for gains set before a measurement.
/// - At unity (no levelling, volume 100 %, guard idle) it is bypassed: `process` returns at once.
public final class GainStage {
    public static let volumeRange: ClosedRange<Double> = 0...1.5
    /// Levelling gains are kept within this (dB).
    public static let gainRange: ClosedRange<Double> = -30...30
    public static let releaseSeconds = 0.3

    public let sampleRate: Int
    public let channels: Int
    /// The highest level (dBFS) a sample may reach.
    public let ceiling: Double
    public private(set) var levellingDecibels = 0.0
    public private(set) var volume = 1.0

    /// The factor applied to the last frame, before the guard.
    public private(set) var factor = 1.0
    /// The peak guard's own factor (1 when idle).
    public private(set) var guardFactor = 1.0
    public var isBypassing: Bool { factor == 1 && rampLeft == 0 && guardFactor == 1 }

    private var target = 1.0
    private var step = 0.0
    private var rampLeft = 0
    private let limit: Double
    private let release: Double

    public init(sampleRate: Int, channels: Int, ceiling: Double = -1) throws(DSPError) {
        try DSPError.checkFormat(sampleRate: sampleRate, channels: channels)
        guard ceiling.isFinite, (-20...0).contains(ceiling) else {
            throw DSPError(.badArgument, "The ceiling \(ceiling) dBFS is outside −20…0 dBFS.")
        }
        self.sampleRate = sampleRate
        self.channels = channels
        self.ceiling = ceiling
        limit = 32767 * Self.linear(ceiling)
        release = 1 - exp(-1 / (Self.releaseSeconds * Double(sampleRate)))
    }

    /// The gain (dB) that brings an episode measured at `loudness` LUFS to `target`, lowered so
    /// that its true peak stays at or below `ceiling` dBTP, within `gainRange`.
    public static func levellingGain(loudness: Double, truePeak: Double?, target: Double = -16,
                                     ceiling: Double = -1) -> Double {
        guard loudness.isFinite, target.isFinite, ceiling.isFinite else { return 0 }
        var gain = target - loudness
        if let truePeak, truePeak.isFinite { gain = min(gain, ceiling - truePeak) }
        return min(max(gain, gainRange.lowerBound), gainRange.upperBound)
    }

    /// Sets the levelling gain in dB, reached over `rampSeconds`.
    public func setLevelling(decibels: Double, rampSeconds: Double = 1) throws(DSPError) {
        guard decibels.isFinite, Self.gainRange.contains(decibels) else {
            throw DSPError(.badArgument, "The levelling gain \(decibels) dB is outside −30…30 dB.")
        }
        levellingDecibels = decibels
        try retarget(rampSeconds)
    }

    /// Sets the volume (0…1.5 = 0…150 %), on PulseAudio's cubic curve (50 % sounds as the 50 % of
    /// pavucontrol: −18 dB), reached over `rampSeconds`.
    public func setVolume(_ newVolume: Double, rampSeconds: Double = 0.05) throws(DSPError) {
        guard newVolume.isFinite, Self.volumeRange.contains(newVolume) else {
            throw DSPError(.badArgument, "The volume \(newVolume * 100) % is outside 0…150 %.")
        }
        volume = newVolume
        try retarget(rampSeconds)
    }

    /// Scales interleaved frames in place.
    public func process(_ samples: UnsafeMutableBufferPointer<Int16>) {
        guard !isBypassing else { return }
        var index = 0
        while index + channels <= samples.count {
            if rampLeft > 0 {
                rampLeft -= 1
                factor = rampLeft == 0 ? target : factor + step
            }
            var peak: Int32 = 0
            for c in 0..<channels { peak = max(peak, abs(Int32(samples[index + c]))) }
            let wanted = Double(peak) * factor
            if wanted * guardFactor > limit {
                guardFactor = limit / wanted
            } else if guardFactor < 1 {
                guardFactor = min(1, guardFactor + (1 - guardFactor) * release + 1e-9)
            }
            let applied = factor * guardFactor
            for c in 0..<channels {
                let scaled = (Double(samples[index + c]) * applied).rounded()
                samples[index + c] = Int16(min(max(scaled, -limit), limit))
            }
            index += channels
        }
    }

    private func retarget(_ rampSeconds: Double) throws(DSPError) {
        guard rampSeconds.isFinite, (0...10).contains(rampSeconds) else {
            throw DSPError(.badArgument, "The ramp \(rampSeconds) s is outside 0…10 s.")
        }
        target = Self.linear(levellingDecibels) * volume * volume * volume
        let frames = Int((rampSeconds * Double(sampleRate)).rounded())
        if frames == 0 || target == factor {
            factor = target
            rampLeft = 0
        } else {
            rampLeft = frames
            step = (target - factor) / Double(frames)
        }
    }

    static func linear(_ decibels: Double) -> Double { pow(10, decibels / 20) }
}
