import Testing
import WDFCore
import WDFDSP

/// The three stages together, as the playback thread will run them: bypass without a copy, and
/// episode time through silence shortening and speed at once.
@Suite("DSP chain")
struct DSPChainTests {
    @Test func everythingOffHandsTheDecodersOwnBufferOn() throws {
        let tone = try Signal.fixture("tone-300.wav")
        let chain = try DSPChain(sampleRate: 44100, channels: 1)
        #expect(chain.isBypassing)
        try tone.samples.withUnsafeBufferPointer { input in
            try chain.process(input) { out in
                #expect(out.baseAddress == input.baseAddress && out.count == input.count)
            }
        }
        #expect(chain.outputFrames == tone.frames && chain.heldFrames == 0)
        #expect(chain.episodeFrame(forOutputFrame: 1000) == 1000)
    }

    /// tones-silences.wav with skip silence strong at 2×: the tones still change where the
    /// episode says (0, 5, 7.25, 12.25 s), read back from the output 100 ms behind the newest
    /// frame, and the episode takes less than half its length.
    @Test func episodeTimeThroughSilenceAndSpeed() throws {
        let input = try Signal.fixture("tones-silences.wav")
        let chain = try DSPChain(sampleRate: 16000, channels: 1)
        chain.shortener.setMode(.strong)
        try chain.stretcher.setSpeed(2)
        try chain.gain.setVolume(0.9)
        var output: [Int16] = []
        var scanned = 0
        var previous = 0.0
        var changes: [Double] = []
        try inChunks(input.samples, channels: 1, chunk: 1152) { chunk in
            try chain.process(chunk) { output.append(contentsOf: $0) }
            #expect(chain.outputFrames == output.count)
            while scanned + 160 + 1600 <= output.count {
                let hz = frequency(output[scanned..<(scanned + 160)], rate: 16000)
                // A tone starts where the frequency jumps from noise-free silence or another tone.
                let tone = [400.0, 600, 800, 1000].first { abs(hz - $0) < 60 }
                if let tone, tone != previous {
                    changes.append(Double(chain.episodeFrame(forOutputFrame: scanned)) / 16000)
                    previous = tone
                }
                scanned += 160
            }
        }
        try chain.drain { output.append(contentsOf: $0) }
        #expect(changes.count == 4, "changes of tone at \(changes)")
        for (heard, expected) in zip(changes, [0, 5, 7.25, 12.25]) {
            #expect(abs(heard - expected) < 0.05, "a tone of the episode's \(expected) s reported at \(heard) s")
        }
        #expect(Double(output.count) < 0.5 * Double(input.frames) - 0.5 * 2 * 2.8 * 16000 + 800)
        #expect(chain.heldFrames == 0)
    }

    @Test func seekRestartsTheBooksAndDropsWhatWasHeld() throws {
        let chain = try DSPChain(sampleRate: 44100, channels: 1)
        try chain.stretcher.setSpeed(1.5)
        let tone = Signal.sine(300, seconds: 1, amplitude: 0.5)
        try tone.withUnsafeBufferPointer { try chain.process($0) { _ in } }
        #expect(chain.heldFrames > 0)
        chain.seek(toEpisodeFrame: 441_000)
        #expect(chain.heldFrames == 0 && chain.outputFrames == 0)
        #expect(chain.episodeFrame(forOutputFrame: 0) == 441_000)
        var heard: [Int16] = []
        try tone.withUnsafeBufferPointer { try chain.process($0) { heard.append(contentsOf: $0) } }
        let end = chain.episodeFrame(forOutputFrame: heard.count)
        #expect(end > 441_000 + 44100 - chain.stretcher.maximumHeldFrames && end <= 441_000 + 44100)
    }
}
