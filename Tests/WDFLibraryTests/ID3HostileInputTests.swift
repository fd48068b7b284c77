import Testing
@testable import WDFCore
@testable import WDFLibrary

@Suite("ID3 hostile input")
struct ID3HostileInputTests {
    /// A tag using most features: text in several encodings, comment, picture, chapters, CTOCs.
    private func richTag(version: Int, unsynchronise: Bool = false) -> [UInt8] {
        var builder = ID3TagBuilder(version: version)
        builder.unsynchronise = unsynchronise
        builder.addText("TIT2", "Rich ÿ title", encoding: .utf16)
        builder.addText("TPE1", "Artist", encoding: version == 4 ? .utf8 : .latin1)
        builder.addText("TRCK", "2/10")
        builder.add("COMM", ID3TagBuilder.comment("Comment", encoding: .utf16))
        builder.add("APIC", [0] + Array("image/jpeg".utf8) + [0, 3, 0, 0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0x00])
        builder.addChapter("b", start: 1000, end: 2000, title: "B")
        builder.addChapter("a", start: 0, end: 1000, title: "A")
        builder.addTableOfContents("sub", flags: 0x01, entries: ["b", "top"])
        builder.addTableOfContents("top", flags: 0x03, entries: ["a", "sub"])
        builder.padding = 16
        return builder.build()
    }

    @Test func richTagParses() throws {
        for version in [3, 4] {
            for unsync in [false, true] {
                let tag = try #require(ID3Tag.parse(richTag(version: version, unsynchronise: unsync)))
                #expect(tag.title == "Rich ÿ title")
                #expect(tag.trackNumber == 2)
                #expect(tag.comment == "Comment")
                #expect(tag.chapters.map(\.title) == ["A", "B"])
            }
        }
    }

    @Test(arguments: [(3, false), (3, true), (4, false), (4, true)])
    func truncatedAtEveryPosition(version: Int, unsynchronise: Bool) {
        let full = richTag(version: version, unsynchronise: unsynchronise)
        for length in 0...full.count {
            let tag = ID3Tag.parse(Array(full.prefix(length)))
            if length < 10 {
                #expect(tag == nil)
            } else {
                #expect(tag?.size == full.count)
                #expect(tag?.version == version)
                #expect((tag?.chapters.count ?? 0) <= 2)
            }
        }
    }

    @Test(arguments: [3, 4])
    func frameSizeOfAllOnes(version: Int) throws {
        var builder = ID3TagBuilder(version: version)
        builder.addText("TIT2", "Before")
        builder.frames.append(builder.frame("TALB", ID3TagBuilder.text("Huge", encoding: .latin1), sizeOverride: 0xFFFF_FFFF))
        builder.addText("TPE1", "Swallowed by the huge frame")
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.title == "Before")
        // TALB claims everything: it is read up to the end of the tag.
        #expect(tag.album?.hasPrefix("Huge") == true)
        #expect(tag.artist == nil)
    }

    @Test func headerSizeOfAllOnes() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addText("TIT2", "Small")
        var bytes = builder.build()
        bytes[6...9] = [0xFF, 0xFF, 0xFF, 0xFF]
        let tag = try #require(ID3Tag.parse(bytes))
        #expect(tag.size == 10 + 0xFFFF_FFFF)
        #expect(tag.title == "Small")
    }

    @Test func chapterFieldsOfAllOnes() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addChapter("max", start: 0xFFFF_FFFF, end: 0xFFFF_FFFF, title: nil)
        builder.add("CTOC", ID3TagBuilder.tableOfContents("toc", flags: 0xFF, entries: [], count: 255))
        let tag = try #require(ID3Tag.parse(builder.build()))
        #expect(tag.chapters == [Chapter(title: "Chapter 1", start: 4_294_967.295, end: nil)])
    }

    @Test func hundredThousandTinyFramesAreBounded() throws {
        var builder = ID3TagBuilder(version: 4)
        builder.addText("TIT2", "First")
        let tiny = builder.frame("TXXX", [])
        builder.frames += [[UInt8]](repeating: tiny, count: 100_000)
        builder.addText("TALB", "Beyond the frame limit")
        let bytes = builder.build()
        let clock = ContinuousClock()
        var tag: ID3Tag?
        let elapsed = clock.measure { tag = ID3Tag.parse(bytes) }
        #expect(tag?.title == "First")
        #expect(tag?.album == nil)  // scanning stops after ID3Parser.maximumFrames frames
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }

    @Test func hundredThousandTinyChaptersAreBounded() throws {
        var builder = ID3TagBuilder(version: 3)
        for index in 0..<100_000 {
            builder.add("CHAP", Array("c\(index)".utf8) + [0] + ID3TagBuilder.bigEndian(UInt32(100_000 - index))
                + [UInt8](repeating: 0, count: 12))
        }
        let clock = ContinuousClock()
        var tag: ID3Tag?
        let elapsed = clock.measure { tag = ID3Tag.parse(builder.build()) }
        #expect(tag?.chapters.count == ID3Parser.maximumChapters)
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    @Test func extendedHeaderSizeOfAllOnes() throws {
        for version in [3, 4] {
            var builder = ID3TagBuilder(version: version)
            builder.extendedHeader = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0]
            builder.addText("TIT2", "Unreachable")
            let tag = try #require(ID3Tag.parse(builder.build()))
            #expect(tag.title == nil)
        }
    }

    @Test func randomBytesAfterHeader() {
        var random = SplitMix64(seed: 0x1D3_F022)
        for iteration in 0..<3000 {
            let version = UInt8.random(in: 2...4, using: &random)
            let flags = UInt8.random(in: 0...255, using: &random)
            let length = Int.random(in: 0...600, using: &random)
            var body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Make plausible frame ids common so the frame parsers are reached.
            if iteration % 2 == 0, length >= 4 {
                let ids = version == 2 ? ["TT2", "COM", "TRK"] : ["TIT2", "COMM", "CHAP", "CTOC", "TRCK", "TDRC"]
                let id = Array(ids[Int.random(in: 0..<ids.count, using: &random)].utf8)
                body.replaceSubrange(0..<id.count, with: id)
            }
            let declared = Bool.random(using: &random) ? body.count : Int.random(in: 0...0x0FFF_FFFF, using: &random)
            let bytes = Array("ID3".utf8) + [version, 0, flags] + ID3TagBuilder.syncsafe(declared) + body
            let tag = ID3Tag.parse(bytes)
            #expect(tag != nil)
        }
    }

    @Test func randomMutationsOfValidTags() {
        var random = SplitMix64(seed: 42)
        let originals = [richTag(version: 3), richTag(version: 4), richTag(version: 4, unsynchronise: true),
                         richTag(version: 3, unsynchronise: true)]
        for _ in 0..<3000 {
            var bytes = originals[Int.random(in: 0..<originals.count, using: &random)]
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let position = Int.random(in: 10..<bytes.count, using: &random)
                bytes[position] = Bool.random(using: &random)
                    ? UInt8.random(in: 0...255, using: &random)
                    : bytes[position] ^ (1 << UInt8.random(in: 0...7, using: &random))
            }
            let tag = ID3Tag.parse(bytes)
            #expect(tag != nil)
            #expect((tag?.chapters.count ?? 0) <= 2)
        }
    }

    @Test func randomChapterStructures() {
        // Random CTOC graphs (self references, loops, unknown ids) over a few chapters.
        var random = SplitMix64(seed: 7)
        for _ in 0..<500 {
            var builder = ID3TagBuilder(version: 4)
            let chapterCount = Int.random(in: 0...6, using: &random)
            let tableCount = Int.random(in: 1...6, using: &random)
            let ids = (0..<chapterCount).map { "c\($0)" } + (0..<tableCount).map { "t\($0)" } + ["x"]
            for index in 0..<chapterCount {
                builder.addChapter("c\(index)", start: UInt32.random(in: 0...100, using: &random) * 1000,
                                   end: UInt32.random(in: 0...100, using: &random) * 1000, title: nil)
            }
            for index in 0..<tableCount {
                let entries = (0..<Int.random(in: 0...8, using: &random)).map { _ in ids.randomElement(using: &random)! }
                builder.addTableOfContents("t\(index)", flags: UInt8.random(in: 0...3, using: &random), entries: entries)
            }
            let chapters = ID3Tag.parse(builder.build())?.chapters ?? []
            #expect(chapters.count == chapterCount)  // every chapter exactly once
            #expect(chapters.map(\.title) == (1...max(1, chapterCount)).prefix(chapterCount).map { "Chapter \($0)" })
        }
    }
}
