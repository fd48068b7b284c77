import Glibc
import WDFCore
import WDFPlatform

/// The length of an MP3 file as read from its headers (no audio is decoded).
public struct MP3Duration: Sendable, Equatable {
    /// Where the length comes from: a frame count in a Xing ("Xing": VBR/ABR, "Info": CBR) or
    /// VBRI header of the first frame, or an estimate from the audio's size and bit rate.
    public enum Source: String, Sendable { case xing, info, vbri, estimate }

    /// Seconds of audio a gapless decoder outputs (encoder delay and padding removed when the
    /// LAME tag gives them).
    public var seconds: Double
    public var source: Source
    public var isEstimate: Bool { source == .estimate }
    /// kbps. `.info` and `.estimate`: the nominal bit rate of the first frame. `.xing`/`.vbri`:
    /// the average bit rate from the header's byte count, nil when the header has none.
    public var bitrate: Int?
    public var sampleRate: Int
    public var channels: Int

    public init(seconds: Double, source: Source, bitrate: Int?, sampleRate: Int, channels: Int) {
        self.seconds = seconds
        self.source = source
        self.bitrate = bitrate
        self.sampleRate = sampleRate
        self.channels = channels
    }
}

/// Reads an MP3's length from its headers:
///
/// 1. skips the ID3v2 tags at the start (several may follow each other; padding or junk after
///    them is skipped by the frame search);
/// 2. finds the first frame: an MPEG 1/2/2.5 Layer I/II/III header that is followed, exactly one
///    frame length later, by another header of the same version, layer and sample rate (or that
///    ends exactly where the audio ends). Free-format frames (bit rate index 0) are not accepted;
/// 3. uses the frame count of a Xing/Info header (Layer III, after the side information) or of
///    a VBRI header (32 bytes after the frame header). With a LAME tag, the encoder delay and
///    padding are subtracted: total = frames × samples per frame − delay − padding. This is
///    what libmpg123 returns in gapless mode: it skips delay + 529 samples (the decoder delay)
///    at the start and ends at frames × spf − padding + 529, so the 529 cancels out of the
///    length (checked against `mpg123_length` on the fixtures: identical to the sample);
/// 4. otherwise estimates: audio bytes (file size − audio start − ID3v1 − APE tag − appended
///    ID3v2 tag) × 8 / bit rate. When all frames seen in the window have the same bit rate (CBR)
///    that is the first frame's nominal bit rate; otherwise (VBR without header) the average
///    frame size seen in the window is used. When the frame chain is followed to exactly the end
///    of the audio inside the window (small files), the frames are simply counted.
///
/// A frame count the file cannot hold (fewer bytes than that many frames of the lowest bit
/// rate need: a truncated download or a hostile header) is not believed; the length is then
/// estimated from the bytes present.
public enum MP3DurationReader {
    /// Bytes read first from the start of the audio (after the ID3v2 tags): the first frames.
    static let firstWindow = 4 * 1024
    /// Bytes read from the start of the audio when the first frame has no length header.
    static let headWindow = 128 * 1024
    /// Bytes read from the end: an ID3v1 tag (128) and an APE footer (32) or ID3v2 footer (10).
    static let tailWindow = 128 + 32
    /// Most ID3v2 tags skipped one after the other at the start.
    static let maximumLeadingTags = 16

    /// Reads 4 KiB from the start of the audio (at most `headWindow`, 128 KiB, when the first
    /// frame has no Xing/Info/VBRI header), the 10-byte
    /// headers of the ID3v2 tags before it, and the last 160 bytes; never the whole file.
    /// nil: no MPEG audio frame found (or the file cannot be read).
    public static func read(path: String) -> MP3Duration? {
        guard let fd = try? FileSystem.openForReading(path) else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let fileSize = Int(info.st_size)
        guard fileSize > 4 else { return nil }

        // The tags are skipped by their headers so that a large tag (pictures) is not read.
        var audioStart = 0
        for _ in 0..<maximumLeadingTags {
            guard let header = readAt(fd, offset: audioStart, count: 10), header.count == 10,
                  let size = id3v2TagSize(header[...]) else { break }
            audioStart += size
            if audioStart >= fileSize { return nil }
        }
        guard let tail = readAt(fd, offset: max(0, fileSize - tailWindow), count: min(tailWindow, fileSize)) else { return nil }
        // Most files say their length in the first frame (Xing/Info/VBRI): a few kB settle it.
        // Only without such a header are more frames read, to estimate from their sizes.
        for window in [firstWindow, headWindow] {
            guard let head = readAt(fd, offset: audioStart, count: min(window, fileSize - audioStart)) else { return nil }
            let found = parse(head: head, headOffset: audioStart, fileSize: fileSize, tail: tail)
            if let found, !found.isEstimate { return found }
            if window >= fileSize - audioStart || window == headWindow { return found }
        }
        return nil
    }

    /// `head`: the first bytes of the file (128 KiB is plenty unless the ID3v2 tag is larger);
    /// `fileSize`: the whole file's size; `tail`: its last bytes (160 are enough). Pure.
    public static func parse(head: [UInt8], fileSize: Int, tail: [UInt8]) -> MP3Duration? {
        parse(head: head, headOffset: 0, fileSize: fileSize, tail: tail)
    }

    /// As above with `head` starting at file offset `headOffset`.
    static func parse(head: [UInt8], headOffset: Int, fileSize: Int, tail: [UInt8]) -> MP3Duration? {
        guard headOffset >= 0 else { return nil }
        let fileSize = max(fileSize, headOffset + head.count)
        // Leading ID3v2 tags that are in `head` (`read` has skipped them already).
        var start = 0
        for _ in 0..<maximumLeadingTags {
            guard start + 10 <= head.count, let size = id3v2TagSize(head[start..<start + 10]) else { break }
            start += size
        }
        guard start < head.count else { return nil }
        // In file offsets from here on.
        var audioEnd = fileSize - trailingTagSize(tail, fileSize: fileSize)
        if audioEnd <= headOffset + start { audioEnd = fileSize }  // a footer claiming too much
        let window = Window(bytes: head, offset: headOffset)
        guard let (position, first) = firstFrame(in: window, from: headOffset + start, audioEnd: audioEnd) else {
            return nil
        }
        let frameEnd = position + first.length

        if first.layer == 3, let header = vbrHeader(in: window, at: position, first) {
            let frameBytes = first.minimumFrameLength
            let audioBytes = max(0, fileSize - frameEnd)
            // frames × the smallest possible frame must fit into the file.
            if header.frames > 0, header.frames <= audioBytes / frameBytes {
                var samples = header.frames * first.samplesPerFrame
                if let delay = header.delay, let padding = header.padding, delay + padding < samples {
                    samples -= delay + padding
                }
                let seconds = Double(samples) / Double(first.sampleRate)
                var bitrate: Int?
                if header.source == .info {
                    bitrate = first.bitrate
                } else if let bytes = header.bytes, bytes > 0, seconds > 0 {
                    bitrate = Int(saturating: (Double(bytes) * 8 / seconds / 1000).rounded())
                }
                return MP3Duration(seconds: seconds, source: header.source, bitrate: bitrate,
                                   sampleRate: first.sampleRate, channels: first.channels)
            }
            // No usable count: estimate from the frames after the header frame.
            guard let next = window.header(at: frameEnd), next.matches(first) else {
                return nil
            }
            return estimate(window, from: frameEnd, first: next, audioEnd: audioEnd)
        }
        return estimate(window, from: position, first: first, audioEnd: audioEnd)
    }

    // MARK: Estimate

    /// Follows the frame chain from `position` within the window and estimates the length of
    /// the audio from `position` to `audioEnd` (file offsets).
    private static func estimate(_ window: Window, from position: Int, first: FrameHeader, audioEnd: Int) -> MP3Duration? {
        let audioBytes = audioEnd - position
        guard audioBytes > 0 else { return nil }
        var frames = 0
        var bytes = 0
        var constant = true
        var p = position
        while p < audioEnd, let header = window.header(at: p), header.matches(first) {
            if p + header.length > audioEnd { break }
            frames += 1
            bytes += header.length
            constant = constant && header.bitrate == first.bitrate
            p += header.length
        }
        let seconds: Double
        if frames > 0, p == audioEnd {
            seconds = Double(frames * first.samplesPerFrame) / Double(first.sampleRate)
        } else if constant || frames == 0 {
            seconds = Double(audioBytes) * 8 / (Double(first.bitrate) * 1000)
        } else {
            let averageFrame = Double(bytes) / Double(frames)
            seconds = Double(audioBytes) / averageFrame * Double(first.samplesPerFrame) / Double(first.sampleRate)
        }
        return MP3Duration(seconds: seconds, source: .estimate, bitrate: first.bitrate,
                           sampleRate: first.sampleRate, channels: first.channels)
    }

    // MARK: Frames

    /// The bytes read from the file, starting at file offset `offset`.
    struct Window {
        var bytes: [UInt8]
        var offset: Int

        var end: Int { offset + bytes.count }

        func byte(_ position: Int) -> UInt8? {
            let i = position - offset
            return i >= 0 && i < bytes.count ? bytes[i] : nil
        }

        /// Big-endian, `count` ≤ 4 bytes.
        func bigEndian(_ position: Int, _ count: Int) -> Int? {
            let i = position - offset
            guard i >= 0, i + count <= bytes.count else { return nil }
            return bytes[i..<i + count].reduce(0) { $0 << 8 | Int($1) }
        }

        func matches(_ position: Int, _ text: String) -> Bool {
            let i = position - offset
            let utf8 = Array(text.utf8)
            guard i >= 0, i + utf8.count <= bytes.count else { return false }
            return bytes[i..<i + utf8.count].elementsEqual(utf8)
        }

        func header(at position: Int) -> FrameHeader? {
            let i = position - offset
            guard i >= 0, i + 4 <= bytes.count else { return nil }
            return FrameHeader(bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3])
        }
    }

    /// The first frame at or after `from` whose successor (one frame length later) is a header
    /// of the same kind, or which ends exactly at `audioEnd`.
    private static func firstFrame(in window: Window, from: Int, audioEnd: Int) -> (Int, FrameHeader)? {
        var position = from
        let last = window.end - 4
        while position <= last {
            if window.byte(position) == 0xFF, let header = window.header(at: position) {
                let next = position + header.length
                if let following = window.header(at: next) {
                    if following.matches(header) { return (position, header) }
                } else if next == audioEnd {
                    return (position, header)
                }
            }
            position += 1
        }
        return nil
    }

    // MARK: Tags

    /// Total size (header, body, footer) of the ID3v2 tag whose 10-byte header this is.
    static func id3v2TagSize(_ header: ArraySlice<UInt8>) -> Int? {
        guard header.count >= 10 else { return nil }
        let b = Array(header.prefix(10))
        guard b[0] == 0x49, b[1] == 0x44, b[2] == 0x33,  // "ID3"
              (2...4).contains(b[3]), b[4] != 0xFF, b[6..<10].allSatisfy({ $0 < 0x80 }) else { return nil }
        let body = b[6..<10].reduce(0) { $0 << 7 | Int($1) }
        return 10 + body + (b[3] == 4 && b[5] & 0x10 != 0 ? 10 : 0)
    }

    /// Bytes of tags after the audio, seen in `tail` (the last bytes of the file): an ID3v1 tag,
    /// and before it (or at the very end) an APE tag or an appended ID3v2.4 tag ("3DI" footer).
    static func trailingTagSize(_ tail: [UInt8], fileSize: Int) -> Int {
        var end = min(tail.count, fileSize)
        let tail = Array(tail.suffix(end))
        var total = 0
        func matches(_ at: Int, _ text: String) -> Bool {
            let utf8 = Array(text.utf8)
            return at >= 0 && at + utf8.count <= tail.count && tail[at..<at + utf8.count].elementsEqual(utf8)
        }
        func littleEndian32(_ at: Int) -> Int {
            tail[at..<at + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
        }
        if end >= 128, matches(end - 128, "TAG") {
            total += 128
            end -= 128
        }
        if end >= 32, matches(end - 32, "APETAGEX") {
            // Size counts the items and the footer; a header (flag bit 31) adds 32.
            let size = littleEndian32(end - 32 + 12)
            let flags = littleEndian32(end - 32 + 20)
            total += size + (flags & 0x8000_0000 != 0 ? 32 : 0)
        } else if end >= 10, matches(end - 10, "3DI"), tail[end - 7] == 4,
                  tail[end - 4..<end].allSatisfy({ $0 < 0x80 }) {
            let body = tail[end - 4..<end].reduce(0) { $0 << 7 | Int($1) }
            total += 20 + body
        }
        return min(total, fileSize)
    }

    // MARK: I/O

    /// Up to `count` bytes at `offset` (fewer at the end of the file); nil on a read error.
    private static func readAt(_ fd: Int32, offset: Int, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        var total = 0
        while total < count {
            let read = try? sys("pread", "an MP3 file") {
                buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + total, count - total, off_t(offset + total)) }
            }
            guard let n = read else { return nil }
            if n == 0 { break }
            total += n
        }
        buffer.removeSubrange(total...)
        return buffer
    }
}
