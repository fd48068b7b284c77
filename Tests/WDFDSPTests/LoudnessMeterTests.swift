import Glibc
import Testing
import WDFDSP

/// EBU R128 through libebur128 against the sox-made 1 kHz sine at -20 dBFS (48 kHz mono): in
/// theory -20.0 LUFS measured as dual mono (K-weighting is +0.69 dB at 1 kHz, cancelling the
/// -0.691 of the formula; a sine's mean square is half its peak², -23.01 dB, +3.01 dB for the
/// second channel) and a true peak of -20 dBTP.
@Suite("Loudness meter")
struct LoudnessMeterTests {
    func measure(_ signal: Signal) throws -> (loudness: Double?, peak: Double?) {
        let meter = try LoudnessMeter(sampleRate: signal.rate, channels: signal.channels)
        try inChunks(signal.samples, channels: signal.channels, chunk: 4800) { try meter.add($0) }
        #expect(meter.frames == signal.frames)
        return (try meter.integratedLoudness(), try meter.truePeak())
    }

    @Test func aSineAtMinus20dBFSIsMinus20LUFS() throws {
        let sine = try Signal.fixture("sine-1k-20dbfs.wav")
        #expect(sine.rate == 48000 && sine.channels == 1)
        let (loudness, peak) = try measure(sine)
        #expect(abs(try #require(loudness) - -20) < 0.5, "measured \(String(describing: loudness)) LUFS")
        #expect(abs(try #require(peak) - -20) < 0.5, "true peak \(String(describing: peak)) dBTP")
    }

    @Test func theSameSineInStereoMeasuresTheSame() throws {
        let (loudness, _) = try measure(try Signal.fixture("sine-1k-20dbfs.wav").spread(to: 2))
        #expect(abs(try #require(loudness) - -20) < 0.5)
    }

    @Test func twentyDecibelsQuieterMeasuresTwentyLess() throws {
        let (loudness, peak) = try measure(try Signal.fixture("sine-1k-20dbfs.wav").scaled(0.1))
        #expect(abs(try #require(loudness) - -40) < 0.5)
        #expect(abs(try #require(peak) - -40) < 0.5)
    }

    @Test func floatFramesMeasureTheSame() throws {
        let sine = try Signal.fixture("sine-1k-20dbfs.wav")
        let meter = try LoudnessMeter(sampleRate: 48000, channels: 1)
        try sine.samples.map { Float($0) / 32768 }.withUnsafeBufferPointer { try meter.add($0) }
        #expect(abs(try #require(try meter.integratedLoudness()) - -20) < 0.5)
    }

    /// A sine at a quarter of the rate, 45° off: every sample is at ±0.707 of its peak, which
    /// lies between the samples. The true peak finds it (0 dBTP against -3 dB of sample peak).
    @Test func theTruePeakLiesBetweenTheSamples() throws {
        let samples = Signal.sine(12000, seconds: 1, amplitude: 0.9, rate: 48000, phase: .pi / 4)
        let samplePeak = 20 * log10(Double(samples.map { abs(Int($0)) }.max() ?? 0) / 32768)
        let (_, peak) = try measure(Signal(rate: 48000, channels: 1, samples: samples))
        #expect(try #require(peak) > samplePeak + 2, "true peak \(String(describing: peak)), sample peak \(samplePeak)")
    }

    @Test func silenceHasNoLoudnessAndBrokenInputIsRefused() throws {
        let (loudness, peak) = try measure(Signal(rate: 48000, channels: 2, samples: [Int16](repeating: 0, count: 96000)))
        #expect(loudness == nil && peak == nil)
        let meter = try LoudnessMeter(sampleRate: 48000, channels: 2)
        let three: [Int16] = [1, 2, 3]
        #expect(throws: DSPError.self) { try three.withUnsafeBufferPointer { try meter.add($0) } }
        #expect(throws: DSPError.self) { try LoudnessMeter(sampleRate: 48000, channels: 9) }
    }
}
