import Testing
@testable import WDFCore
@testable import WDFLibrary

/// Builds ID3v2 tags in memory for the ID3 tests (v2.2, v2.3 and v2.4 frame layouts).
struct ID3TagBuilder {
    enum TextEncoding: UInt8, CaseIterable, Sendable, CustomStringConvertible {
        case latin1 = 0, utf16 = 1, utf16BigEndian = 2, utf8 = 3
        var description: String { "\(self.rawValue)" }
    }

    var version: Int
    /// Header flags (0x80 unsync, 0x40 extended header, 0x10 footer); set by the options below too.
    var flags: UInt8 = 0
    var frames: [[UInt8]] = []
    var padding = 0
    /// Raw extended header bytes (the flag is set when present).
    var extendedHeader: [UInt8]?
    /// v2.2/v2.3: unsynchronise the whole tag body; v2.4: set the tag-level flag and
    /// unsynchronise every frame's data.
    var unsynchronise = false
    /// v2.4 footer.
    var footer = false

    init(version: Int) {
        self.version = version
    }

    // MARK: Frames

    /// A frame in this tag's version layout. `plainSize` writes a v2.4 size as a plain integer
    /// (the common writer bug); `sizeOverride` writes any size regardless of the data.
    func frame(_ id: String, _ data: [UInt8], flags: UInt16 = 0, plainSize: Bool = false,
               sizeOverride: UInt32? = nil) -> [UInt8] {
        var data = data
        var flags = flags
        if version == 4, unsynchronise {
            data = Self.unsynchronised(data)
        } else if version == 4, flags & 0x0002 != 0 {
            data = Self.unsynchronised(data)
        }
        if version == 4, unsynchronise { flags |= 0x0002 }
        let size = sizeOverride ?? UInt32(data.count)
        var out = Array(id.utf8)
        switch version {
        case 2:
            out += [UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
            return out + data
        case 3:
            out += Self.bigEndian(size)
        default:
            out += (plainSize || sizeOverride != nil) ? Self.bigEndian(size) : Self.syncsafe(Int(size))
        }
        out += [UInt8(flags >> 8), UInt8(flags & 0xFF)]
        return out + data
    }

    mutating func add(_ id: String, _ data: [UInt8], flags: UInt16 = 0, plainSize: Bool = false) {
        frames.append(frame(id, data, flags: flags, plainSize: plainSize))
    }

    mutating func addText(_ id: String, _ text: String, encoding: TextEncoding = .latin1) {
        add(id, Self.text(text, encoding: encoding))
    }

    /// Text frame data: encoding byte, encoded text, terminator.
    static func text(_ text: String, encoding: TextEncoding, bigEndianBOM: Bool = false) -> [UInt8] {
        [encoding.rawValue] + encoded(text, encoding, bigEndianBOM: bigEndianBOM) + terminator(encoding)
    }

    static func encoded(_ text: String, _ encoding: TextEncoding, bigEndianBOM: Bool = false) -> [UInt8] {
        switch encoding {
        case .latin1:
            return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        case .utf8:
            return Array(text.utf8)
        case .utf16:
            return bigEndianBOM
                ? [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
                : [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .utf16BigEndian:
            return text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        }
    }

    static func terminator(_ encoding: TextEncoding) -> [UInt8] {
        encoding == .utf16 || encoding == .utf16BigEndian ? [0, 0] : [0]
    }

    /// COMM data: encoding, language, description, text.
    static func comment(_ text: String, description: String = "", language: String = "eng",
                        encoding: TextEncoding = .latin1) -> [UInt8] {
        [encoding.rawValue] + Array(language.utf8) + encoded(description, encoding) + terminator(encoding)
            + encoded(text, encoding)
    }

    /// CHAP data with a TIT2 sub-frame (when `title` is given) in this tag's layout.
    func chapter(_ id: String, start: UInt32, end: UInt32, title: String?, encoding: TextEncoding = .latin1,
                 subFrames: [[UInt8]] = []) -> [UInt8] {
        var data = Array(id.utf8) + [0] + Self.bigEndian(start) + Self.bigEndian(end)
            + Self.bigEndian(0xFFFF_FFFF) + Self.bigEndian(0xFFFF_FFFF)
        if let title { data += subFrame("TIT2", Self.text(title, encoding: encoding)) }
        for sub in subFrames { data += sub }
        return data
    }

    /// CTOC data (flags: 0x01 ordered, 0x02 top-level).
    static func tableOfContents(_ id: String, flags: UInt8 = 0x03, entries: [String], count: Int? = nil) -> [UInt8] {
        var data = Array(id.utf8) + [0, flags, UInt8(count ?? entries.count)]
        for entry in entries { data += Array(entry.utf8) + [0] }
        return data
    }

    /// A sub-frame: same layout as a frame but never unsynchronised on its own.
    func subFrame(_ id: String, _ data: [UInt8]) -> [UInt8] {
        var plain = self
        plain.unsynchronise = false
        return plain.frame(id, data)
    }

    mutating func addChapter(_ id: String, start: UInt32, end: UInt32, title: String?) {
        add("CHAP", chapter(id, start: start, end: end, title: title))
    }

    mutating func addTableOfContents(_ id: String, flags: UInt8 = 0x03, entries: [String]) {
        add("CTOC", Self.tableOfContents(id, flags: flags, entries: entries))
    }

    // MARK: Tag

    func build() -> [UInt8] {
        var body: [UInt8] = []
        var flags = self.flags
        if let extendedHeader {
            body += extendedHeader
            flags |= 0x40
        }
        for frame in frames { body += frame }
        body += [UInt8](repeating: 0, count: padding)
        if unsynchronise {
            flags |= 0x80
            if version < 4 { body = Self.unsynchronised(body) }
        }
        if footer { flags |= 0x10 }
        let size = Self.syncsafe(body.count)
        var tag = Array("ID3".utf8) + [UInt8(version), 0, flags] + size + body
        if footer { tag += Array("3DI".utf8) + [UInt8(version), 0, flags] + size }
        return tag
    }

    // MARK: Primitives

    static func syncsafe(_ value: Int) -> [UInt8] {
        [UInt8(value >> 21 & 0x7F), UInt8(value >> 14 & 0x7F), UInt8(value >> 7 & 0x7F), UInt8(value & 0x7F)]
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// The unsynchronisation scheme: a 0x00 after every 0xFF that is followed by 0x00 or
    /// %111xxxxx, or that ends the data.
    static func unsynchronised(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, byte) in data.enumerated() {
            out.append(byte)
            if byte == 0xFF {
                let next = i + 1 < data.count ? data[i + 1] : nil
                if next == nil || next == 0 || next! & 0xE0 == 0xE0 { out.append(0) }
            }
        }
        return out
    }
}

/// Deterministic pseudo-random numbers (SplitMix64) so fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("ID3 test builder")
struct ID3TagBuilderTests {
    @Test func syncsafeEncoding() {
        #expect(ID3TagBuilder.syncsafe(0) == [0, 0, 0, 0])
        #expect(ID3TagBuilder.syncsafe(127) == [0, 0, 0, 0x7F])
        #expect(ID3TagBuilder.syncsafe(128) == [0, 0, 1, 0])
        #expect(ID3TagBuilder.syncsafe(0x0FFF_FFFF) == [0x7F, 0x7F, 0x7F, 0x7F])
        #expect(ID3Parser.syncsafeOrPlain(ID3TagBuilder.syncsafe(5_000_000)[...]) == 5_000_000)
    }

    @Test func unsynchronisationRoundTrips() {
        let data: [UInt8] = [0xFF, 0xFE, 0x41, 0xFF, 0x00, 0xFF, 0x41, 0xFF]
        let unsynced = ID3TagBuilder.unsynchronised(data)
        #expect(unsynced == [0xFF, 0x00, 0xFE, 0x41, 0xFF, 0x00, 0x00, 0xFF, 0x41, 0xFF, 0x00])
        #expect(Array(ID3Parser.removingUnsynchronisation(unsynced[...])) == data)
    }

    @Test func headerLayout() {
        var builder = ID3TagBuilder(version: 4)
        builder.addText("TIT2", "A")
        builder.padding = 5
        let tag = builder.build()
        #expect(Array(tag.prefix(10)) == [0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 13 + 5])
        #expect(tag.count == 10 + 13 + 5)
    }
}
