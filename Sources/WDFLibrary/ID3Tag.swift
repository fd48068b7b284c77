#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import WDFCore
import WDFPlatform

/// What a podcast player needs from the ID3v2 tag (v2.2, v2.3 or v2.4) at the start of an MP3 file.
public struct ID3Tag: Sendable, Equatable {
    /// Major version: 2, 3 or 4.
    public var version: Int
    /// Total bytes of the tag at the start of the file, including the 10-byte header and
    /// the footer (if any): the offset where the audio begins. This is the size the header
    /// declares, even when the file (or byte array) is shorter than that.
    public var size: Int
    /// `TIT2` (`TT2` in v2.2).
    public var title: String?
    /// `TALB` (`TAL`).
    public var album: String?
    /// `TPE1` (`TP1`).
    public var artist: String?
    /// `TRCK` (`TRK`): "6" or "6/48" gives 6.
    public var trackNumber: Int?
    /// `TDRC` as written; otherwise `TYER` (`TYE`), extended to "YYYY-MM-DD" when a valid
    /// `TDAT` (`TDA`, "DDMM") is present.
    public var date: String?
    /// The text of the first `COMM` (`COM`) frame with an empty description, or else of the
    /// first one whose description does not start with "iTun" (iTunes' machine data).
    public var comment: String?
    /// Chapters (`CHAP`, ordered by `CTOC` when present, else by start time). v2.3 and v2.4 only.
    public var chapters: [Chapter]

    public init(
        version: Int, size: Int, title: String? = nil, album: String? = nil, artist: String? = nil,
        trackNumber: Int? = nil, date: String? = nil, comment: String? = nil, chapters: [Chapter] = []
    ) {
        self.version = version
        self.size = size
        self.title = title
        self.album = album
        self.artist = artist
        self.trackNumber = trackNumber
        self.date = date
        self.comment = comment
        self.chapters = chapters
    }
}

extension ID3Tag {
    /// Most bytes of tag body that `read(path:)` will load; larger tags are parsed as if truncated.
    public static let maximumReadSize = ID3Parser.maximumTagSize

    /// Reads the tag at the start of the file (nil if the file has no ID3v2 tag).
    ///
    /// Reads only the tag bytes: the 10-byte header first, then the tag body in one read
    /// (capped at `maximumReadSize` and at the file's size), never the audio.
    /// Throws `ID3Error` when the file cannot be opened or read; the message names the path.
    public static func read(path: String) throws(ID3Error) -> ID3Tag? {
        let fd: Int32
        do {
            fd = try FileSystem.openForReading(path)
        } catch {
            if error.code == EISDIR { throw .readFailed(path: path, errno: EISDIR) }
            if let detail = error.detail { throw .notRegularFile(path: path, what: detail) }
            throw .cannotOpen(path: path, errno: error.code)
        }
        defer { close(fd) }

        var header = [UInt8](repeating: 0, count: ID3Parser.headerSize)
        let headerResult = header.withUnsafeMutableBytes { readFully(fd, into: $0) }
        switch headerResult {
        case .failed(let code): throw .readFailed(path: path, errno: code)
        case .count(let count) where count < ID3Parser.headerSize: return nil
        case .count: break
        }
        guard let parsedHeader = ID3Parser.Header(header[...]) else { return try readAppended(fd: fd, path: path) }

        var bodyCount = min(parsedHeader.bodySize, ID3Parser.maximumTagSize)
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
            // Don't allocate for bytes a (regular) file cannot have.
            bodyCount = min(bodyCount, max(0, Int(info.st_size) - ID3Parser.headerSize))
        }

        var failure: Int32?
        let bytes = [UInt8](unsafeUninitializedCapacity: ID3Parser.headerSize + bodyCount) { buffer, initialized in
            for (i, byte) in header.enumerated() { buffer[i] = byte }
            initialized = ID3Parser.headerSize
            let body = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[ID3Parser.headerSize...]))
            switch readFully(fd, into: body) {
            case .count(let count): initialized += count
            case .failed(let code): failure = code
            }
        }
        if let failure { throw .readFailed(path: path, errno: failure) }
        return parse(bytes)
    }

    /// An ID3v2.4 tag appended at the end of the file (found by its "3DI" footer, at the very
    /// end or just before a 128-byte ID3v1 tag). `size` then says 0: the audio starts at the
    /// beginning of the file.
    static func readAppended(fd: Int32, path: String) throws(ID3Error) -> ID3Tag? {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let fileSize = Int(info.st_size)
        func bytes(at offset: Int, count: Int) throws(ID3Error) -> [UInt8]? {
            guard offset >= 0, count > 0, offset + count <= fileSize else { return nil }
            var buffer = [UInt8](repeating: 0, count: count)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            if n < 0 { throw .readFailed(path: path, errno: errno) }
            return n == count ? buffer : nil
        }
        let headerSize = ID3Parser.headerSize
        for end in [fileSize, fileSize - 128] where end >= 2 * headerSize {
            if end != fileSize {
                guard let v1 = try bytes(at: end, count: 3), v1 == Array("TAG".utf8) else { continue }
            }
            guard let footer = try bytes(at: end - headerSize, count: headerSize), footer.starts(with: Array("3DI".utf8)),
                  footer[3] == 4, footer[6..<10].allSatisfy({ $0 < 0x80 }) else { continue }
            let body = footer[6..<10].reduce(0) { $0 << 7 | Int($1) }
            let start = end - headerSize - body - headerSize
            guard body <= ID3Parser.maximumTagSize, let tag = try bytes(at: start, count: end - start),
                  tag.starts(with: Array("ID3".utf8)), var parsed = parse(tag) else { continue }
            parsed.size = 0
            return parsed
        }
        return nil
    }

    /// Parses a tag from bytes that start with "ID3" (nil if they don't start with an ID3v2
    /// header of version 2, 3 or 4). Never crashes: malformed or truncated content yields
    /// whatever could be read.
    public static func parse(_ bytes: [UInt8]) -> ID3Tag? {
        ID3Parser.parse(bytes)
    }

    /// Reads until `buffer` is full or end of file, retrying interrupted and short reads.
    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> ReadOutcome {
        guard let base = buffer.baseAddress else { return .count(0) }
        var total = 0
        while total < buffer.count {
            do throws(SystemError) {
                let count = try sys("read", "a tag") { systemRead(fd, base + total, buffer.count - total) }
                if count == 0 { break }
                total += count
            } catch {
                return .failed(error.code)
            }
        }
        return .count(total)
    }
}

/// The outcome of `readFully`: bytes read (short only at end of file), or the `errno` of a failed read.
private enum ReadOutcome {
    case count(Int)
    case failed(Int32)
}

/// `read(2)`, out of reach of `ID3Tag.read(path:)`'s name.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #elseif canImport(Musl)
    return Musl.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
