import Testing
import WDFDSP

/// Speed with pitch kept (libsonic), against the sox-made 300 Hz tone and tones made here.
@Suite("Speed stretcher")
struct SpeedStretcherTests {
    /// Runs `signal` through a stretcher at `speed` in chunks, then drains it.
    func stretch(_ signal: Signal, speed: Double, chunk: Int = 1024) throws -> (SpeedStretcher, [Int16]) {
        let stretcher = try SpeedStretcher(sampleRate: signal.rate, channels: signal.channels)
        try stretcher.setSpeed(speed)
        var output: [Int16] = []
        try inChunks(signal.samples, channels: signal.channels, chunk: chunk) { try stretcher.process($0, into: &output) }
        try stretcher.drain(into: &output)
        return (stretcher, output)
    }

    @Test func twiceAsFastIsStill300HzAndHalfAsLong() throws {
        let tone = try Signal.fixture("tone-300.wav")
        #expect(tone.rate == 44100 && tone.frames == 132_300)
        let (stretcher, output) = try stretch(tone, speed: 2)
        let ratio = Double(tone.frames) / Double(output.count)
        #expect(abs(ratio - 2) < 0.02, "length ratio \(ratio)")
        let heard = frequency(output[2000..<(output.count - 2000)], rate: 44100)
        #expect(abs(heard - 300) < 3, "heard \(heard) Hz")
        #expect(stretcher.heardInputFrames == tone.frames && stretcher.heldInputFrames == 0)
    }

    @Test(arguments: [0.5, 0.75, 1.5, 2.5, 3.0])
    func pitchIsKeptAndLengthFollowsTheSpeed(speed: Double) throws {
        let tone = try Signal.fixture("tone-300.wav")
        let (_, output) = try stretch(tone, speed: speed, chunk: 777)
        let ratio = Double(tone.frames) / Double(output.count)
        #expect(abs(ratio / speed - 1) < 0.02, "at \(speed)× the length ratio is \(ratio)")
        let heard = frequency(output[2000..<(output.count - 2000)], rate: 44100)
        #expect(abs(heard - 300) < 4, "at \(speed)× heard \(heard) Hz")
    }

    @Test func floatFramesToo() throws {
        let tone = try Signal.fixture("tone-300.wav").spread(to: 2)
        let floats = tone.samples.map { Float($0) / 32768 }
        let stretcher = try SpeedStretcher(sampleRate: 44100, channels: 2)
        try stretcher.setSpeed(2)
        var output: [Float] = []
        try floats.withUnsafeBufferPointer { try stretcher.process($0, into: &output) }
        #expect(stretcher.heldInputFrames < stretcher.maximumHeldFrames)
        try stretcher.drain(into: &output)
        #expect(stretcher.heldInputFrames == 0 && stretcher.heardInputFrames == tone.frames)
        let ratio = Double(floats.count) / Double(output.count)
        #expect(abs(ratio - 2) < 0.05, "length ratio \(ratio)")
        let left = stride(from: 0, to: output.count, by: 2).map { Int16(output[$0] * 32767) }
        #expect(abs(frequency(left[2000..<(left.count - 2000)], rate: 44100) - 300) < 3)
    }

    @Test func atOneFramesPassUntouchedWithoutSonic() throws {
        let tone = try Signal.fixture("tone-300.wav")
        let stretcher = try SpeedStretcher(sampleRate: 44100, channels: 1)
        #expect(stretcher.isBypassing)
        var output: [Int16] = []
        try inChunks(tone.samples, channels: 1, chunk: 1000) { try stretcher.process($0, into: &output) }
        #expect(output == tone.samples)
        #expect(stretcher.isBypassing && stretcher.heardInputFrames == tone.frames && stretcher.heldInputFrames == 0)
    }

    @Test func backToOneEmptiesSonicAndBypassesAgain() throws {
        let tone = try Signal.fixture("tone-300.wav")
        let stretcher = try SpeedStretcher(sampleRate: 44100, channels: 1)
        try stretcher.setSpeed(1.5)
        var output: [Int16] = []
        try tone.samples[0..<50_000].withUnsafeBufferPointer { try stretcher.process($0, into: &output) }
        #expect(!stretcher.isBypassing)
        try stretcher.setSpeed(1)
        try tone.samples[50_000...].withUnsafeBufferPointer { try stretcher.process($0, into: &output) }
        #expect(stretcher.isBypassing)
        #expect(stretcher.heldInputFrames == 0 && stretcher.heardInputFrames == tone.frames)
        // The frames after the switch come out as they went in.
        #expect(Array(output.suffix(50_000)) == Array(tone.samples.suffix(50_000)))
    }

    /// Episode time at 3×: tones with pitch periods of 111 and 67 frames alternate every second for
    /// 60 s; where the output changes tone, the position the stretcher reports must be that second
    /// of the episode. Sonic's own ratio at 3× is off for odd periods (111 → 55 output frames for
    /// 166 in, 3.018×), so output × speed drifts by about half a second over the minute; the books
    /// must stay within sonic's window.
    @Test func episodeTimeAtThreeTimesStaysInSonicsWindow() throws {
        var input: [Int16] = []
        for second in 0..<60 { input += Signal.sine(44100 / (second % 2 == 0 ? 111 : 67), seconds: 1, amplitude: 0.5) }
        let stretcher = try SpeedStretcher(sampleRate: 44100, channels: 1)
        try stretcher.setSpeed(3)
        var output: [Int16] = []
        var naive = 0.0
        // Windows of 5 ms of output, read 200 ms behind the newest output (as the sink's clock
        // asks, its latency behind what it was given); a change of tone is where the measured
        // frequency crosses 520 Hz.
        let window = 220
        var scanned = 0
        var previousHigh = false
        var checked = 0
        var worst = 0.0
        try inChunks(input, channels: 1, chunk: 512) { chunk in
            let before = output.count
            try stretcher.process(chunk, into: &output)
            naive += Double(output.count - before) * 3
            #expect(stretcher.heldInputFrames >= 0 && stretcher.heldInputFrames < stretcher.maximumHeldFrames)
            while scanned + window + 8820 <= output.count {
                let start = scanned
                scanned += window
                let high = frequency(output[start..<(start + window)], rate: 44100) > 520
                defer { previousHigh = high }
                guard start > 0, high != previousHigh else { continue }
                let position = Double(stretcher.inputFrame(forOutputFrame: start)) / 44100
                worst = max(worst, abs(position - position.rounded()))
                checked += 1
            }
        }
        #expect(checked >= 55, "found \(checked) changes of tone")
        print("3×: worst position error \(worst) s, naive drift \((Double(stretcher.inputFrames) - naive) / 44100) s")
        #expect(worst < 0.06, "the reported position was up to \(worst) s off the change of tone")
        let drift = Double(stretcher.inputFrames) - naive
        #expect(drift > 0.1 * 44100, "the naive count drifted only \(drift / 44100) s: the test would not tell")
    }

    @Test func resetDropsWhatWasHeld() throws {
        let stretcher = try SpeedStretcher(sampleRate: 44100, channels: 1)
        try stretcher.setSpeed(1.5)
        var output: [Int16] = []
        let low = Signal.sine(300, seconds: 1, amplitude: 0.5)
        try low.withUnsafeBufferPointer { try stretcher.process($0, into: &output) }
        stretcher.reset()
        #expect(stretcher.inputFrames == 0 && stretcher.outputFrames == 0 && stretcher.heldInputFrames == 0)
        output.removeAll()
        let high = Signal.sine(700, seconds: 1, amplitude: 0.5)
        try high.withUnsafeBufferPointer { try stretcher.process($0, into: &output) }
        // Not one window of the old 300 Hz comes out after the seek.
        for start in stride(from: 0, to: output.count - 441, by: 441) {
            #expect(frequency(output[start..<(start + 441)], rate: 44100) > 600, "stale audio at output frame \(start)")
        }
        #expect(stretcher.speed == 1.5)
    }

    @Test func refusesSpeedsOutsideTheRangeAndBrokenFrames() throws {
        let stretcher = try SpeedStretcher(sampleRate: 44100, channels: 2)
        for bad in [0.49, 3.01, .nan, .infinity, -1] {
            #expect(throws: DSPError.self) { try stretcher.setSpeed(bad) }
        }
        #expect(stretcher.speed == 1)
        var output: [Int16] = []
        let three: [Int16] = [1, 2, 3]
        #expect(throws: DSPError.self) { try three.withUnsafeBufferPointer { try stretcher.process($0, into: &output) } }
        #expect(throws: DSPError.self) { try SpeedStretcher(sampleRate: 0, channels: 2) }
        #expect(throws: DSPError.self) { try SpeedStretcher(sampleRate: 44100, channels: 0) }
    }
}
