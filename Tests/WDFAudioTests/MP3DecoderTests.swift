import Glibc
import Testing
import WDFAudio

/// Decoding the committed fixtures with the real libmpg123 (no sound server needed).
@Suite("MP3 decoder")
struct MP3DecoderTests {
    static let fixtures = String(#filePath).split(separator: "/").dropLast(2).joined(separator: "/")
    static func fixture(_ name: String) -> String { "/" + fixtures + "/Fixtures/" + name }

    /// Decodes `seconds` from the current position and returns mono samples (channel 0).
    func decode(_ decoder: MP3Decoder, seconds: Double) throws -> [Int16] {
        let frames = Int(seconds * Double(decoder.format.sampleRate))
        let bytes = frames * decoder.format.bytesPerFrame
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < bytes {
            let n = try decoder.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        let samples = buffer.bindMemory(to: Int16.self)
        return stride(from: 0, to: filled / 2, by: decoder.format.channels).map { samples[$0] }
    }

    /// Dominant frequency by counting zero crossings.
    func frequency(_ samples: [Int16], rate: Int) -> Double {
        var crossings = 0
        for i in 1..<samples.count where (samples[i - 1] < 0) != (samples[i] < 0) { crossings += 1 }
        return Double(crossings) / 2 / (Double(samples.count) / Double(rate))
    }

    @Test func formatFollowsTheFileAndLengthIsGapless() throws {
        let decoder = try MP3Decoder(path: MP3DecoderTests.fixture("tones.mp3"))
        #expect(decoder.format == AudioFormat(sampleRate: 44100, channels: 2))
        #expect(decoder.lengthFrames == 1_323_000)  // exactly 30.000 s: encoder delay and padding trimmed
        let mono = try MP3Decoder(path: MP3DecoderTests.fixture("long-tones.mp3"))
        #expect(mono.format == AudioFormat(sampleRate: 22050, channels: 1))
    }

    @Test func seeksExactlyToAChapter() throws {
        let decoder = try MP3Decoder(path: MP3DecoderTests.fixture("tones.mp3"))
        for (second, hz) in [(12.0, 800.0), (26.0, 1400.0), (5.5, 600.0), (0.5, 400.0)] {
            try decoder.seek(toFrame: Int(second * 44100))
            #expect(decoder.positionFrames == Int(second * 44100))
            let heard = frequency(try decode(decoder, seconds: 0.5), rate: 44100)
            #expect(abs(heard - hz) < 10, "at \(second) s expected \(hz) Hz, decoded \(heard) Hz")
        }
    }

    @Test func seeksAccuratelyInVBRWithoutXing() throws {
        let decoder = try MP3Decoder(path: MP3DecoderTests.fixture("vbr-noxing.mp3"))
        #expect(decoder.lengthFrames == 883_584)  // every frame counted, not guessed from the first
        try decoder.seek(toFrame: Int(10.2 * Double(decoder.format.sampleRate)))  // segment 3: a pure 800 Hz tone after a noisy, high-bitrate segment
        let heard = frequency(try decode(decoder, seconds: 0.3), rate: decoder.format.sampleRate)
        #expect(abs(heard - 800) < 15, "decoded \(heard) Hz")
    }

    @Test func endOfFileReadsZero() throws {
        let decoder = try MP3Decoder(path: MP3DecoderTests.fixture("tones.mp3"))
        try decoder.seek(toFrame: 1_323_000 - 100)
        let tail = try decode(decoder, seconds: 1)
        #expect(tail.count == 100)
    }

    @Test(arguments: ["bad/not-mp3.mp3", "bad/empty.mp3", "bad/garbage.mp3", "does-not-exist.mp3"])
    func badFilesAreOneClearError(_ name: String) {
        do {
            _ = try MP3Decoder(path: MP3DecoderTests.fixture(name))
            Issue.record("\(name) opened")
        } catch {
            #expect(error.message.contains(name), "message should name the file: \(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func truncatedFileDecodesWhatItHas() throws {
        let decoder = try MP3Decoder(path: MP3DecoderTests.fixture("bad/truncated.mp3"))
        let samples = try decode(decoder, seconds: 2)
        #expect(samples.count > 0 && samples.count < 44100)
    }
}


