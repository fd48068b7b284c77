import Testing
import WDFCore
import WDFDSP

/// Skip silence against the sox-made tones-silences.wav (16 kHz mono): 2 s tones of 400, 600, 800
/// and 1000 Hz at input seconds 0, 5, 7.25 and 12.25, separated by noise at -65 dBFS lasting 3 s,
/// 0.25 s and 3 s.
@Suite("Silence shortener")
struct SilenceShortenerTests {
    static let toneStarts = [0, 80_000, 116_000, 196_000]
    static let toneFrames = 32_000

    func shorten(_ signal: Signal, mode: SilenceMode, chunk: Int = 1000) throws -> (SilenceShortener, [Int16]) {
        let shortener = try SilenceShortener(sampleRate: signal.rate, channels: signal.channels, mode: mode)
        var output: [Int16] = []
        try inChunks(signal.samples, channels: signal.channels, chunk: chunk) { chunk in
            try shortener.process(chunk, into: &output)
            #expect(shortener.inputFrames == shortener.outputFrames + shortener.droppedFrames + shortener.heldFrames)
        }
        shortener.drain(into: &output)
        #expect(shortener.heldFrames == 0 && shortener.outputFrames * signal.channels == output.count)
        return (shortener, output)
    }

    /// Where input frame `frame` landed in the output, by the shortener's own map.
    func outputFrame(of frame: Int, in shortener: SilenceShortener, outputCount: Int) -> Int? {
        (0..<outputCount).first { shortener.inputFrame(forOutputFrame: $0) == frame }
    }

    @Test(arguments: [SilenceMode.mild, .medium, .strong])
    func everyToneComesOutWholeAndTheLongSilencesShorter(mode: SilenceMode) throws {
        let input = try Signal.fixture("tones-silences.wav")
        #expect(input.rate == 16000 && input.frames == 228_000)
        let (shortener, output) = try shorten(input, mode: mode)
        // The two 3 s silences keep `kept` seconds each; the 0.25 s pause is left alone.
        let expected = 2 * (3 - mode.kept) * 16000
        #expect(abs(Double(shortener.droppedFrames) - expected) <= 160, "\(mode): dropped \(shortener.droppedFrames) frames")
        #expect(abs(shortener.savedSeconds - 2 * (3 - mode.kept)) < 0.011)
        #expect(output.count + shortener.droppedFrames == input.frames)
        for (index, start) in Self.toneStarts.enumerated() {
            let at = try #require(outputFrame(of: start, in: shortener, outputCount: output.count), "tone \(index) not found")
            let heard = output[at..<(at + Self.toneFrames)]
            #expect(Array(heard) == Array(input.samples[start..<(start + Self.toneFrames)]), "\(mode): tone \(index) is not whole")
        }
        // Between the tones at 5 s and 7.25 s the short pause is still there, unchanged.
        let pause = try #require(outputFrame(of: 112_000, in: shortener, outputCount: output.count))
        #expect(Array(output[pause..<(pause + 4000)]) == Array(input.samples[112_000..<116_000]))
    }

    @Test func offPassesEverythingUntouched() throws {
        let input = try Signal.fixture("tones-silences.wav")
        let (shortener, output) = try shorten(input, mode: .off)
        #expect(output == input.samples && shortener.droppedFrames == 0 && shortener.isBypassing)
    }

    /// Pocket Casts #89: a quiet speaker is judged by their own level. The same episode 40 dB
    /// quieter (tones at -46 dBFS peak, below any absolute threshold) loses the same silences and
    /// keeps every tone whole; a long quiet tone alone loses nothing.
    @Test func aQuietSpeakerIsJudgedByTheirOwnLevel() throws {
        let quiet = try Signal.fixture("tones-silences.wav").scaled(0.01)
        let (shortener, output) = try shorten(quiet, mode: .strong)
        #expect(abs(Double(shortener.droppedFrames) - 2 * 2.8 * 16000) <= 160)
        for start in Self.toneStarts {
            let at = try #require(outputFrame(of: start, in: shortener, outputCount: output.count))
            #expect(Array(output[at..<(at + Self.toneFrames)]) == Array(quiet.samples[start..<(start + Self.toneFrames)]))
        }
        let murmur = Signal(rate: 16000, channels: 1, samples: Signal.sine(200, seconds: 10, amplitude: 0.005, rate: 16000))
        let (alone, heard) = try shorten(murmur, mode: .strong)
        #expect(alone.droppedFrames == 0 && heard == murmur.samples)
    }

    /// A hum below the threshold (-48 dBFS) shortened in the middle: the join fades out and in,
    /// so no sample jumps (without the fades it jumps from -0.31 to -0.90 of its amplitude, 77).
    @Test func theJoinFadesWithoutAClick() throws {
        let tone = Signal.sine(500, seconds: 1, amplitude: 0.5, rate: 16000)
        let hum = Signal.sine(37, seconds: 2.013, amplitude: 0.004, rate: 16000)
        let input = Signal(rate: 16000, channels: 1, samples: tone + hum + tone)
        let (shortener, output) = try shorten(input, mode: .medium)
        #expect(shortener.droppedFrames > 20_000)
        let join = try #require(shortener.joins.first)
        var largest = 0
        for i in (join.outputFrame - 400)..<(join.outputFrame + 400) {
            largest = max(largest, abs(Int(output[i]) - Int(output[i - 1])))
        }
        #expect(largest < 20, "a step of \(largest) at the join")
    }

    @Test func stereoFramesStayTogether() throws {
        let input = try Signal.fixture("tones-silences.wav").spread(to: 2)
        let (shortener, output) = try shorten(input, mode: .medium, chunk: 333)
        #expect(abs(Double(shortener.droppedFrames) - 2 * 2.7 * 16000) <= 160)
        for frame in stride(from: 0, to: output.count, by: 2) where output[frame] != output[frame + 1] {
            Issue.record("channels apart at output frame \(frame / 2)")
            break
        }
    }

    @Test func resetDropsWhatIsHeldAndSettingOffPassesItOn() throws {
        let shortener = try SilenceShortener(sampleRate: 16000, channels: 1, mode: .mild)
        var output: [Int16] = []
        let sound = Signal.sine(400, seconds: 1, amplitude: 0.5, rate: 16000)
        let quiet = [Int16](repeating: 0, count: 8000)
        try (sound + quiet).withUnsafeBufferPointer { try shortener.process($0, into: &output) }
        #expect(shortener.heldFrames == 8000 && output.count == 16000)
        shortener.setMode(.off)
        try sound.withUnsafeBufferPointer { try shortener.process($0, into: &output) }
        #expect(output == sound + quiet + sound && shortener.isBypassing)
        shortener.setMode(.mild)
        try (sound + quiet).withUnsafeBufferPointer { try shortener.process($0, into: &output) }
        shortener.reset(newEpisode: false)
        #expect(shortener.heldFrames == 0 && shortener.inputFrames == 0 && shortener.droppedFrames == 0)
        let three: [Int16] = [1, 2, 3]
        let stereo = try SilenceShortener(sampleRate: 16000, channels: 2, mode: .mild)
        #expect(throws: DSPError.self) { try three.withUnsafeBufferPointer { try stereo.process($0, into: &output) } }
        #expect(throws: DSPError.self) { try SilenceShortener(sampleRate: 16000, channels: 1, marginDecibels: .nan) }
    }
}
