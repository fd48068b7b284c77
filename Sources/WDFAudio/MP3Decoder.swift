import CMPG123
import WDFCore
import Glibc
import WDFPlatform

/// MPEG 1/2/2.5 Layer III decoding with libmpg123.
///
/// Owns one `mpg123_handle` and the file descriptor it reads. Output is s16 at the file's own
/// rate and channel count (libmpg123's resampler is switched off). Seeking is exact: libmpg123
/// builds its frame index as it reads, and `mpg123_seek` walks frames rather than guessing from a
/// Xing TOC. Gapless: encoder delay and padding from the LAME/Info header are trimmed.
public final class MP3Decoder: AudioDecoder {
    private let handle: OpaquePointer
    private let path: String
    public private(set) var format: AudioFormat
    public private(set) var lengthFrames: Int?

    private static let initialised: Bool = { mpg123_init() == MPG123_OK.rawValue }()

    /// Opens `path` and reads up to the first audio frame.
    /// - Parameter scan: read every frame header now even when the file has an Info header.
    public init(path: String, scan: Bool = false) throws(AudioError) {
        _ = MP3Decoder.initialised
        var err: Int32 = 0
        guard let mh = mpg123_new(nil, &err) else {
            throw AudioError(.decodeFailed, "libmpg123 could not start: \(String(cString: mpg123_plain_strerror(err))).")
        }
        // Everything that can fail happens before `self` exists, so a failure frees exactly once.
        let opened: (fd: Int32, format: AudioFormat)
        do {
            try MP3Decoder.configure(mh, path: path)
            opened = try MP3Decoder.open(mh, path: path)
        } catch {
            mpg123_delete(mh)
            throw error
        }
        handle = mh
        fileDescriptor = opened.fd
        format = opened.format
        self.path = path
        // Without a LAME/Info header the length is a guess from the first frame's bitrate (off by
        // half or more for VBR): read every frame header once (no decoding) for the exact length and
        // a full seek index.
        var delay = 0
        var unused = 0.0
        let hasInfoHeader = mpg123_getstate2(handle, Int32(MPG123_ENC_DELAY.rawValue), &delay, &unused) == MPG123_OK.rawValue && delay >= 0
        if scan || !hasInfoHeader {
            _ = mpg123_scan(handle)
        }
        let length = mpg123_length(handle)
        lengthFrames = length > 0 ? Int(length) : nil
        var st = stat()
        openedSize = fstat(fileDescriptor, &st) == 0 ? Int(st.st_size) : nil
    }

    /// The file's size when it was opened.
    private var openedSize: Int?

    public func endProblem() -> AudioError? {
        var st = stat()
        guard let openedSize, fstat(fileDescriptor, &st) == 0, Int(st.st_size) < openedSize else { return nil }
        return AudioError(.decodeFailed, "\(path) was cut to \(st.st_size) bytes while playing (it had \(openedSize)).")
    }

    deinit {
        mpg123_close(handle)
        mpg123_delete(handle)
        Glibc.close(fileDescriptor)
    }

    private func check(_ rc: Int32, _ call: StaticString) throws(AudioError) {
        try MP3Decoder.check(rc, call, handle, path)
    }

    private static func check(_ rc: Int32, _ call: StaticString, _ handle: OpaquePointer, _ path: String) throws(AudioError) {
        guard rc != MPG123_OK.rawValue else { return }
        throw AudioError(.decodeFailed, "\(path): \(call) failed: \(String(cString: mpg123_strerror(handle))).")
    }

    private static func configure(_ handle: OpaquePointer, path: String) throws(AudioError) {
        func check(_ rc: Int32, _ call: StaticString) throws(AudioError) { try MP3Decoder.check(rc, call, handle, path) }
        let add = MPG123_GAPLESS.rawValue | MPG123_QUIET.rawValue | MPG123_SKIP_ID3V2.rawValue
        try check(mpg123_param2(handle, Int32(MPG123_ADD_FLAGS.rawValue), Int(add), 0), "mpg123_param(ADD_FLAGS)")
        try check(mpg123_param2(handle, Int32(MPG123_REMOVE_FLAGS.rawValue), Int(MPG123_AUTO_RESAMPLE.rawValue), 0), "mpg123_param(REMOVE_FLAGS)")
        // After a seek, decode this many frames before the target so Layer III's bit reservoir is
        // primed: with the default a VBR stream (lame -V) starts with up to 80 ms of silence
        // (measured on Tests/Fixtures/vbr-noxing.mp3; 4 was not enough, 12 is, for ~0.3 ms per seek).
        try check(mpg123_param2(handle, Int32(MPG123_PREFRAMES.rawValue), 12, 0), "mpg123_param(PREFRAMES)")
        // A frame index of fixed size (4,096 offsets, 32 kB): past that mpg123 keeps every other
        // entry, so a 30-minute episode is indexed every 32 frames (under a second) and a seek
        // parses at most that many frame headers past its entry. A growing index of every frame
        // cost 0.55 MiB of RSS for a 30-minute VBR file without a Xing table (Docs/PERFORMANCE.md).
        try check(mpg123_param2(handle, Int32(MPG123_INDEX_SIZE.rawValue), 4096, 0), "mpg123_param(INDEX_SIZE)")
        try check(mpg123_format_none(handle), "mpg123_format_none")
        var rates: UnsafePointer<Int>?
        var count = 0
        mpg123_rates(&rates, &count)
        for i in 0..<count {
            let rate = rates![i]
            try check(mpg123_format(handle, rate, Int32(MPG123_MONO.rawValue | MPG123_STEREO.rawValue),
                                    Int32(MPG123_ENC_SIGNED_16.rawValue)), "mpg123_format")
        }
    }

    private static func open(_ handle: OpaquePointer, path: String) throws(AudioError) -> (fd: Int32, format: AudioFormat) {
        // Only a regular file, and never a wait in open() on a FIFO (FileSystem.openForReading).
        let fd: Int32
        do {
            fd = try FileSystem.openForReading(path)
        } catch {
            if let detail = error.detail { throw AudioError(.openFailed, "\(FileName.display(path)) is \(detail).") }
            throw AudioError(.openFailed, "Cannot open \(FileName.display(path)): \(error.reason).")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw AudioError(.openFailed, "Cannot open \(FileName.display(path)): \(reason).")
        }
        if st.st_size == 0 {
            Glibc.close(fd)
            throw AudioError(.notMP3, "\(path) is empty (0 bytes).")
        }
        // libmpg123 reads through our descriptor; mpg123_close does not close it (deinit does).
        let rc = mpg123_open_fd(handle, fd)
        guard rc == MPG123_OK.rawValue else {
            Glibc.close(fd)
            throw AudioError(.notMP3, "\(path) cannot be read as MP3: \(String(cString: mpg123_strerror(handle))).")
        }
        var rate = 0
        var channels: Int32 = 0
        var encoding: Int32 = 0
        let frc = mpg123_getformat(handle, &rate, &channels, &encoding)
        guard frc == MPG123_OK.rawValue, rate > 0, channels > 0 else {
            mpg123_close(handle)
            Glibc.close(fd)
            throw AudioError(.notMP3, "\(path) is not an MP3 file (no MPEG audio frame found).")
        }
        return (fd, AudioFormat(sampleRate: rate, channels: Int(channels)))
    }

    private let fileDescriptor: Int32

    public var positionFrames: Int {
        let t = mpg123_tell(handle)
        return t > 0 ? Int(t) : 0
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(AudioError) -> Int {
        var done = 0
        while true {
            let rc = mpg123_read(handle, buffer.baseAddress, buffer.count, &done)
            switch rc {
            case MPG123_OK.rawValue:
                if done > 0 { return done }
            case MPG123_DONE.rawValue:
                return done
            case MPG123_NEW_FORMAT.rawValue:
                var rate = 0
                var channels: Int32 = 0
                var encoding: Int32 = 0
                try check(mpg123_getformat(handle, &rate, &channels, &encoding), "mpg123_getformat")
                format = AudioFormat(sampleRate: rate, channels: Int(channels))
                if done > 0 { return done }
            default:
                let message = String(cString: mpg123_strerror(handle))
                // A cut or damaged file: what decoded is kept, the rest is the end.
                if done > 0 { return done }
                throw AudioError(.decodeFailed, "\(path): decoding failed: \(message).")
            }
        }
    }

    public func seek(toFrame frame: Int) throws(AudioError) {
        let target = max(0, lengthFrames.map { min(frame, $0) } ?? frame)
        let rc = mpg123_seek(handle, off_t(target), SEEK_SET)
        if rc < 0 {
            throw AudioError(.decodeFailed, "\(path): seeking failed: \(String(cString: mpg123_strerror(handle))).")
        }
    }

    /// Exact length after reading every frame header (no audio is decoded).
    public func scanLength() -> Int? {
        guard mpg123_scan(handle) == MPG123_OK.rawValue else { return lengthFrames }
        let length = mpg123_length(handle)
        lengthFrames = length > 0 ? Int(length) : lengthFrames
        return lengthFrames
    }
}
