import WDFCore

/// Reads ID3v2 headers and frames from bytes, bounds-checked throughout.
///
/// Frame data is returned as slices of the input (nothing is copied) except where
/// unsynchronisation has to be undone. Frames nobody asked for (pictures, ...) are
/// skipped over by their size without being touched.
struct ID3Parser: Sendable {
    static let headerSize = 10
    /// Largest tag body that is parsed (and that `ID3Tag.read(path:)` loads).
    static let maximumTagSize = 64 * 1024 * 1024
    /// Most frames examined in the tag (top level).
    static let maximumFrames = 10_000
    /// Most sub-frames examined inside one `CHAP`/`CTOC` frame.
    static let maximumSubFrames = 64
    /// Most `CHAP` (and, separately, `CTOC`) frames used.
    static let maximumChapters = 5_000

    /// The 10-byte tag header.
    struct Header: Sendable, Equatable {
        var version: Int
        var flags: UInt8
        /// Bytes after the header as declared (excluding any footer). A size that isn't
        /// syncsafe (a byte with the top bit set) is taken as a plain 32-bit number.
        var bodySize: Int

        /// Parses the first 10 bytes; `nil` unless they are "ID3" with major version 2, 3 or 4.
        init?(_ bytes: ArraySlice<UInt8>) {
            var cursor = ID3Cursor(bytes)
            guard let magic = cursor.readBytes(3), magic.elementsEqual([0x49, 0x44, 0x33]),  // "ID3"
                  let major = cursor.readByte(), (2...4).contains(major),
                  cursor.readByte() != nil,  // revision
                  let flags = cursor.readByte(),
                  let sizeBytes = cursor.readBytes(4) else { return nil }
            version = Int(major)
            self.flags = flags
            bodySize = ID3Parser.syncsafeOrPlain(sizeBytes)
        }

        var isUnsynchronised: Bool { flags & 0x80 != 0 }
        var hasExtendedHeader: Bool { version >= 3 && flags & 0x40 != 0 }
        /// v2.2's compression flag: no scheme was ever defined, so such tags can't be read.
        var isCompressed: Bool { version == 2 && flags & 0x40 != 0 }
        var hasFooter: Bool { version == 4 && flags & 0x10 != 0 }
        /// Header + body + footer: where the audio begins.
        var totalSize: Int { ID3Parser.headerSize + bodySize + (hasFooter ? ID3Parser.headerSize : 0) }
    }

    /// One frame: the name it was selected under (see `frames(in:limit:select:)`) and its data,
    /// with flag-announced prefixes removed and unsynchronisation undone.
    struct Frame: Sendable {
        var id: String
        var data: ArraySlice<UInt8>
    }

    /// Major version (2, 3, 4): decides the frame header layout.
    let version: Int
    /// v2.4 tag-level unsynchronisation flag: applies to every frame.
    let unsynchronisesAllFrames: Bool

    init(version: Int, unsynchronisesAllFrames: Bool = false) {
        self.version = version
        self.unsynchronisesAllFrames = unsynchronisesAllFrames
    }

    var idLength: Int { version == 2 ? 3 : 4 }
    var frameHeaderSize: Int { version == 2 ? 6 : 10 }

    // MARK: Tag

    static func parse(_ bytes: [UInt8]) -> ID3Tag? {
        guard let header = Header(bytes[...]) else { return nil }
        var tag = ID3Tag(version: header.version, size: header.totalSize)
        guard !header.isCompressed else { return tag }

        let available = bytes.count - headerSize
        let bodyEnd = headerSize + min(header.bodySize, available, maximumTagSize)
        var body = bytes[headerSize..<bodyEnd]
        if header.isUnsynchronised, header.version < 4 {
            body = removingUnsynchronisation(body)
        }

        var cursor = ID3Cursor(body)
        if header.hasExtendedHeader {
            guard skipExtendedHeader(&cursor, version: header.version) else { return tag }
        }

        let parser = ID3Parser(
            version: header.version,
            unsynchronisesAllFrames: header.version == 4 && header.isUnsynchronised)
        let wanted = header.version == 2 ? Self.wantedV22 : Self.wantedV23
        let frames = parser.frames(in: cursor.readRest(), limit: maximumFrames) { wanted[$0] }
        ID3Parser.fill(&tag, from: frames, parser: parser)
        return tag
    }

    /// Frames used, by id, mapped to the v2.3/v2.4 id they stand for.
    private static let wantedV23: [String: String] = Dictionary(uniqueKeysWithValues: [
        "TIT2", "TALB", "TPE1", "TRCK", "TDRC", "TYER", "TDAT", "COMM", "CHAP", "CTOC",
    ].map { ($0, $0) })
    private static let wantedV22: [String: String] = [
        "TT2": "TIT2", "TAL": "TALB", "TP1": "TPE1", "TRK": "TRCK", "TYE": "TYER", "TDA": "TDAT",
        "COM": "COMM",
    ]

    /// Skips the extended header; `false` when it is malformed (then no frames can be found).
    static func skipExtendedHeader(_ cursor: inout ID3Cursor, version: Int) -> Bool {
        guard let sizeBytes = cursor.peek(0, count: 4) else { return false }
        if version == 3 {
            // Plain size, excluding the 4 size bytes themselves (6 or 10 in practice).
            let size = sizeBytes.reduce(0) { $0 << 8 | Int($1) }
            return cursor.skip(4) && cursor.skip(size)
        } else {
            // Syncsafe size including itself; at least size(4) + flag-byte count(1) + flags(1).
            let size = syncsafeOrPlain(sizeBytes)
            return size >= 6 && cursor.skip(size)
        }
    }

    // MARK: Frames

    /// The frames in `data` (up to `limit` examined, in order) whose id `select` maps to a
    /// name; the returned frames carry that name. Scanning stops at padding, at bytes that
    /// are not a frame header, or at a frame that runs past the end (which is returned
    /// truncated). Compressed and encrypted frames are skipped.
    func frames(in data: ArraySlice<UInt8>, limit: Int, select: (String) -> String?) -> [Frame] {
        var cursor = ID3Cursor(data)
        var frames: [Frame] = []
        var examined = 0
        while examined < limit, let first = cursor.peek(), first != 0,  // 0: padding
              let header = cursor.peek(0, count: frameHeaderSize),
              let idBytes = cursor.peek(0, count: idLength), Self.isFrameID(idBytes) {
            examined += 1
            let size = frameSize(at: cursor)
            let flags: UInt16 = version == 2 ? 0 : UInt16(header[header.endIndex - 2]) << 8 | UInt16(header[header.endIndex - 1])
            cursor.skip(frameHeaderSize)
            let stored = min(size, cursor.remaining)
            let body = cursor.readBytes(stored) ?? []
            let id = String(decoding: idBytes, as: UTF8.self)
            if let name = select(id), let payload = payload(of: body, flags: flags) {
                frames.append(Frame(id: name, data: payload))
            }
            if stored < size { break }  // ran past the end: nothing follows
        }
        return frames
    }

    /// The size of the frame whose header starts at `cursor` (which must hold a full header).
    ///
    /// v2.4 sizes should be syncsafe, but many writers use plain 32-bit sizes. As iTunes and
    /// TagLib do: when the syncsafe reading doesn't end on a frame boundary but the plain
    /// reading does, the plain one is used. A following frame id (or the exact end of the
    /// data) is stronger evidence than zero bytes, which may be padding but may also be
    /// inside binary data such as a picture.
    private func frameSize(at cursor: ID3Cursor) -> Int {
        let sizeBytes = cursor.peek(idLength, count: version == 2 ? 3 : 4) ?? []
        let plain = sizeBytes.reduce(0) { $0 << 8 | Int($1) }
        guard version == 4, !sizeBytes.contains(where: { $0 & 0x80 != 0 }) else { return plain }
        let syncsafe = Self.syncsafeOrPlain(sizeBytes)
        guard syncsafe != plain else { return syncsafe }
        let afterSyncsafe = boundary(cursor, at: frameHeaderSize + syncsafe)
        if afterSyncsafe == .frame { return syncsafe }
        let afterPlain = boundary(cursor, at: frameHeaderSize + plain)
        if afterPlain == .frame { return plain }
        if afterSyncsafe == .none, afterPlain == .padding { return plain }
        return syncsafe
    }

    private enum Boundary { case frame, padding, none }

    /// What is `offset` bytes after `cursor`: a frame header (or the exact end of the data),
    /// padding (zeros, checked for up to a frame header's length) or neither.
    private func boundary(_ cursor: ID3Cursor, at offset: Int) -> Boundary {
        if offset == cursor.remaining { return .frame }
        guard offset < cursor.remaining else { return .none }
        if let id = cursor.peek(offset, count: idLength), Self.isFrameID(id) { return .frame }
        let length = min(frameHeaderSize, cursor.remaining - offset)
        let zeros = cursor.peek(offset, count: length)?.allSatisfy { $0 == 0 } ?? false
        return zeros ? .padding : .none
    }

    /// The frame data without the prefixes its flags announce, unsynchronisation undone;
    /// `nil` for compressed or encrypted frames (their data can't be read as is).
    private func payload(of body: ArraySlice<UInt8>, flags: UInt16) -> ArraySlice<UInt8>? {
        switch version {
        case 3:
            guard flags & 0x0080 == 0, flags & 0x0040 == 0 else { return nil }  // compressed, encrypted
            if flags & 0x0020 != 0 {  // grouping identity byte
                return body.isEmpty ? nil : body.dropFirst()
            }
            return body
        case 4:
            guard flags & 0x0008 == 0, flags & 0x0004 == 0 else { return nil }  // compressed, encrypted
            var prefix = 0
            if flags & 0x0040 != 0 { prefix += 1 }  // grouping identity byte
            if flags & 0x0001 != 0 { prefix += 4 }  // data length indicator
            guard prefix <= body.count else { return nil }
            let data = body.dropFirst(prefix)
            if flags & 0x0002 != 0 || unsynchronisesAllFrames {
                return Self.removingUnsynchronisation(data)
            }
            return data
        default:
            return body
        }
    }

    // MARK: Primitives

    /// A frame id: upper-case letters and digits only.
    static func isFrameID(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// A 4-byte syncsafe integer (7 bits per byte); bytes with the top bit set mean the writer
    /// used a plain big-endian integer, which is returned instead.
    static func syncsafeOrPlain(_ bytes: ArraySlice<UInt8>) -> Int {
        if bytes.contains(where: { $0 & 0x80 != 0 }) {
            return bytes.reduce(0) { $0 << 8 | Int($1) }
        }
        return bytes.reduce(0) { $0 << 7 | Int($1) }
    }

    /// Undoes unsynchronisation: drops each 0x00 that follows a 0xFF. Copies only when needed.
    static func removingUnsynchronisation(_ data: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard data.contains(0xFF) else { return data }
        var output: [UInt8] = []
        output.reserveCapacity(data.count)
        var afterFF = false
        for byte in data {
            if afterFF, byte == 0 {
                afterFF = false
                continue
            }
            output.append(byte)
            afterFF = byte == 0xFF
        }
        return output[...]
    }
}

/// The tag's fields from its frames: which frame gives which field, and the text rules of the two
/// that need reading (track number, v2.3 date).
extension ID3Parser {
    /// Sets `tag`'s fields from the selected frames (ids already mapped to their v2.3/v2.4 names).
    fileprivate static func fill(_ tag: inout ID3Tag, from frames: [ID3Parser.Frame], parser: ID3Parser) {
        func text(_ id: String) -> String? {
            frames.lazy.filter { $0.id == id }.compactMap { ID3TextEncoding.textFrameValue($0.data) }.first
        }
        tag.title = text("TIT2")
        tag.album = text("TALB")
        tag.artist = text("TPE1")
        tag.trackNumber = text("TRCK").flatMap(ID3Parser.trackNumber(from:))
        tag.date = text("TDRC") ?? text("TYER").map { ID3Parser.date(year: $0, dayMonth: text("TDAT")) }

        let comments = frames.lazy.filter { $0.id == "COMM" }
            .compactMap { ID3TextEncoding.commentFrame($0.data) }
            .filter { $0.text != nil }
        tag.comment = (comments.first { $0.description.isEmpty } ?? comments.first { !$0.description.hasPrefix("iTun") })?.text

        if parser.version >= 3 {
            tag.chapters = ID3Tag.chapters(
                chapterFrames: frames.lazy.filter { $0.id == "CHAP" }.prefix(ID3Parser.maximumChapters).map(\.data),
                tableOfContentsFrames: frames.lazy.filter { $0.id == "CTOC" }.prefix(ID3Parser.maximumChapters).map(\.data),
                parser: parser)
        }
    }

    /// "6" or "6/48" → 6; `nil` unless the part before "/" is a non-negative integer.
    static func trackNumber(from text: String) -> Int? {
        let number = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let digits = ID3TextEncoding.cleaned(String(number))
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// v2.3 `TYER` + `TDAT` ("DDMM") → "YYYY-MM-DD"; just the year when `TDAT` isn't 4 digits.
    static func date(year: String, dayMonth: String?) -> String {
        guard let dayMonth, dayMonth.utf8.count == 4, dayMonth.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              year.utf8.count == 4, year.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return year }
        let utf8 = Array(dayMonth.utf8)
        let day = String(decoding: utf8[0..<2], as: UTF8.self)
        let month = String(decoding: utf8[2..<4], as: UTF8.self)
        return "\(year)-\(month)-\(day)"
    }
}
