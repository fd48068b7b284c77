import Glibc
import Testing
import WDFAudio
import WDFCore

/// The background pass: its result arrives from its own thread, a newer request abandons an
/// older one, and while held it reads nothing (a paused daemon must not wake up).
@Suite("Loudness scanner")
struct LoudnessScannerTests {
    final class Results: @unchecked Sendable {  // @unchecked: under `mutex`
        private var mutex = pthread_mutex_t()
        private var list: [(String, LoudnessScanner.Result)] = []
        init() { pthread_mutex_init(&mutex, nil) }
        func add(_ path: String, _ result: LoudnessScanner.Result) {
            pthread_mutex_lock(&mutex); list.append((path, result)); pthread_mutex_unlock(&mutex)
        }
        var all: [(String, LoudnessScanner.Result)] {
            pthread_mutex_lock(&mutex); defer { pthread_mutex_unlock(&mutex) }; return list
        }
        /// Waits (generously) until `count` results are in.
        func wait(for count: Int) -> [(String, LoudnessScanner.Result)] {
            for _ in 0..<3000 where all.count < count { usleep(10_000) }
            return all
        }
    }

    final class Reads: @unchecked Sendable {  // @unchecked: an atomic-enough counter for a test (one writer)
        var count = 0
    }

    /// A decoder that counts its reads.
    final class CountingDecoder: AudioDecoder {
        let inner: MP3Decoder
        let reads: Reads
        init(_ path: String, _ reads: Reads) throws(AudioError) { inner = try MP3Decoder(path: path); self.reads = reads }
        var format: AudioFormat { inner.format }
        var lengthFrames: Int? { inner.lengthFrames }
        var positionFrames: Int { inner.positionFrames }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws(AudioError) -> Int {
            reads.count += 1
            return try inner.read(into: buffer)
        }
        func seek(toFrame frame: Int) throws(AudioError) { try inner.seek(toFrame: frame) }
    }

    @Test func measuresInTheBackground() throws {
        let results = Results()
        let scanner = LoudnessScanner { results.add($0, $1) }
        scanner.measure(path: LoudnessScanTests.fixture("level-quiet.mp3"))
        let got = results.wait(for: 1)
        try #require(got.count == 1)
        #expect(got[0].0.hasSuffix("level-quiet.mp3"))
        let measured = try #require(try got[0].1.get())
        #expect(abs(try #require(measured.loudness) - -26.7) < 1)
        #expect(scanner.measuring == nil)
    }

    @Test func heldItReadsNothingUntilReleased() throws {
        let results = Results()
        let reads = Reads()
        let scanner = LoudnessScanner(decoderFactory: { path throws(AudioError) in try CountingDecoder(path, reads) }) {
            results.add($0, $1)
        }
        scanner.hold(true)
        scanner.measure(path: LoudnessScanTests.fixture("level-loud.mp3"))
        usleep(300_000)
        #expect(reads.count == 0 && results.all.isEmpty)
        scanner.hold(false)
        let got = results.wait(for: 1)
        try #require(got.count == 1)
        #expect(try got[0].1.get()?.loudness != nil)
        #expect(reads.count > 0)
    }

    @Test func aNewerEpisodeAbandonsTheOlderPass() throws {
        let results = Results()
        let scanner = LoudnessScanner { results.add($0, $1) }
        scanner.hold(true)
        scanner.measure(path: LoudnessScanTests.fixture("level-loud.mp3"))
        scanner.measure(path: LoudnessScanTests.fixture("level-quiet.mp3"))
        scanner.hold(false)
        let got = results.wait(for: 2)
        try #require(got.count == 2)
        let loud = try #require(got.first { $0.0.hasSuffix("level-loud.mp3") })
        let quiet = try #require(got.first { $0.0.hasSuffix("level-quiet.mp3") })
        #expect(try loud.1.get() == nil)
        #expect(try quiet.1.get()?.loudness != nil)
    }

    @Test func aMissingFileIsAnError() throws {
        let results = Results()
        let scanner = LoudnessScanner { results.add($0, $1) }
        scanner.measure(path: "/nonexistent/gone.mp3")
        let got = results.wait(for: 1)
        try #require(got.count == 1)
        #expect(throws: AudioError.self) { try got[0].1.get() }
    }
}
