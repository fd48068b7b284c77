import Glibc
import WDFPlatform

/// The episode's cover from its ID3v2 tag (`APIC`, `PIC` in v2.2): the front cover if there is
/// one, else the first picture, when it is a JPEG or PNG (known by its first bytes, whatever
/// the frame's MIME type claims) of at most `maximumBytes`.
///
/// The tag is a stranger's: sizes are bounded (`maximumTagBytes` of tag read, `maximumFrames`
/// frames examined), a frame that runs out before its picture is skipped, and nothing here
/// traps on any input.
public struct ID3Picture: Sendable, Equatable {
    public enum Format: String, Sendable {
        case jpeg = "jpg"
        case png
    }

    public var format: Format
    public var bytes: [UInt8]

    /// The largest picture taken (a podcast's cover is 0.1–1 MB; 3000×3000 JPEGs stay under this).
    public static let maximumBytes = 4 << 20
    /// The most tag bytes read to find it.
    public static let maximumTagBytes = 16 << 20
    /// The most frames examined.
    static let maximumFrames = 2_000
    /// APIC picture type 3: "Cover (front)".
    static let frontCover: UInt8 = 3

    public init(format: Format, bytes: [UInt8]) {
        self.format = format
        self.bytes = bytes
    }

    /// The picture in the tag at the start of the file at `path`; nil when the file has no
    /// tag or no usable picture. Throws when the file cannot be opened or read (the error names it).
    public static func read(path: String, maximumBytes: Int = ID3Picture.maximumBytes) throws(SystemError) -> ID3Picture? {
        let fd = try FileSystem.openForReading(path)
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: ID3Parser.headerSize)
        guard try readAt(fd, path: path, into: &header, offset: 0) == header.count,
              let parsed = ID3Parser.Header(header[...]) else { return nil }
        var st = stat()
        try sys("fstat", path) { fstat(fd, &st) }
        let available = max(0, Int(st.st_size) - ID3Parser.headerSize)
        var body = [UInt8](repeating: 0, count: min(parsed.bodySize, maximumTagBytes, available))
        let count = try readAt(fd, path: path, into: &body, offset: ID3Parser.headerSize)
        return parse(header + body.prefix(count), maximumBytes: maximumBytes)
    }

    /// The picture in a tag given as bytes (starting with "ID3"); nil when there is none.
    public static func parse(_ bytes: [UInt8], maximumBytes: Int = ID3Picture.maximumBytes) -> ID3Picture? {
        guard let header = ID3Parser.Header(bytes[...]), !header.isCompressed else { return nil }
        let bodyEnd = ID3Parser.headerSize + min(header.bodySize, bytes.count - ID3Parser.headerSize)
        var body = bytes[ID3Parser.headerSize..<bodyEnd]
        if header.isUnsynchronised, header.version < 4 { body = ID3Parser.removingUnsynchronisation(body) }
        var cursor = ID3Cursor(body)
        if header.hasExtendedHeader {
            guard ID3Parser.skipExtendedHeader(&cursor, version: header.version) else { return nil }
        }
        let parser = ID3Parser(version: header.version,
                               unsynchronisesAllFrames: header.version == 4 && header.isUnsynchronised)
        let wanted = header.version == 2 ? "PIC" : "APIC"
        let frames = parser.frames(in: cursor.readRest(), limit: maximumFrames) { $0 == wanted ? $0 : nil }
        var first: ID3Picture?
        for frame in frames {
            guard let (type, picture) = picture(in: frame.data, version: header.version, maximumBytes: maximumBytes) else {
                continue
            }
            if type == frontCover { return picture }
            if first == nil { first = picture }
        }
        return first
    }

    /// One frame's picture type and picture: encoding, MIME type (v2.2: a 3-letter format),
    /// picture type, description in the frame's encoding, then the picture's bytes.
    static func picture(in data: ArraySlice<UInt8>, version: Int, maximumBytes: Int) -> (UInt8, ID3Picture)? {
        var cursor = ID3Cursor(data)
        guard let code = cursor.readByte(), let encoding = ID3TextEncoding(rawValue: code) else { return nil }
        if version == 2 {
            guard cursor.skip(3) else { return nil }
        } else {
            guard cursor.readNULTerminated() != nil else { return nil }
        }
        guard let type = cursor.readByte(), let image = encoding.splitFirst(cursor.readRest()).rest,
              image.count <= maximumBytes, let format = format(of: image) else { return nil }
        return (type, ID3Picture(format: format, bytes: Array(image)))
    }

    /// JPEG (`FF D8 FF`) or PNG (its 8-byte signature); nil for anything else.
    static func format(of image: ArraySlice<UInt8>) -> Format? {
        if image.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if image.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }

    /// A 64-bit FNV-1a hash of the picture, in 16 hex digits: its name in the cache.
    public var digest: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Reads up to `buffer.count` bytes at `offset`, retrying short and interrupted reads; the count read.
    private static func readAt(_ fd: Int32, path: String, into buffer: inout [UInt8], offset: Int) throws(SystemError) -> Int {
        var total = 0
        while total < buffer.count {
            let n = try sys("read", path) {
                buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + total, $0.count - total, off_t(offset + total)) }
            }
            if n == 0 { break }
            total += n
        }
        return total
    }
}
