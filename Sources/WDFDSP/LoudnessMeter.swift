import Glibc
import CEBUR128

/// EBU R128 integrated loudness (LUFS) and true peak (dBTP) of an episode, through libebur128.
///
/// A mono episode is measured as dual mono (counted twice), as it is heard on two speakers: a
/// 1 kHz sine at −20 dBFS measures −20 LUFS whether the file is mono or stereo.
public final class LoudnessMeter {
    public let sampleRate: Int
    public let channels: Int
    /// Frames measured so far.
    public private(set) var frames = 0
    private var state: UnsafeMutablePointer<ebur128_state>?

    public init(sampleRate: Int, channels: Int) throws(DSPError) {
        try DSPError.checkFormat(sampleRate: sampleRate, channels: channels)
        self.sampleRate = sampleRate
        self.channels = channels
        // The histogram keeps the meter's memory constant (one bin per 0.01 LU) whatever the
        // length; without it libebur128 keeps every 400 ms block, 600 MB for a 115-day "episode".
        let mode = Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue | EBUR128_MODE_HISTOGRAM.rawValue)
        guard let created = ebur128_init(UInt32(channels), UInt(sampleRate), mode) else {
            throw DSPError(.dspFailed, "libebur128 could not measure \(channels) channels at \(sampleRate) Hz.")
        }
        state = created
        if channels == 1 {
            try Self.check(ebur128_set_channel(created, 0, Int32(EBUR128_DUAL_MONO.rawValue)), "set the mono channel")
        }
    }

    deinit {
        ebur128_destroy(&state)
    }

    /// Measures interleaved 16-bit frames.
    public func add(_ samples: UnsafeBufferPointer<Int16>) throws(DSPError) {
        let count = try wholeFrames(samples.count)
        guard count > 0, let state, let base = samples.baseAddress else { return }
        try Self.check(ebur128_add_frames_short(state, base, count), "measure \(count) frames")
        frames += count
    }

    /// Measures interleaved float frames (−1…1).
    public func add(_ samples: UnsafeBufferPointer<Float>) throws(DSPError) {
        let count = try wholeFrames(samples.count)
        guard count > 0, let state, let base = samples.baseAddress else { return }
        try Self.check(ebur128_add_frames_float(state, base, count), "measure \(count) frames")
        frames += count
    }

    /// Integrated loudness in LUFS; nil while nothing above the absolute gate (−70 LUFS) was heard.
    public func integratedLoudness() throws(DSPError) -> Double? {
        guard let state else { return nil }
        var loudness = 0.0
        try Self.check(ebur128_loudness_global(state, &loudness), "compute the integrated loudness")
        return loudness.isFinite ? loudness : nil
    }

    /// The highest true peak of all channels, in dBTP (0 = full scale); nil for digital silence.
    public func truePeak() throws(DSPError) -> Double? {
        guard let state else { return nil }
        var highest = 0.0
        for channel in 0..<channels {
            var peak = 0.0
            try Self.check(ebur128_true_peak(state, UInt32(channel), &peak), "read the true peak of channel \(channel)")
            highest = max(highest, peak)
        }
        return highest > 0 ? 20 * log10(highest) : nil
    }

    private func wholeFrames(_ samples: Int) throws(DSPError) -> Int {
        guard samples % channels == 0 else {
            throw DSPError(.badArgument, "\(samples) samples are not whole frames of \(channels) channels.")
        }
        return samples / channels
    }

    private static func check(_ code: Int32, _ what: String) throws(DSPError) {
        guard code != Int32(EBUR128_SUCCESS.rawValue) else { return }
        let reason = code == Int32(EBUR128_ERROR_NOMEM.rawValue) ? "out of memory" : "error \(code)"
        throw DSPError(.dspFailed, "libebur128 could not \(what) (\(reason)).")
    }
}
