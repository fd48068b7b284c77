import Glibc
import Testing
import WDFDSP

/// Levelling gain and volume: right level, never past the ceiling, no jumps.
@Suite("Gain stage")
struct GainStageTests {
    func run(_ signal: Signal, through stage: GainStage) -> Signal {
        var samples = signal.samples
        samples.withUnsafeMutableBufferPointer { stage.process($0) }
        return Signal(rate: signal.rate, channels: signal.channels, samples: samples)
    }

    func measure(_ signal: Signal) throws -> (loudness: Double, peak: Double) {
        let meter = try LoudnessMeter(sampleRate: signal.rate, channels: signal.channels)
        try signal.samples.withUnsafeBufferPointer { try meter.add($0) }
        return (try #require(try meter.integratedLoudness()), try #require(try meter.truePeak()))
    }

    @Test func levellingGainReachesTheTargetUnlessThePeakForbids() {
        #expect(GainStage.levellingGain(loudness: -20, truePeak: -20) == 4)
        #expect(GainStage.levellingGain(loudness: -10, truePeak: -1) == -6)
        #expect(GainStage.levellingGain(loudness: -30, truePeak: -3) == 2)  // +14 wanted, the peak allows +2
        #expect(GainStage.levellingGain(loudness: -80, truePeak: nil) == 30)  // kept within gainRange
        #expect(GainStage.levellingGain(loudness: .nan, truePeak: -3) == 0)
        #expect(GainStage.levellingGain(loudness: -.infinity, truePeak: nil) == 0)
    }

    /// Two episodes mastered 20 dB apart come out at -16 LUFS, within 0.5 LU of each other.
    @Test func episodesTwentyDecibelsApartComeOutAlike() throws {
        let loud = try Signal.fixture("sine-1k-20dbfs.wav")
        var heard: [Double] = []
        for episode in [loud, loud.scaled(0.1)] {
            let (loudness, peak) = try measure(episode)
            let stage = try GainStage(sampleRate: episode.rate, channels: episode.channels)
            try stage.setLevelling(decibels: GainStage.levellingGain(loudness: loudness, truePeak: peak), rampSeconds: 0)
            heard.append(try measure(run(episode, through: stage)).loudness)
            #expect(stage.guardFactor == 1)
        }
        #expect(abs(heard[0] - -16) < 0.5 && abs(heard[1] - -16) < 0.5, "levelled to \(heard)")
    }

    /// A quiet voice (-34 dBFS) with one loud click (-6 dBFS): the loudness asks for about +17 dB,
    /// the peak allows about +5 dB; the levelled episode's true peak stays at or below -1 dBTP.
    @Test func levellingNeverPassesTheTruePeakCeiling() throws {
        var samples = Signal.sine(1000, seconds: 4, amplitude: 0.02, rate: 48000)
        let click = Signal.sine(11000, seconds: 0.0005, amplitude: 0.5, rate: 48000, phase: 0.3)
        for (i, value) in click.enumerated() { samples[96_000 + i] = value }
        let episode = Signal(rate: 48000, channels: 1, samples: samples)
        let (loudness, peak) = try measure(episode)
        let gain = GainStage.levellingGain(loudness: loudness, truePeak: peak)
        #expect(gain < 7 && gain > 3, "gain \(gain) dB for \(loudness) LUFS, \(peak) dBTP")
        let stage = try GainStage(sampleRate: 48000, channels: 1)
        try stage.setLevelling(decibels: gain, rampSeconds: 0)
        let (_, after) = try measure(run(episode, through: stage))
        #expect(after <= -1 + 0.05, "true peak \(after) dBTP after levelling")
    }

    /// 150 % on a loud sine would reach +9 dBFS: the guard holds every sample at the ceiling.
    @Test func volumeAboveFullNeverClips() throws {
        let loud = Signal(rate: 44100, channels: 2, samples: Signal.sine(440, seconds: 1, amplitude: 0.9)).spread(to: 2)
        let stage = try GainStage(sampleRate: 44100, channels: 2)
        try stage.setVolume(1.5, rampSeconds: 0)
        let out = run(loud, through: stage)
        let ceiling = Int(32767 * pow(10, -1.0 / 20))
        #expect(out.samples.map { abs(Int($0)) }.max()! <= ceiling)
        #expect(stage.guardFactor < 1)
    }

    /// A gain change on a constant signal: the factor climbs linearly over the ramp, no step.
    @Test func gainChangesRampWithoutAJump() throws {
        let stage = try GainStage(sampleRate: 44100, channels: 1)
        try stage.setLevelling(decibels: 6, rampSeconds: 0.1)
        let out = run(Signal(rate: 44100, channels: 1, samples: [Int16](repeating: 1000, count: 8820)), through: stage)
        let final = Int((1000 * pow(10, 6.0 / 20)).rounded())
        #expect(Int(out.samples[4409]) == final && Int(out.samples.last!) == final)
        #expect(out.samples[0] < 1002)
        for i in 1..<out.samples.count {
            let step = Int(out.samples[i]) - Int(out.samples[i - 1])
            if step < 0 || step > 1 { Issue.record("step of \(step) at frame \(i)"); break }
        }
    }

    @Test func volumeFollowsPulseAudiosCurveAndUnityIsBypassed() throws {
        let stage = try GainStage(sampleRate: 44100, channels: 1)
        #expect(stage.isBypassing)
        let tone = Signal(rate: 44100, channels: 1, samples: Signal.sine(440, seconds: 0.1, amplitude: 0.5))
        #expect(run(tone, through: stage).samples == tone.samples)
        try stage.setVolume(0.5, rampSeconds: 0)
        #expect(stage.factor == 0.125)  // 50 % = -18 dB, as pavucontrol's 50 %
        #expect(!stage.isBypassing)
        try stage.setVolume(1, rampSeconds: 0)
        #expect(stage.isBypassing)
        for bad in [-0.01, 1.51, .nan] { #expect(throws: DSPError.self) { try stage.setVolume(bad) } }
        for bad in [-31.0, 31, .infinity] { #expect(throws: DSPError.self) { try stage.setLevelling(decibels: bad) } }
        #expect(throws: DSPError.self) { try stage.setVolume(1, rampSeconds: .nan) }
        #expect(stage.volume == 1 && stage.levellingDecibels == 0)
    }
}
