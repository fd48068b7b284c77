import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("ID3 parser")
struct ID3ParserTests {
    // MARK: Header

    @Test func notATag() {
        #expect(ID3Tag.parse([]) == nil)
        #expect(ID3Tag.parse(Array("ID3".utf8)) == nil)
        #expect(ID3Tag.parse([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0]) == nil)  // 9 bytes
        #expect(ID3Tag.parse([0x49, 0x44, 0x34, 4, 0, 0, 0, 0, 0, 0]) == nil)  // "ID4"
        #expect(ID3Tag.parse([0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 100)) == nil)  // MPEG frame
        for major: UInt8 in [0, 1, 5, 0xFF] {
            #expect(ID3Tag.parse([0x49, 0x44, 0x33, major, 0, 0, 0, 0, 0, 0]) == nil)
        }
    }

    @Test(arguments: [2, 3, 4])
    func emptyTag(version: Int) throws {
        let tag = try #require(ID3Tag.parse([0x49, 0x44, 0x33, UInt8(version), 0, 0, 0, 0, 0, 0]))
        #expect(tag == ID3Tag(version: version, size: 10))
    }

    @Test func sizeIncludesHeaderPaddingAndFooter() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addText("TIT2", "Episode")
        builder.padding = 300
        let plain = builder.build()
        #expect(try #require(ID3Tag.parse(plain)).size == plain.count)
        #expect(try #require(ID3Tag.parse(plain + [0xFF, 0xFB, 0x90, 0x64])).size == plain.count)

        builder.padding = 0
        builder.footer = true
        let withFooter = builder.build()
        let tag = try #require(ID3Tag.parse(withFooter))
        #expect(tag.size == withFooter.count)
        #expect(tag.size == plain.count - 300 + 10)
        #expect(tag.title == "Episode")
    }

    @Test func largeSyncsafeSize() throws {
        // 0x01 0x7F 0x7F 0x7F = 2^21 + 2^21 - 1.
        let tag = try #require(ID3Tag.parse([0x49, 0x44, 0x33, 3, 0, 0, 0x01, 0x7F, 0x7F, 0x7F]))
        #expect(tag.size == 10 + (1 << 21) + (1 << 21) - 1)
    }

    @Test func nonSyncsafeHeaderSizeIsReadAsPlain() throws {
        var builder = ID3TagBuilder(version: 3)
        builder.addText("TIT2", "Still readable")
        var bytes = builder.build()
        bytes[6...9] = [0x00, 0x00, 0x00, 0x80]  // 0x80: not syncsafe
        let tag = try #require(ID3Tag.parse(bytes))
        #expect(tag.size == 10 + 0x80)
        #expect(tag.title == "Still readable")
    }

    // MARK: Text frames

    @Test(arguments: [3, 4], ID3TagBuilder.TextEncoding.allCases)
    func titleInEveryEncoding(version: Int, encoding: ID3TagBuilder.TextEncoding) throws {
        var builder = ID3TagBuilder(version: version)
        let title = encoding == .latin1 ? "Épisode à la plage" : "Épisode 🎧 日本"
        builder.addText("TIT2", title, encoding: encoding)
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == title)
        #expect(tag.version == version)
    }

    @Test func allFieldsV24() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addText("TIT2", "The Title", encoding: .utf8)
        builder.addText("TALB", "The Show", encoding: .utf16)
        builder.addText("TPE1", "The Host", encoding: .utf16BigEndian)
        builder.addText("TRCK", "6/48")
        builder.addText("TDRC", "2024-03-15T10:00")
        builder.add("COMM", ID3TagBuilder.comment("Notes", encoding: .utf8))
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == "The Title")
        #expect(tag.album == "The Show")
        #expect(tag.artist == "The Host")
        #expect(tag.trackNumber == 6)
        #expect(tag.date == "2024-03-15T10:00")
        #expect(tag.comment == "Notes")
        #expect(tag.chapters.isEmpty)
    }

    @Test func dateFromYearAndDayMonthV23() throws {
        var builder = ID3TagBuilder(version: 3)
        builder.addText("TYER", "2024")
        builder.addText("TDAT", "1503")
        #expect(try #require(ID3Tag.parse(builder.build())).date == "2024-03-15")

        var yearOnly = ID3TagBuilder(version: 3)
        yearOnly.addText("TYER", "2023")
        yearOnly.addText("TDAT", "bad")
        #expect(try #require(ID3Tag.parse(yearOnly.build())).date == "2023")
    }

    @Test(arguments: [("6/48", 6), ("6", 6), (" 07 / 12", 7), ("12/", 12), ("/5", nil), ("x", nil), ("-3", nil),
                      ("99999999999999999999999", nil), ("", nil)] as [(String, Int?)])
    func trackNumber(text: String, expected: Int?) throws {
        var builder = ID3TagBuilder(version: 3)
        builder.addText("TRCK", text)
        #expect(try #require(ID3Tag.parse(builder.build())).trackNumber == expected)
    }

    @Test func commentPrefersEmptyDescription() throws {
        var builder = ID3TagBuilder(version: 3)
        builder.add("COMM", ID3TagBuilder.comment(" 00000A2B 00000A2B", description: "iTunNORM"))
        builder.add("COMM", ID3TagBuilder.comment("Described", description: "notes", language: "deu"))
        builder.add("COMM", ID3TagBuilder.comment("The comment", description: "", language: "XXX", encoding: .utf16))
        #expect(try #require(ID3Tag.parse(builder.build())).comment == "The comment")

        var noEmpty = ID3TagBuilder(version: 4)
        noEmpty.add("COMM", ID3TagBuilder.comment(" 00000A2B", description: "iTunSMPB"))
        noEmpty.add("COMM", ID3TagBuilder.comment("Described", description: "notes"))
        #expect(try #require(ID3Tag.parse(noEmpty.build())).comment == "Described")

        var onlyITunes = ID3TagBuilder(version: 4)
        onlyITunes.add("COMM", ID3TagBuilder.comment(" 00000A2B", description: "iTunNORM"))
        #expect(try #require(ID3Tag.parse(onlyITunes.build())).comment == nil)
    }

    @Test func firstNonEmptyTextFrameWins() throws {
        var builder = ID3TagBuilder(version: 3)
        builder.addText("TIT2", "  ")
        builder.addText("TIT2", "Second")
        builder.addText("TIT2", "Third")
        #expect(try #require(ID3Tag.parse(builder.build())).title == "Second")
    }

    @Test func v22Frames() throws {
        var builder = ID3TagBuilder(version: 2)
        builder.addText("TT2", "Old Title", encoding: .utf16)
        builder.addText("TAL", "Old Album")
        builder.addText("TP1", "Old Artist")
        builder.addText("TRK", "3/9")
        builder.addText("TYE", "1999")
        builder.add("PIC", [0, 0x4A, 0x50, 0x47, 3, 0] + [UInt8](repeating: 0xFF, count: 50))
        builder.add("COM", ID3TagBuilder.comment("Old comment"))
        builder.padding = 20
        let bytes = builder.build()
        let tag = try #require(ID3Tag.parse(bytes))
        #expect(tag == ID3Tag(version: 2, size: bytes.count, title: "Old Title", album: "Old Album",
                              artist: "Old Artist", trackNumber: 3, date: "1999", comment: "Old comment"))
    }

    @Test func v22CompressedTagIsNotRead() throws {
        var builder = ID3TagBuilder(version: 2)
        builder.flags = 0x40
        builder.addText("TT2", "Hidden")
        let bytes = builder.build()
        #expect(try #require(ID3Tag.parse(bytes)) == ID3Tag(version: 2, size: bytes.count))
    }

    // MARK: Frame structure

    @Test func stopsAtPaddingAndInvalidIDs() throws {
        var builder = ID3TagBuilder(version: 3)
        builder.addText("TIT2", "Before")
        builder.frames.append([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        builder.addText("TALB", "After padding")
        #expect(try #require(ID3Tag.parse(builder.build())).album == nil)

        var invalid = ID3TagBuilder(version: 4)
        invalid.addText("TIT2", "Before")
        invalid.add("ti t", [0, 0x41])
        invalid.addText("TALB", "After junk")
        let tag = try #require(ID3Tag.parse(invalid.build()))
        #expect(tag.title == "Before")
        #expect(tag.album == nil)
    }

    @Test func zeroSizeFramesAreSkipped() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.add("TIT2", [])
        builder.add("TXXX", [])
        builder.addText("TIT2", "Real")
        #expect(try #require(ID3Tag.parse(builder.build())).title == "Real")
    }

    @Test(arguments: [3, 4])
    func compressedAndEncryptedFramesAreSkipped(version: Int) throws {
        let compressed: UInt16 = version == 3 ? 0x0080 : 0x0008 | 0x0001
        let encrypted: UInt16 = version == 3 ? 0x0040 : 0x0004
        var builder = ID3TagBuilder(version: version)
        // zlib-looking bytes that would decode as a garbage Latin-1 title.
        builder.add("TIT2", [0, 0, 0, 0x20, 0x78, 0x9C, 0x4B, 0x4C, 0x4A, 0x06, 0x00], flags: compressed)
        builder.add("TALB", [0x80, 0x41, 0x42, 0x43], flags: encrypted)
        builder.addText("TPE1", "Plain")
        builder.addText("TALB", "Album")
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == nil)
        #expect(tag.album == "Album")
        #expect(tag.artist == "Plain")
    }

    @Test func v24DataLengthIndicatorAndGrouping() throws {
        var builder = ID3TagBuilder(version: 4)
        let text = ID3TagBuilder.text("With DLI", encoding: .utf8)
        builder.add("TIT2", ID3TagBuilder.syncsafe(text.count) + text, flags: 0x0001)
        builder.add("TALB", [0x07] + ID3TagBuilder.text("Grouped", encoding: .latin1), flags: 0x0040)
        builder.add("TPE1", [0x07] + ID3TagBuilder.syncsafe(5) + ID3TagBuilder.text("Both", encoding: .latin1), flags: 0x0041)
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == "With DLI")
        #expect(tag.album == "Grouped")
        #expect(tag.artist == "Both")
    }

    @Test func v23Grouping() throws {
        var builder = ID3TagBuilder(version: 3)
        builder.add("TIT2", [0x01] + ID3TagBuilder.text("Grouped", encoding: .latin1), flags: 0x0020)
        #expect(try #require(ID3Tag.parse(builder.build())).title == "Grouped")
    }

    @Test func v24PlainSizesAreDetected() throws {
        // Plain sizes 200 (0x000000C8: not syncsafe at all) and 256 (0x00000100: valid syncsafe
        // 128, which would land inside the frame's text), then syncsafe 302 (0x0000022E, plain
        // 558) which must stay syncsafe.
        var builder = ID3TagBuilder(version: 4)
        builder.add("TXXX", [0] + [UInt8](repeating: 0x41, count: 199), plainSize: true)
        builder.add("COMM", ID3TagBuilder.comment(String(repeating: "c", count: 251)), plainSize: true)  // 5 + 251 = 256
        builder.addText("TIT2", "After plain sizes")
        builder.add("TALB", ID3TagBuilder.text(String(repeating: "b", count: 300), encoding: .latin1))  // syncsafe, > 127
        builder.addText("TPE1", "After syncsafe")
        builder.padding = 64
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.comment == String(repeating: "c", count: 251))
        #expect(tag.title == "After plain sizes")
        #expect(tag.album == String(repeating: "b", count: 300))
        #expect(tag.artist == "After syncsafe")
    }

    @Test func v24PlainSizeOverZerosInBinaryData() throws {
        // Plain 300 = 0x0000012C reads as syncsafe 172, where the picture has a run of zeros
        // that looks like padding; the plain reading lands on TIT2 and wins.
        var builder = ID3TagBuilder(version: 4)
        var picture = [0] + Array("image/png".utf8) + [0, 3, 0] + [UInt8](repeating: 0x89, count: 287)
        picture.replaceSubrange(160..<200, with: [UInt8](repeating: 0, count: 40))
        #expect(picture.count == 300)
        builder.add("APIC", picture, plainSize: true)
        builder.addText("TIT2", "After the picture")
        builder.padding = 100
        #expect(try #require(ID3Tag.parse(builder.build())).title == "After the picture")

        // The same zeros with a correct syncsafe size: stays syncsafe.
        var correct = ID3TagBuilder(version: 4)
        correct.add("APIC", picture)
        correct.addText("TIT2", "After the picture")
        #expect(try #require(ID3Tag.parse(correct.build())).title == "After the picture")
    }

    @Test func v24PlainSizeOfLastFrameBeforeEnd() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addText("TIT2", "First")
        // Plain 256 = 0x00000100 reads as syncsafe 128, which lands inside the text; plain ends the tag.
        builder.add("TALB", ID3TagBuilder.text(String(repeating: "z", count: 254), encoding: .latin1), plainSize: true)
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.album == String(repeating: "z", count: 254))
    }

    @Test func extendedHeaderV23() throws {
        var builder = ID3TagBuilder(version: 3)
        builder.extendedHeader = ID3TagBuilder.bigEndian(10) + [0x80, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]  // with CRC
        builder.addText("TIT2", "After ext")
        #expect(try #require(ID3Tag.parse(builder.build())).title == "After ext")

        var short = ID3TagBuilder(version: 3)
        short.extendedHeader = ID3TagBuilder.bigEndian(6) + [0, 0, 0, 0, 0, 0]
        short.addText("TIT2", "After short ext")
        #expect(try #require(ID3Tag.parse(short.build())).title == "After short ext")
    }

    @Test func extendedHeaderV24() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.extendedHeader = ID3TagBuilder.syncsafe(6) + [1, 0]
        builder.addText("TIT2", "After ext")
        #expect(try #require(ID3Tag.parse(builder.build())).title == "After ext")

        var crc = ID3TagBuilder(version: 4)
        crc.extendedHeader = ID3TagBuilder.syncsafe(12) + [1, 0x20, 5, 0x01, 0x02, 0x03, 0x04, 0x05]  // CRC flag + 5 data bytes
        crc.addText("TIT2", "After CRC ext")
        #expect(try #require(ID3Tag.parse(crc.build())).title == "After CRC ext")
    }

    @Test(arguments: [3, 4])
    func brokenExtendedHeaderGivesEmptyTag(version: Int) throws {
        var builder = ID3TagBuilder(version: version)
        builder.extendedHeader = version == 3 ? ID3TagBuilder.bigEndian(0x7FFF_FFFF) : ID3TagBuilder.syncsafe(2)
        builder.addText("TIT2", "Unreachable")
        let bytes = builder.build()
        #expect(try #require(ID3Tag.parse(bytes)) == ID3Tag(version: version, size: bytes.count))
    }

    // MARK: Unsynchronisation

    /// Data full of 0xFF so unsynchronisation changes it: a fake picture, then text in UTF-16
    /// little-endian (BOM 0xFF 0xFE) that must come out intact.
    private func unsyncTestFrames(_ builder: inout ID3TagBuilder) {
        builder.add(builder.version == 2 ? "PIC" : "APIC",
                    [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0xFF, 0x00, 0xFF, 0xFF, 0xFB, 0xFF])
        builder.addText(builder.version == 2 ? "TT2" : "TIT2", "ÿ Unsynced ÿ", encoding: .utf16)
        builder.addText(builder.version == 2 ? "TAL" : "TALB", "ÿÿ", encoding: .latin1)
    }

    @Test(arguments: [2, 3])
    func wholeTagUnsynchronisation(version: Int) throws {
        var builder = ID3TagBuilder(version: version)
        builder.unsynchronise = true
        unsyncTestFrames(&builder)
        let bytes = builder.build()
        var plain = builder
        plain.unsynchronise = false
        #expect(bytes.count > plain.build().count)  // zero bytes were inserted
        let tag = try #require(ID3Tag.parse(bytes))
        #expect(tag.title == "ÿ Unsynced ÿ")
        #expect(tag.album == "ÿÿ")
        #expect(tag.size == bytes.count)
    }

    @Test func v24TagLevelUnsynchronisation() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.unsynchronise = true  // tag flag + every frame unsynchronised (and flagged)
        unsyncTestFrames(&builder)
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == "ÿ Unsynced ÿ")
        #expect(tag.album == "ÿÿ")
    }

    @Test func v24TagLevelFlagAppliesToUnflaggedFrames() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.flags = 0x80
        builder.add("TIT2", ID3TagBuilder.unsynchronised(ID3TagBuilder.text("ÿ", encoding: .utf16)))
        #expect(try #require(ID3Tag.parse(builder.build())).title == "ÿ")
    }

    @Test func v24PerFrameUnsynchronisation() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.add("APIC", [0xFF, 0xD8, 0xFF, 0xE0, 0x00], flags: 0x0002)
        builder.add("TIT2", ID3TagBuilder.text("ÿ Frame ÿ", encoding: .utf16), flags: 0x0002)
        builder.add("TALB", ID3TagBuilder.text("ÿ not unsynced", encoding: .utf16))
        let text = ID3TagBuilder.text("DLI ÿ", encoding: .utf16)
        builder.add("TPE1", ID3TagBuilder.syncsafe(text.count) + text, flags: 0x0003)
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == "ÿ Frame ÿ")
        #expect(tag.album == "ÿ not unsynced")
        #expect(tag.artist == "DLI ÿ")
    }

    // MARK: Performance

    @Test func bigPictureIsSkippedNotCopied() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addText("TALB", "Before")
        builder.add("APIC", [0] + Array("image/jpeg".utf8) + [0, 3, 0] + [UInt8](repeating: 0xAB, count: 5_000_000))
        builder.addText("TIT2", "After the picture")
        let bytes = builder.build()
        let clock = ContinuousClock()
        var tag: ID3Tag?
        let elapsed = clock.measure {
            for _ in 0..<20 { tag = ID3Tag.parse(bytes) }
        }
        #expect(tag?.title == "After the picture")
        #expect(tag?.album == "Before")
        // 20 parses of a 5 MB tag: copying or scanning the picture would take far longer.
        #expect(elapsed < .seconds(1), "20 parses took \(elapsed)")
    }
}
