import Glibc
import Testing
@testable import WDFCore
@testable import WDFPlatform
@testable import WDFLibrary

/// MP3 lengths from headers: the committed fixtures (`Tests/Fixtures`, `Demo`; see
/// `Tests/Fixtures/README.md`) against what mpg123 decodes, and synthetic byte arrays.
///
/// Expected values were measured with mpg123 1.31 (`mpg123 -q -s FILE | wc -c` / 2 / channels,
/// and libmpg123's `mpg123_length` after `mpg123_scan`, which agree): a header with a frame
/// count gives the exact sample count, so those are compared to within a microsecond.
@Suite("MP3Duration")
struct MP3DurationTests {
    static func fixture(_ relative: String) -> String { ChapterFixtures.path(relative) }
    static func exists(_ relative: String) -> Bool { access(fixture(relative), R_OK) == 0 }

    /// Samples at a sample rate, as seconds.
    static func seconds(_ samples: Int, _ rate: Int) -> Double { Double(samples) / Double(rate) }

    // MARK: Fixtures

    /// Info + LAME tag (1150 frames, delay 576, padding 1224): 1 150 × 1152 − 1800 = 1 323 000
    /// samples, exactly what mpg123 outputs. ffprobe says 30.041 s (it ignores delay/padding).
    @Test(arguments: ["Tests/Fixtures/tones.mp3", "Tests/Fixtures/tones-ffmpeg.mp3"])
    func gaplessCBRFixture(_ file: String) throws {
        let d = try #require(MP3DurationReader.read(path: Self.fixture(file)))
        #expect(d.source == .info)
        #expect(!d.isEstimate)
        #expect(abs(d.seconds - 30.0) < 1e-6)
        #expect(d.bitrate == 128)
        #expect(d.sampleRate == 44100)
        #expect(d.channels == 2)
    }

    /// CBR without any header. mpg123 decodes 4596 frames × 576 = 2 647 296 samples (120.0588 s).
    /// The estimate is audio bytes × 8 / 32 kbps; frames are 104 or 105 bytes (padding), so the
    /// byte count is within a frame of the nominal rate: tolerance one frame (26 ms). Measured:
    /// 120.05875 s (0.03 ms short).
    @Test func cbrWithoutHeader() throws {
        let d = try #require(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures/long-tones.mp3")))
        #expect(d.source == .estimate)
        #expect(d.isEstimate)
        #expect(abs(d.seconds - Self.seconds(2_647_296, 22050)) < 576.0 / 22050)
        #expect(d.bitrate == 32)
        #expect(d.sampleRate == 22050)
        #expect(d.channels == 1)
    }

    /// VBR without a Xing frame: mpg123 decodes 767 frames = 883 584 samples (20.036 s). The
    /// first frame is 224 kbps (an estimate from it alone says 4.7 s; ffprobe's says 29.6 s):
    /// the reader uses the average frame size in its 128 KiB window, which here is nearly the
    /// whole file. Measured: 20.058 s (+0.11%); allowed: 3%.
    @Test func vbrWithoutHeader() throws {
        let d = try #require(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures/vbr-noxing.mp3")))
        #expect(d.source == .estimate)
        let truth = Self.seconds(883_584, 44100)
        #expect(abs(d.seconds - truth) / truth < 0.03, "\(d.seconds) s")
        #expect(d.bitrate == 224)
        #expect(d.sampleRate == 44100)
        #expect(d.channels == 1)
    }

    /// 1 s files (41 frames, no header) fit into the window: the frames are counted, so the
    /// result is exact (41 × 576 = 23 616 samples, as mpg123 decodes) even though an estimate.
    @Test(.enabled(if: exists("Tests/Fixtures/library/b.mp3"), "Tests/Fixtures/library has not been generated"),
          arguments: ["a.mp3", "b.mp3", "Korean War 03 - Third.mp3", "sub/d.mp3"])
    func smallLibraryFiles(_ name: String) throws {
        let d = try #require(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures/library/" + name)))
        #expect(d.source == .estimate)
        #expect(abs(d.seconds - Self.seconds(23_616, 22050)) < 1e-6)
        #expect(d.bitrate == 32)
    }

    /// ABR episodes: "Xing" + LAME tag; mpg123 decodes exactly these sample counts.
    @Test(.enabled(if: exists("Demo/Korean War 05 - Sino-Soviet Talks Part 1.mp3"), "Demo has not been generated"),
          arguments: [("Korean War 05 - Sino-Soviet Talks Part 1.mp3", 1_210_660),
                      ("Korean War 06 - Sino-Soviet Talks Part 2.mp3", 1_265_871),
                      ("Korean War 07 - The Road to June 1950.mp3", 1_294_170)])
    func demoEpisodes(_ name: String, _ samples: Int) throws {
        let d = try #require(MP3DurationReader.read(path: Self.fixture("Demo/" + name)))
        #expect(d.source == .xing)
        #expect(abs(d.seconds - Self.seconds(samples, 22050)) < 1e-6)
        #expect(d.sampleRate == 22050)
        #expect(d.channels == 1)
        // Average from the Xing byte count: about 35 kbps (ABR 32).
        #expect((30...40).contains(d.bitrate ?? 0))
    }

    @Test func badFiles() throws {
        #expect(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures/bad/empty.mp3")) == nil)
        #expect(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures/bad/garbage.mp3")) == nil)
        #expect(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures/bad/not-mp3.mp3")) == nil)
        #expect(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures/does-not-exist.mp3")) == nil)
        #expect(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures")) == nil)
    }

    /// The first 3000 bytes of tones.mp3: its Info frame says 1150 frames, which 2000 bytes
    /// cannot hold, so the count is not believed and the bytes present are estimated (mpg123
    /// decodes 4608 samples = 0.104 s of it).
    @Test func truncatedFixture() throws {
        let d = try #require(MP3DurationReader.read(path: Self.fixture("Tests/Fixtures/bad/truncated.mp3")))
        #expect(d.source == .estimate)
        #expect(d.seconds > 0.09 && d.seconds < 0.13, "\(d.seconds) s")
        #expect(d.bitrate == 128)
    }

    /// `parse` on the whole file's bytes agrees with `read`.
    @Test func parseAgreesWithRead() throws {
        for file in ["Tests/Fixtures/tones.mp3", "Tests/Fixtures/long-tones.mp3", "Tests/Fixtures/vbr-noxing.mp3"] {
            let bytes = try FileSystem.read(Self.fixture(file))
            let parsed = MP3DurationReader.parse(head: Array(bytes.prefix(256 * 1024)), fileSize: bytes.count,
                                                 tail: Array(bytes.suffix(160)))
            let read = MP3DurationReader.read(path: Self.fixture(file))
            #expect(parsed != nil)
            #expect(parsed?.source == read?.source)
            if file.contains("vbr") {
                // The windows differ (read's starts after the tag): both averages, close.
                #expect(abs((parsed?.seconds ?? 0) - (read?.seconds ?? 0)) < 0.5)
            } else {
                #expect(parsed == read)
            }
        }
    }

    // MARK: Synthetic files

    /// MPEG-1 Layer III, 44.1 kHz, stereo (joint), no CRC: 417 bytes at 128 kbps without padding.
    static func header(version: Int = 1, layer: Int = 3, bitrateIndex: Int = 9, rateIndex: Int = 0,
                       padding: Bool = false, mono: Bool = false) -> [UInt8] {
        let versionBits = version == 1 ? 3 : (version == 2 ? 2 : 0)
        let b1 = UInt8(0xE0 | versionBits << 3 | (4 - layer) << 1 | 1)
        let b2 = UInt8(bitrateIndex << 4 | rateIndex << 2 | (padding ? 2 : 0))
        let b3: UInt8 = mono ? 0xC0 : 0x40
        return [0xFF, b1, b2, b3]
    }

    static func frameLength(_ header: [UInt8]) -> Int {
        MP3DurationReader.FrameHeader(header[0], header[1], header[2], header[3])!.length
    }

    /// One frame: the header and filler (no 0xFF bytes).
    static func frame(_ header: [UInt8] = header()) -> [UInt8] {
        header + [UInt8](repeating: 0x55, count: frameLength(header) - 4)
    }

    static func frames(_ count: Int, _ header: [UInt8] = header()) -> [UInt8] {
        (0..<count).flatMap { _ in frame(header) }
    }

    static func bigEndian(_ value: Int, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * (count - 1 - $0))) }
    }

    static func littleEndian(_ value: Int, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// A Xing/Info frame: `tag` at the side-info offset, then the fields for `flags`, then an
    /// optional LAME tag with `delay`/`padding`.
    static func xingFrame(_ tag: String = "Xing", header: [UInt8] = header(), flags: Int = 0xF, frames: Int,
                          bytes: Int = 100_000, lame: (delay: Int, padding: Int)? = nil) -> [UInt8] {
        var f = header
        let h = MP3DurationReader.FrameHeader(header[0], header[1], header[2], header[3])!
        let sideInfo = h.version == 1 ? (h.channels == 1 ? 17 : 32) : (h.channels == 1 ? 9 : 17)
        f += [UInt8](repeating: 0, count: sideInfo)
        f += Array(tag.utf8) + bigEndian(flags, 4)
        if flags & 1 != 0 { f += bigEndian(frames, 4) }
        if flags & 2 != 0 { f += bigEndian(bytes, 4) }
        if flags & 4 != 0 { f += (0..<100).map { UInt8($0 * 2) } }
        if flags & 8 != 0 { f += bigEndian(50, 4) }
        if let lame {
            var tag = Array("LAME3.100".utf8) + [0x24, 0x63] + [UInt8](repeating: 0, count: 8) + [0x05, 0x80]
            tag += bigEndian(lame.delay << 12 | lame.padding, 3)
            tag += [UInt8](repeating: 0, count: 12)
            f += tag
        }
        f += [UInt8](repeating: 0, count: h.length - f.count)
        return f
    }

    static func vbriFrame(frames: Int, bytes: Int) -> [UInt8] {
        var f = header() + [UInt8](repeating: 0, count: 32)
        f += Array("VBRI".utf8) + bigEndian(1, 2) + bigEndian(1105, 2) + bigEndian(75, 2)
        f += bigEndian(bytes, 4) + bigEndian(frames, 4) + [UInt8](repeating: 0, count: 8)
        f += [UInt8](repeating: 0, count: frameLength(header()) - f.count)
        return f
    }

    /// An ID3v2 tag with `body` bytes of padding (zeros); `footer` adds a v2.4 footer.
    static func id3v2(body: Int, version: UInt8 = 4, footer: Bool = false) -> [UInt8] {
        let size = (0..<4).map { UInt8((body >> (7 * (3 - $0))) & 0x7F) }
        var tag = Array("ID3".utf8) + [version, 0, footer ? 0x10 : 0] + size
        tag += [UInt8](repeating: 0, count: body)
        if footer { tag += Array("3DI".utf8) + [version, 0, 0x10] + size }
        return tag
    }

    static func id3v1() -> [UInt8] { Array("TAG".utf8) + [UInt8](repeating: 0x20, count: 125) }

    /// Parses `bytes` as a whole file.
    static func parse(_ bytes: [UInt8]) -> MP3Duration? {
        MP3DurationReader.parse(head: bytes, fileSize: bytes.count, tail: Array(bytes.suffix(160)))
    }

    /// Parses `bytes` as a file of which only the first `window` bytes were read.
    static func parse(_ bytes: [UInt8], window: Int) -> MP3Duration? {
        MP3DurationReader.parse(head: Array(bytes.prefix(window)), fileSize: bytes.count, tail: Array(bytes.suffix(160)))
    }

    @Test func xingWithLameTag() throws {
        let file = Self.id3v2(body: 300) + Self.xingFrame(frames: 200, lame: (576, 1224)) + Self.frames(200)
        let d = try #require(Self.parse(file))
        #expect(d.source == .xing)
        #expect(d.seconds == Self.seconds(200 * 1152 - 576 - 1224, 44100))
        // 100 000 bytes over 5.18 s
        #expect(d.bitrate == Int((100_000.0 * 8 / d.seconds / 1000).rounded()))
        #expect(d.sampleRate == 44100)
        #expect(d.channels == 2)
    }

    @Test func xingWithoutLameTag() throws {
        let file = Self.xingFrame(flags: 0x1, frames: 200) + Self.frames(200)
        let d = try #require(Self.parse(file))
        #expect(d.source == .xing)
        #expect(d.seconds == Self.seconds(200 * 1152, 44100))
        #expect(d.bitrate == nil)  // no byte count in the header
    }

    @Test func infoIsCBR() throws {
        let file = Self.xingFrame("Info", frames: 50, lame: (576, 1000)) + Self.frames(50)
        let d = try #require(Self.parse(file))
        #expect(d.source == .info)
        #expect(d.seconds == Self.seconds(50 * 1152 - 1576, 44100))
        #expect(d.bitrate == 128)
    }

    /// MPEG-2 mono: the Xing tag is 9 bytes after the header, 576 samples per frame.
    @Test func xingInMPEG2Mono() throws {
        let h = Self.header(version: 2, bitrateIndex: 8, rateIndex: 0, mono: true)  // 64 kbps 22.05 kHz
        let file = Self.xingFrame(header: h, frames: 30, lame: (576, 300)) + Self.frames(30, h)
        let d = try #require(Self.parse(file))
        #expect(d.source == .xing)
        #expect(d.seconds == Self.seconds(30 * 576 - 876, 22050))
        #expect(d.sampleRate == 22050)
        #expect(d.channels == 1)
    }

    /// MPEG-2.5 stereo (17 bytes of side info), 8 kHz.
    @Test func xingInMPEG25() throws {
        let h = Self.header(version: 25, bitrateIndex: 8, rateIndex: 2)  // 64 kbps 8 kHz
        let file = Self.xingFrame(header: h, flags: 1, frames: 10) + Self.frames(10, h)
        let d = try #require(Self.parse(file))
        #expect(d.source == .xing)
        #expect(d.seconds == Self.seconds(10 * 576, 8000))
        #expect(d.sampleRate == 8000)
    }

    /// Delay + padding larger than the whole stream: not subtracted.
    @Test func absurdLameDelayIsIgnored() throws {
        let file = Self.xingFrame(flags: 1, frames: 2, lame: (4095, 4095)) + Self.frames(2)
        let d = try #require(Self.parse(file))
        #expect(d.seconds == Self.seconds(2 * 1152, 44100))
    }

    /// A Xing frame without a frame count: estimate from the frames after it.
    @Test func xingWithoutFrameCount() throws {
        let file = Self.xingFrame(flags: 0x2, frames: 0) + Self.frames(40)
        let d = try #require(Self.parse(file))
        #expect(d.source == .estimate)
        #expect(d.seconds == Self.seconds(40 * 1152, 44100))  // counted: the whole file is in the window
    }

    /// A frame count that the file cannot hold (hostile, or a truncated download).
    @Test func impossibleFrameCountIsNotBelieved() throws {
        let file = Self.xingFrame(frames: 0xFFFF_FFFF, lame: (576, 1224)) + Self.frames(20)
        let d = try #require(Self.parse(file))
        #expect(d.source == .estimate)
        #expect(d.seconds == Self.seconds(20 * 1152, 44100))
        let vbri = Self.vbriFrame(frames: 1_000_000, bytes: 5) + Self.frames(3)
        #expect(Self.parse(vbri)?.source == .estimate)
    }

    @Test func vbri() throws {
        let file = Self.vbriFrame(frames: 120, bytes: 60_000) + Self.frames(120)
        let d = try #require(Self.parse(file))
        #expect(d.source == .vbri)
        #expect(d.seconds == Self.seconds(120 * 1152, 44100))
        #expect(d.bitrate == Int((60_000.0 * 8 / d.seconds / 1000).rounded()))
    }

    /// Only the start is read: audio bytes × 8 / bit rate, with the trailing tags removed
    /// (417-byte frames at 128 kbps: n × 417 × 8 / 128 000 s).
    @Test(arguments: [
        ("none", [UInt8]()),
        ("ID3v1", id3v1()),
        ("APE without header", apeTag(items: 200, header: false)),
        ("APE with header", apeTag(items: 200, header: true)),
        ("APE + ID3v1", apeTag(items: 64, header: true) + id3v1()),
        ("ID3v2 appended", id3v2(body: 500, footer: true)),
        ("ID3v2 appended + ID3v1", id3v2(body: 70, footer: true) + id3v1()),
    ])
    func estimateWithoutTrailingTags(_ what: String, _ trailer: [UInt8]) throws {
        let file = Self.id3v2(body: 1000) + Self.frames(1000) + trailer
        let d = try #require(Self.parse(file, window: 8192), "\(what)")
        #expect(d.source == .estimate)
        #expect(abs(d.seconds - Double(1000 * 417 * 8) / 128_000) < 1e-9, "\(what): \(d.seconds)")
        // The whole file in the window: frames counted to the end of the audio.
        let whole = try #require(Self.parse(file))
        #expect(whole.seconds == Self.seconds(1000 * 1152, 44100), "\(what)")
    }

    /// An APE tag: `items` bytes of items, the 32-byte footer, and optionally a 32-byte header.
    static func apeTag(items: Int, header: Bool) -> [UInt8] {
        func block(_ isHeader: Bool) -> [UInt8] {
            let flags = (header ? 0x8000_0000 : 0) | (isHeader ? 0x2000_0000 : 0)
            return Array("APETAGEX".utf8) + littleEndian(2000, 4) + littleEndian(items + 32, 4) + littleEndian(1, 4)
                + littleEndian(flags, 4) + [UInt8](repeating: 0, count: 8)
        }
        return (header ? block(true) : []) + [UInt8](repeating: 0x41, count: items) + block(false)
    }

    /// A VBR stream without a header: the average frame size in the window is used.
    @Test func vbrEstimateUsesAverageFrameSize() throws {
        let low = Self.header(bitrateIndex: 1)   // 32 kbps: 104 bytes
        let high = Self.header(bitrateIndex: 9)  // 128 kbps: 417 bytes
        var file: [UInt8] = []
        for i in 0..<2000 { file += Self.frame(i % 2 == 0 ? high : low) }
        let d = try #require(Self.parse(file, window: 16384))
        #expect(d.source == .estimate)
        #expect(d.bitrate == 128)  // the first frame's
        let truth = Self.seconds(2000 * 1152, 44100)
        #expect(abs(d.seconds - truth) / truth < 0.01, "\(d.seconds) vs \(truth)")
    }

    /// Several tags, zero padding and junk (with false syncs) before the first frame.
    @Test func leadingTagsPaddingAndJunk() throws {
        let junk: [UInt8] = [0xFF, 0xFB, 0x90, 0x44, 0x00, 0xFF, 0xE0, 0xFF, 0xFB, 0x12] + Array("junk".utf8)
        let file = Self.id3v2(body: 200, version: 3) + Self.id3v2(body: 50, footer: true)
            + [UInt8](repeating: 0, count: 333) + junk + Self.xingFrame(frames: 7) + Self.frames(7)
        let d = try #require(Self.parse(file))
        #expect(d.source == .xing)
        #expect(d.seconds == Self.seconds(7 * 1152, 44100))
    }

    /// A frame whose successor is missing or of another kind is a false sync.
    @Test func needsTwoMatchingHeaders() throws {
        // A lone header in junk: nil.
        #expect(Self.parse(Self.frame() + [UInt8](repeating: 0x11, count: 500)) == nil)
        // Followed by a header of another sample rate: the pair is rejected, the real stream found.
        let other = Self.frame(Self.header(rateIndex: 1))
        let file = Self.frame() + Self.frames(1, Self.header(rateIndex: 2)) + other + Self.frames(5, Self.header(rateIndex: 1))
        let d = try #require(Self.parse(file))
        #expect(d.sampleRate == 48000)
        // One frame alone, ending exactly at the end of the file: accepted.
        #expect(Self.parse(Self.frame())?.seconds == Self.seconds(1152, 44100))
    }

    @Test func freeFormatIsRejected() {
        let free = Self.header(bitrateIndex: 0) + [UInt8](repeating: 0x55, count: 600)
        #expect(Self.parse(free + free + free) == nil)
    }

    @Test func layerIIAndLayerI() throws {
        let two = Self.header(layer: 2, bitrateIndex: 8)  // 128 kbps
        let d2 = try #require(Self.parse(Self.frames(25, two)))
        #expect(d2.seconds == Self.seconds(25 * 1152, 44100))
        let one = Self.header(layer: 1, bitrateIndex: 4, rateIndex: 1)  // 128 kbps, 48 kHz
        let d1 = try #require(Self.parse(Self.frames(25, one)))
        #expect(d1.seconds == Self.seconds(25 * 384, 48000))
    }

    /// `read` skips a tag larger than its window by the tag's header, never reading it.
    @Test func readSkipsLargeTag() throws {
        let file = Self.id3v2(body: 300_000) + Self.xingFrame(frames: 10, lame: (576, 1224)) + Self.frames(10)
        let path = "/tmp/wdf-mp3duration-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).mp3"
        defer { unlink(path) }
        try FileSystem.writeAtomically(path, file, durable: false)
        let d = try #require(MP3DurationReader.read(path: path))
        #expect(d.source == .xing)
        #expect(d.seconds == Self.seconds(10 * 1152 - 1800, 44100))
        // `parse` with a head that ends inside the tag finds nothing.
        #expect(MP3DurationReader.parse(head: Array(file.prefix(128 * 1024)), fileSize: file.count, tail: Array(file.suffix(160))) == nil)
    }

    // MARK: Hostile input

    /// Every prefix of a small valid file: no crash, and a sane value when there is one.
    @Test func truncatedAtEveryOffset() {
        let file = Self.id3v2(body: 100) + Self.xingFrame(frames: 12, lame: (576, 1224)) + Self.frames(12) + Self.id3v1()
        let full = Self.seconds(12 * 1152, 44100)
        for n in 0...file.count {
            let prefix = Array(file.prefix(n))
            if let d = Self.parse(prefix) {
                #expect(d.seconds.isFinite && d.seconds >= 0 && d.seconds <= full + 1e-9, "prefix \(n): \(d.seconds)")
            }
            // A head cut short of the (full-size) file.
            if let d = MP3DurationReader.parse(head: prefix, fileSize: file.count, tail: Array(file.suffix(160))) {
                #expect(d.seconds.isFinite && d.seconds >= 0 && d.seconds < 2 * full, "head \(n): \(d.seconds)")
            }
        }
        #expect(Self.parse(file)?.seconds == full - Self.seconds(1800, 44100))
    }

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 20_240_229)
        for round in 0..<300 {
            let count = Int.random(in: 0...6000, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if round % 3 == 0 {
                // Plenty of plausible headers.
                for i in stride(from: 0, to: max(0, bytes.count - 4), by: 97) { bytes[i] = 0xFF; bytes[i + 1] |= 0xE0 }
            }
            if round % 5 == 0 { bytes = Self.id3v2(body: Int.random(in: 0...3000, using: &rng)) + bytes }
            let tail = Array(bytes.suffix(Int.random(in: 0...200, using: &rng)))
            for fileSize in [bytes.count, bytes.count + 1000, Int.max / 2] {
                if let d = MP3DurationReader.parse(head: bytes, fileSize: fileSize, tail: tail) {
                    #expect(d.seconds.isFinite && d.seconds >= 0)
                    #expect(d.sampleRate >= 8000 && d.sampleRate <= 48000)
                    #expect(d.channels == 1 || d.channels == 2)
                }
            }
        }
    }

    /// Sizes that don't add up: a huge file size, a tail longer than the file, tags claiming
    /// more than the file, a negative size.
    @Test func inconsistentSizes() throws {
        let file = Self.frames(10)
        let huge = try #require(MP3DurationReader.parse(head: file, fileSize: Int.max, tail: []))
        #expect(huge.seconds.isFinite && huge.seconds > 0)
        #expect(MP3DurationReader.parse(head: file, fileSize: -5, tail: []) != nil)  // taken as the head's size
        let hugeAPE = Array("APETAGEX".utf8) + Self.littleEndian(2000, 4) + Self.littleEndian(0x7FFF_FFFF, 4)
            + Self.littleEndian(1, 4) + Self.littleEndian(0x8000_0000, 4) + [UInt8](repeating: 0, count: 8)
        let withAPE = file + hugeAPE
        let d = try #require(MP3DurationReader.parse(head: Array(withAPE.prefix(1000)), fileSize: withAPE.count, tail: hugeAPE))
        #expect(d.seconds.isFinite && d.seconds > 0)
        let longTail = [UInt8](repeating: 0x54, count: 5000)
        #expect(MP3DurationReader.parse(head: file, fileSize: file.count, tail: longTail) != nil)
        let hugeTag = Array("ID3".utf8) + [4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F] + file
        #expect(Self.parse(hugeTag) == nil)
    }
}
